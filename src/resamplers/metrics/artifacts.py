"""Resampling artifacts: aliasing (high frequencies folded into a smaller output) and
overshoot (ringing past the input's value range).

>>> import numpy as np
>>> n = np.arange(64)
>>> tone = np.cos(2 * np.pi * 0.375 * (n + 0.5))   # above the Nyquist limit of a 2x shrink
>>> aliasing_energy(lambda x: x[::2], tone, 2)       # plain subsampling folds all of it
1.0000...
>>> aliasing_energy(lambda x: (x[0::2] + x[1::2]) / 2, tone, 2)   # a 2-tap mean, |cos(pi f)|²
0.1464...
>>> overshoot(np.array([-0.1, 0.5, 1.05]), np.array([0.0, 1.0]))
0.1000...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def ideal_lowpass(x: np.ndarray, cutoff: float | Sequence[float]) -> np.ndarray:
    """Keep only the frequencies of ``x`` below ``cutoff`` cycles per sample, on every axis.

    A brick-wall filter applied axis by axis (so the kept band is a rectangle), computed by FFT
    of the even (mirror) extension of each axis, so that the borders add no spurious high
    frequencies. ``cos(2 pi f (n + 1/2))`` with ``2 f N`` an integer is passed (``f < cutoff``)
    or removed exactly.

    Args:
        x: real data; every axis is filtered.
        cutoff: in cycles per sample (0.5 is the Nyquist limit), one or one per axis; a
            frequency equal to the cutoff is removed.

    Returns:
        The low band, float64, of ``x``'s shape; ``x - ideal_lowpass(x, c)`` is the high band.
    """
    out = np.asarray(x, dtype=np.float64)
    cutoffs = _per_axis(cutoff, out.ndim, "cutoff")
    for axis, fc in enumerate(cutoffs):
        n = out.shape[axis]
        mirrored = np.concatenate([out, np.flip(out, axis=axis)], axis=axis)
        spectrum = np.fft.rfft(mirrored, axis=axis)
        keep = np.fft.rfftfreq(2 * n) < fc
        shape = [1] * out.ndim
        shape[axis] = keep.size
        spectrum *= keep.reshape(shape)
        out = np.take(np.fft.irfft(spectrum, n=2 * n, axis=axis), np.arange(n), axis=axis)
    return out


def aliasing_energy(
    downsample: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    factor: float | Sequence[float],
) -> float:
    """The energy ``downsample`` folds into its output from frequencies it cannot represent.

    A downsampler by ``factor`` outputs a grid whose Nyquist limit is ``0.5 / factor`` cycles
    per *input* sample. Split ``x`` into its low band ``x_low = ideal_lowpass(x, 0.5 / factor)``
    and the rest. Whatever the output holds that comes from the rest is aliasing, so

        A = mean((D(x) - D(x_low))²) / mean((x - mean(x))²)

    the mean square of the aliased part of the output, per output sample, relative to the mean
    square of the input's variations, per input sample. For a linear ``D`` the numerator is
    ``D`` applied to the high band alone. ``A = 0`` for an ideal downsampler and for any ``x``
    whose content lies below the limit; a pure tone above the limit, plainly subsampled, gives
    1 (all of it folds back, at a lower frequency). A zone plate (whose frequency grows with the
    radius) measures a downsampler over all frequencies at once.

    Args:
        downsample: maps ``x`` (any real array of ``x``'s shape) to the downsampled array.
        x: the test signal, every axis spatial (a 1-D signal or a gray ``(H, W)`` image).
        factor: input size / output size, one or one per axis (> 1 for a downsampler).

    Returns:
        ``A``, a fraction (0 for a constant ``x``).
    """
    signal = np.asarray(x, dtype=np.float64)
    factors = _per_axis(factor, signal.ndim, "factor")
    if min(factors) <= 0:
        raise ValueError(f"factor must be > 0, got {factor}")
    low = ideal_lowpass(signal, [0.5 / f for f in factors])
    aliased = np.asarray(downsample(signal), dtype=np.float64) - np.asarray(
        downsample(low), dtype=np.float64
    )
    energy = float(np.mean((signal - signal.mean()) ** 2))
    return 0.0 if energy == 0.0 else float(np.mean(aliased**2)) / energy


def overshoot(y: np.ndarray, x: np.ndarray) -> float:
    """How far ``y`` goes outside the value range of ``x``, relative to that range.

    ``max(max(y) - max(x), min(x) - min(y), 0) / (max(x) - min(x))``: the peak overshoot (or
    undershoot) that ringing kernels (cubic, Lanczos) add next to edges; 0 for kernels with
    non-negative weights (nearest, linear, box, area, Gaussian) and for pooling. A unit step
    upsampled 3x with Keys cubic (a = -0.5) overshoots by 2/27 on both sides.

    Args:
        y: the result (NaNs are ignored).
        x: the input it came from (NaNs are ignored).

    Returns:
        The overshoot as a fraction of ``x``'s range (0 for a constant ``x`` that ``y`` keeps).
    """
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    excess = max(float(np.nanmax(y)) - hi, lo - float(np.nanmin(y)), 0.0)
    span = hi - lo
    if span == 0.0:
        return 0.0 if excess == 0.0 else float("inf")
    return excess / span


def _per_axis(value: float | Sequence[float], count: int, name: str) -> tuple[float, ...]:
    values = (value,) * count if np.isscalar(value) else tuple(value)  # type: ignore[arg-type]
    if len(values) != count:
        raise ValueError(f"{name}: expected 1 or {count} values, got {len(values)}")
    return tuple(float(v) for v in values)
