"""1-D polyphase resampling by a rational factor: resample_poly, decimate, interpolate_signal.

The results match ``scipy.signal.resample_poly`` / ``scipy.signal.decimate(ftype="fir")``; SciPy
is not needed at runtime: the windows and the windowed-sinc low-pass design (``get_window``,
``firwin_lowpass``) are reimplemented here in NumPy.

How it runs: with ``up`` and ``down`` coprime, every block of ``up * m`` consecutive outputs uses
the same weights on its own window of the input, and consecutive blocks' windows start
``down * m`` samples apart. So the input, read as a matrix with rows ``down * m`` apart (a strided
view, no copy), times a small banded weight matrix gives a group of outputs of every block: one
GEMM per group, run over chunks of rows. Only the zero-multiplies inside the bands are wasted, no
``taps x length`` array is ever built, and temporaries are bounded by the chunk size (plus one copy
of the input when it is not contiguous along ``axis`` or not float32/float64). The backward pass
is the same operation with ``up`` and ``down`` swapped and the taps reversed.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torch import Tensor, nn

from resamplers.functional._interop import (
    ArrayLike,
    check_int,
    empty,
    normalize_axes,
    to_tensor,
)

__all__ = [
    "Decimate",
    "InterpolateSignal",
    "ResamplePoly",
    "decimate",
    "firwin_lowpass",
    "get_window",
    "interpolate_signal",
    "resample_poly",
]

WindowSpec = str | tuple | float | np.ndarray | Tensor | list

# Window names (with SciPy's aliases) -> (canonical name, number of parameters).
_WINDOW_NAMES = {
    **dict.fromkeys(("boxcar", "box", "ones", "rect", "rectangular"), ("boxcar", 0)),
    **dict.fromkeys(("hann", "han"), ("hann", 0)),
    **dict.fromkeys(("hamming", "hamm", "ham"), ("hamming", 0)),
    **dict.fromkeys(("blackman", "black", "blk"), ("blackman", 0)),
    **dict.fromkeys(("general_hamming", "general hamming"), ("general_hamming", 1)),
    **dict.fromkeys(("kaiser", "ksr"), ("kaiser", 1)),
}
_COSINE_TERMS = {
    "boxcar": (1.0,),
    "hann": (0.5, 0.5),
    "hamming": (0.54, 0.46),
    "blackman": (0.42, 0.50, 0.08),
}
_PADTYPES = ("constant", "edge", "line", "mean", "median", "maximum", "minimum")
# Samples (inputs read plus outputs written) per chunk of GEMMs: on CPU, big enough that thread
# start-up per call is amortised, small enough that the inputs stay in the last-level cache
# while every group reads them (measured: 2**19 to 2**21 within 10%; 2**16 and 2**22 slower).
_CHUNK_SAMPLES_CPU = 1 << 20
_CHUNK_SAMPLES_OTHER = 1 << 25
# Outputs per GEMM. Measured (float64, AVX2): multiples of 12 fill MKL's micro-kernel and run up
# to twice as fast as their neighbours; 24 was the best or within 10% of it for every ratio tried.
_GROUP = 24


# --- filter design ---------------------------------------------------------------------------


def get_window(window: str | tuple | float, length: int, fftbins: bool = True) -> np.ndarray:
    """A window of ``length`` samples, as ``scipy.signal.get_window`` makes it (float64).

    Supported: ``"boxcar"``, ``"hann"``, ``"hamming"``, ``"blackman"`` (each also as a 1-tuple),
    ``("kaiser", beta)``, ``("general_hamming", alpha)``, SciPy's short aliases of these names,
    the ``"_periodic"`` / ``"_symmetric"`` name suffixes, and a bare number (a Kaiser ``beta``).
    ``fftbins=True`` gives the periodic window (for spectral analysis), ``False`` the symmetric one
    (for filter design).

    Shape:
        - Output: ``(length,)``

    Examples:
        >>> from resamplers.functional.signal import get_window
        >>> get_window("hann", 4, fftbins=False)
        array([0.  , 0.75, 0.75, 0.  ])
        >>> get_window(("kaiser", 0.0), 3)
        array([1., 1., 1.])
    """
    name, params, symmetric = _parse_window(window, fftbins)
    if isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 1:
        raise ValueError(f"length: expected a positive integer, got {length!r}")
    return _window(name, params, int(length), symmetric)


def firwin_lowpass(
    numtaps: int, cutoff: float, window: str | tuple | float = "hamming"
) -> np.ndarray:
    """Windowed-sinc low-pass FIR taps with unit DC gain, as ``scipy.signal.firwin`` makes them.

    ``cutoff`` is relative to the Nyquist frequency, in ``(0, 1)``; ``window`` is anything
    :func:`get_window` takes (it is used symmetric).

    Shape:
        - Output: ``(numtaps,)``

    Examples:
        >>> from resamplers.functional.signal import firwin_lowpass
        >>> taps = firwin_lowpass(5, 0.5)
        >>> taps.round(4)
        array([0.    , 0.2037, 0.5926, 0.2037, 0.    ])
        >>> float(taps.sum())
        1.0
    """
    if isinstance(numtaps, bool) or not isinstance(numtaps, numbers.Integral) or numtaps < 1:
        raise ValueError(f"numtaps: expected a positive integer, got {numtaps!r}")
    if isinstance(cutoff, bool) or not isinstance(cutoff, numbers.Real) or not 0 < cutoff < 1:
        raise ValueError(f"cutoff: expected a number in (0, 1) (times Nyquist), got {cutoff!r}")
    name, params, _ = _parse_window(window, fftbins=False)
    return _lowpass(int(numtaps), float(cutoff), name, params)


@lru_cache(maxsize=64)
def _lowpass(numtaps: int, cutoff: float, name: str, params: tuple[float, ...]) -> np.ndarray:
    m = np.arange(numtaps) - 0.5 * (numtaps - 1)
    taps = cutoff * np.sinc(cutoff * m) * _window(name, params, numtaps, symmetric=True)
    taps /= taps.sum()  # unit gain at DC
    taps.flags.writeable = False  # shared by the cache
    return taps


def _parse_window(window: object, fftbins: bool) -> tuple[str, tuple[float, ...], bool]:
    """``window`` -> (canonical name, float parameters, symmetric?), or a clear error."""
    if isinstance(window, numbers.Real) and not isinstance(window, bool):
        window = ("kaiser", window)
    if isinstance(window, str):
        window = (window,)
    if not isinstance(window, tuple) or not window or not isinstance(window[0], str):
        raise TypeError(
            f"window: expected a name, a (name, *params) tuple or a number, got {window!r}"
        )
    name, *params = window
    symmetric = not fftbins
    for suffix, sym in (("_periodic", False), ("_symmetric", True)):
        if name.endswith(suffix):
            name, symmetric = name[: -len(suffix)], sym
    if name not in _WINDOW_NAMES:
        supported = sorted({canonical for canonical, _ in _WINDOW_NAMES.values()})
        raise ValueError(f"window: unsupported window {window[0]!r}; supported: {supported}")
    name, count = _WINDOW_NAMES[name]
    if len(params) != count:
        raise ValueError(f"window: {name!r} takes {count} parameter(s), got {len(params)}")
    for value in params:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"window: {name!r} parameters must be numbers, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"window: {name!r} parameters must be finite numbers, got {value!r}")
    return name, tuple(float(v) for v in params), symmetric


def _window(name: str, params: tuple[float, ...], length: int, symmetric: bool) -> np.ndarray:
    if length == 1:
        return np.ones(1)
    # A periodic window is the symmetric one of length + 1 without its last sample.
    size = length if symmetric else length + 1
    if name == "kaiser":
        n = np.arange(size)
        alpha = (size - 1) / 2.0
        beta = params[0]
        w = np.i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2)) / np.i0(beta)
    else:
        terms = (params[0], 1.0 - params[0]) if name == "general_hamming" else _COSINE_TERMS[name]
        phase = np.linspace(-np.pi, np.pi, size)
        w = sum(a * np.cos(k * phase) for k, a in enumerate(terms))
    return w[:length]


# --- validation and the resampling spec --------------------------------------------------------


def _explicit_taps(window: np.ndarray | Tensor | list) -> np.ndarray:
    if isinstance(window, Tensor):
        window = window.detach().cpu().numpy()
    try:
        taps = np.array(window, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"window: FIR coefficients must be real numbers ({error})") from None
    if taps.ndim != 1 or taps.size == 0:
        raise ValueError(f"window: FIR coefficients must be a non-empty 1-D array: {taps.shape}")
    if not np.isfinite(taps).all():
        raise ValueError("window: FIR coefficients must be finite")
    return taps


@dataclass(frozen=True, eq=False)
class _Spec:
    """A validated resampling: coprime factors, the taps (already times ``up``), where output 0
    sits in the taps (``offset``), and the boundary rule."""

    up: int
    down: int
    taps: np.ndarray
    offset: int
    padtype: str
    cval: float


def _resample_spec(
    up: object, down: object, window: object, padtype: object, cval: object
) -> _Spec:
    up, down = check_int(up, "up"), check_int(down, "down")
    if not isinstance(padtype, str) or padtype not in _PADTYPES:
        raise ValueError(f"padtype: expected one of {_PADTYPES}, got {padtype!r}")
    if cval is not None:
        if padtype != "constant":
            raise ValueError(f"cval: only used with padtype='constant', not {padtype!r}")
        if isinstance(cval, bool) or not isinstance(cval, numbers.Real) or not math.isfinite(cval):
            raise ValueError(f"cval: expected a finite number, got {cval!r}")
    gcd = math.gcd(up, down)
    up, down = up // gcd, down // gcd
    if isinstance(window, (np.ndarray, Tensor, list)):
        taps = _explicit_taps(window)
        half_len = (taps.size - 1) // 2
    else:
        name, params, _ = _parse_window(window, fftbins=False)
        max_rate = max(up, down)
        half_len = 10 * max_rate  # SciPy's choice: ten zero crossings of the sinc on each side
        taps = _lowpass(2 * half_len + 1, 1.0 / max_rate, name, params)
    return _Spec(up, down, taps * up, half_len, padtype, float(cval or 0.0))


# --- public functions ------------------------------------------------------------------------


def resample_poly(
    x: ArrayLike,
    up: int,
    down: int,
    axis: int = -1,
    window: WindowSpec = ("kaiser", 5.0),
    padtype: str = "constant",
    cval: float | None = None,
) -> ArrayLike:
    """Resample ``x`` along ``axis`` by ``up / down`` with a polyphase FIR filter.

    Same result as ``scipy.signal.resample_poly`` (whose default axis is 0, not -1): conceptually
    ``x`` is upsampled by ``up`` (zeros inserted), low-pass filtered by
    ``firwin_lowpass(20 * r + 1, 1 / r, window) * up`` with ``r = max(up, down)`` (after both are
    divided by their gcd), and every ``down``-th sample is kept, aligned so that output sample 0 is
    at input sample 0. Only the kept samples are computed.

    Args:
        x: a tensor (any shape, any device; differentiable) or a NumPy array.
        up: upsampling factor, a positive integer.
        down: downsampling factor, a positive integer.
        axis: the axis to resample.
        window: the window of the low-pass design (see :func:`get_window`: ``("kaiser", beta)``,
            ``"hamming"``, ``"hann"``, ...) or the FIR coefficients themselves as a 1-D array
            (designed for the rate ``up`` times the input's; used as constants, not
            differentiated). Applied centred on its middle tap.
        padtype: values assumed beyond both ends: ``"constant"`` (``cval``, default 0),
            ``"edge"`` (the end samples repeated), ``"line"`` (the straight line through the first
            and last samples), or ``"mean"``, ``"median"``, ``"maximum"``, ``"minimum"`` of the
            signal along ``axis``.
        cval: the value for ``padtype="constant"``.

    Returns:
        The resampled signal, ``ceil(n * up / down)`` samples along ``axis`` for ``n`` input
        samples. Tensors keep their dtype (float16 / bfloat16 are computed in float32); NumPy in
        gives NumPy out with the input's float dtype; integer input gives float64.

    A NaN or infinite input sample spoils more outputs around it than in SciPy (up to a few dozen
    more), because the banded weight matrices also multiply it by zeros.

    Shape:
        - Input: ``(*, n, *)``, ``n >= 1`` along ``axis``
        - Output: ``(*, ceil(n * up / down), *)``

    Examples:
        >>> import numpy as np, torch
        >>> from resamplers.functional.signal import resample_poly
        >>> resample_poly(torch.randn(2, 3, 1000), 3, 2).shape
        torch.Size([2, 3, 1500])
        >>> y = resample_poly(np.arange(10), 1, 3, axis=0)
        >>> y.shape, y.dtype
        ((4,), dtype('float64'))
        >>> bool(np.allclose(resample_poly(np.ones(8), 3, 2, padtype="mean"), 1.0))
        True
    """
    return _resample(x, _resample_spec(up, down, window, padtype, cval), axis)


def interpolate_signal(
    x: ArrayLike,
    factor: int,
    axis: int = -1,
    window: WindowSpec = ("kaiser", 5.0),
    padtype: str = "constant",
    cval: float | None = None,
) -> ArrayLike:
    """Upsample ``x`` along ``axis`` by an integer ``factor``: ``resample_poly(x, factor, 1, ...)``.

    The other arguments are those of :func:`resample_poly`. The ``factor - 1`` new samples between
    two input samples come from the low-pass FIR interpolator; the input samples themselves are
    kept only approximately (the filter is not a Nyquist filter unless ``window`` makes it one).

    Shape:
        - Input: ``(*, n, *)``
        - Output: ``(*, n * factor, *)``

    Examples:
        >>> import torch
        >>> from resamplers.functional.signal import interpolate_signal
        >>> interpolate_signal(torch.randn(4, 100), 4).shape
        torch.Size([4, 400])
    """
    return _resample(x, _resample_spec(check_int(factor, "factor"), 1, window, padtype, cval), axis)


def decimate(
    x: ArrayLike,
    q: int,
    *,
    n: int | None = None,
    ftype: str = "fir",
    zero_phase: bool = True,
    axis: int = -1,
) -> ArrayLike:
    """Low-pass filter, then keep every ``q``-th sample: ``scipy.signal.decimate(ftype="fir")``.

    The filter is ``firwin_lowpass(n + 1, 1 / q, "hamming")`` with ``n = 20 * q`` by default.
    With ``zero_phase=True`` it is applied centred (``resample_poly(x, 1, q, window=taps)``);
    otherwise causally (output ``i`` uses inputs up to ``i * q``, a delay of ``n / 2`` samples).
    Only the FIR filter is available: unlike SciPy, ``ftype`` defaults to and must be ``"fir"``.

    Shape:
        - Input: ``(*, m, *)``
        - Output: ``(*, ceil(m / q), *)``

    Examples:
        >>> import numpy as np
        >>> from resamplers.functional.signal import decimate
        >>> t = np.arange(1000) / 1000
        >>> decimate(np.sin(2 * np.pi * 5 * t), 4).shape
        (250,)
    """
    if ftype != "fir":
        raise ValueError(f"ftype: only 'fir' is supported, got {ftype!r}")
    return _resample(x, _decimate_spec(q, n, zero_phase), axis)


def _decimate_spec(q: object, n: object, zero_phase: bool) -> _Spec:
    if not isinstance(zero_phase, bool):
        raise TypeError(f"zero_phase: expected a bool, got {zero_phase!r}")
    q = check_int(q, "q", minimum=2)  # q = 1 would put the cutoff at Nyquist
    n = 20 * q if n is None else check_int(n, "n")
    taps = _lowpass(n + 1, 1.0 / q, "hamming", ())
    return _Spec(1, q, taps, n // 2 if zero_phase else 0, "constant", 0.0)


# --- modules ---------------------------------------------------------------------------------


class ResamplePoly(nn.Module):
    """Module form of :func:`resample_poly` (the filter is designed once, here).

    Shape:
        - Input: ``(*, n, *)``
        - Output: ``(*, ceil(n * up / down), *)``

    Examples:
        >>> import torch
        >>> from resamplers.functional.signal import ResamplePoly
        >>> ResamplePoly(160, 147)(torch.randn(2, 441)).shape
        torch.Size([2, 480])
    """

    def __init__(
        self,
        up: int,
        down: int,
        axis: int = -1,
        window: WindowSpec = ("kaiser", 5.0),
        padtype: str = "constant",
        cval: float | None = None,
    ) -> None:
        super().__init__()
        self.up, self.down, self.axis, self.padtype = up, down, axis, padtype
        self._spec = _resample_spec(up, down, window, padtype, cval)

    def forward(self, x: Tensor) -> Tensor:
        return _resample(x, self._spec, self.axis)

    def extra_repr(self) -> str:
        return f"up={self.up}, down={self.down}, axis={self.axis}, padtype={self.padtype!r}"


class InterpolateSignal(nn.Module):
    """Module form of :func:`interpolate_signal`.

    Shape:
        - Input: ``(*, n, *)``
        - Output: ``(*, n * factor, *)``

    Examples:
        >>> import torch
        >>> from resamplers.functional.signal import InterpolateSignal
        >>> InterpolateSignal(2, axis=1)(torch.randn(1, 50, 3)).shape
        torch.Size([1, 100, 3])
    """

    def __init__(
        self,
        factor: int,
        axis: int = -1,
        window: WindowSpec = ("kaiser", 5.0),
        padtype: str = "constant",
        cval: float | None = None,
    ) -> None:
        super().__init__()
        self.factor, self.axis, self.padtype = factor, axis, padtype
        self._spec = _resample_spec(check_int(factor, "factor"), 1, window, padtype, cval)

    def forward(self, x: Tensor) -> Tensor:
        return _resample(x, self._spec, self.axis)

    def extra_repr(self) -> str:
        return f"factor={self.factor}, axis={self.axis}, padtype={self.padtype!r}"


class Decimate(nn.Module):
    """Module form of :func:`decimate`.

    Shape:
        - Input: ``(*, m, *)``
        - Output: ``(*, ceil(m / q), *)``

    Examples:
        >>> import torch
        >>> from resamplers.functional.signal import Decimate
        >>> Decimate(3)(torch.randn(8, 1000)).shape
        torch.Size([8, 334])
    """

    def __init__(
        self, q: int, *, n: int | None = None, zero_phase: bool = True, axis: int = -1
    ) -> None:
        super().__init__()
        self.q, self.zero_phase, self.axis = q, zero_phase, axis
        self._spec = _decimate_spec(q, n, zero_phase)

    def forward(self, x: Tensor) -> Tensor:
        return _resample(x, self._spec, self.axis)

    def extra_repr(self) -> str:
        return f"q={self.q}, zero_phase={self.zero_phase}, axis={self.axis}"


# --- the operation ---------------------------------------------------------------------------


def _resample(x: ArrayLike, spec: _Spec, axis: int) -> ArrayLike:
    if isinstance(x, np.ndarray) and x.dtype.kind in "ui":
        x = x.astype(np.float64)  # integer signals resample to float64, as in SciPy
    tensor, back = to_tensor(x)
    if tensor.is_complex() or tensor.dtype == torch.bool:
        raise TypeError(f"x: dtype {tensor.dtype} is not supported; use a real-valued signal")
    if tensor.ndim == 0:
        raise ValueError("x: expected at least 1 dimension, got a scalar")
    (axis,) = normalize_axes(axis, tensor.ndim, "axis")
    n = tensor.shape[axis]
    if n == 0:
        raise ValueError(f"x: the resampled axis {axis} is empty")
    out_dtype = tensor.dtype if tensor.is_floating_point() else torch.float64
    work_dtype = out_dtype if out_dtype in (torch.float32, torch.float64) else torch.float32
    signal = tensor.movedim(axis, -1)
    batch_shape = signal.shape[:-1]
    signal = signal.reshape(-1, n).to(work_dtype)

    # With up == down SciPy returns a copy; so do we (as float).
    y = signal.clone() if spec.up == spec.down == 1 else _resample_2d(signal, spec)
    y = y.reshape(*batch_shape, y.shape[-1]).movedim(-1, axis).to(out_dtype)
    return back(y)


def _resample_2d(x: Tensor, spec: _Spec) -> Tensor:
    """Resample the rows of a ``(batch, n)`` float tensor."""
    up, down, taps, offset = spec.up, spec.down, spec.taps, spec.offset
    n = x.shape[-1]
    n_out = -(-n * up // down)
    background = None
    if spec.padtype in ("mean", "median", "maximum", "minimum"):
        background = _background(x, spec.padtype)
        x = x - background
    # Input samples within reach of the filter: [-n_left, n + n_right).
    n_left = max(0, (len(taps) - 1 - offset) // up)
    n_right = max(0, ((n_out - 1) * down + offset) // up + 1 - n)
    left, right = _extensions(x, spec.padtype, spec.cval, n_left, n_right)
    y = _Polyphase.apply(x, left, right, taps, up, down, offset, n_out)
    return y if background is None else y + background


def _background(x: Tensor, padtype: str) -> Tensor:
    if padtype == "mean":
        return x.mean(-1, keepdim=True)
    if padtype == "maximum":
        return x.amax(-1, keepdim=True)
    if padtype == "minimum":
        return x.amin(-1, keepdim=True)
    # NumPy's median: the mean of the two middle values when n is even.
    n = x.shape[-1]
    low = x.kthvalue((n + 1) // 2, dim=-1, keepdim=True).values
    high = x.kthvalue(n // 2 + 1, dim=-1, keepdim=True).values
    return (low + high) / 2


def _extensions(
    x: Tensor, padtype: str, cval: float, n_left: int, n_right: int
) -> tuple[Tensor, Tensor]:
    """The values assumed before and after the signal (empty where they are zero)."""
    batch = x.shape[0]
    if padtype == "edge":
        return x[:, :1].expand(batch, n_left), x[:, -1:].expand(batch, n_right)
    if padtype == "line":
        n = x.shape[-1]
        if n < 2:
            raise ValueError("padtype: 'line' needs at least 2 samples along the axis")
        slope = (x[:, -1:] - x[:, :1]) / (n - 1)
        steps = torch.arange(1, max(n_left, n_right) + 1, dtype=x.dtype, device=x.device)
        left = x[:, :1] - slope * steps[:n_left].flip(0)
        return left, x[:, -1:] + slope * steps[:n_right]
    if padtype == "constant" and cval != 0:
        return (x.new_full((batch, n_left), cval), x.new_full((batch, n_right), cval))
    empty = x.new_zeros((batch, 0))
    return empty, empty


class _Polyphase(torch.autograd.Function):
    """``y[j] = sum_i v[i] * taps[j * down + offset - up * i]`` for ``j < n_out``, where ``v`` is
    ``left`` (at ``i < 0``), ``x`` (at ``0 <= i < n``), ``right`` (after ``x``) and zero beyond."""

    @staticmethod
    def forward(ctx, x, left, right, taps, up, down, offset, n_out):  # type: ignore[override]
        n_left, n = left.shape[-1], x.shape[-1]
        ctx.params = (taps, up, down, offset, n_left, n, right.shape[-1])
        parts = [(-n_left, left), (0, x), (n, right)]
        return _filter(parts, x.shape[0], taps, up, down, offset, n_out, x.dtype, x.device)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        taps, up, down, offset, n_left, n, n_right = ctx.params
        # The adjoint filters the output gradient at the swapped rates with the reversed taps.
        reversed_taps = np.ascontiguousarray(taps[::-1])
        empty = grad.new_zeros((grad.shape[0], 0))
        n_total = n_left + n + n_right
        adjoint_offset = len(taps) - 1 - offset - up * n_left
        grad_v = _Polyphase.apply(
            grad, empty, empty, reversed_taps, down, up, adjoint_offset, n_total
        )
        grad_left, grad_x, grad_right = grad_v.split([n_left, n, n_right], dim=-1)
        return grad_x, grad_left, grad_right, None, None, None, None, None


@dataclass(frozen=True)
class _Group:
    """Outputs ``[start, stop)`` of each block are the block's inputs ``[first, first + width)``
    (counted from the block's origin) times ``weights``."""

    start: int
    stop: int
    first: int
    weights: np.ndarray  # (width, stop - start)


@dataclass(frozen=True, eq=False)
class _Plan:
    block_out: int  # outputs per block (a multiple of up)
    hop: int  # inputs between consecutive blocks (the same multiple of down)
    origin: int  # input index of block 0's window
    reach: int  # inputs block 0 reads, from its origin
    groups: tuple[_Group, ...]


@lru_cache(maxsize=32)
def _plan_cached(taps_bytes: bytes, up: int, down: int, offset: int) -> _Plan:
    taps = np.frombuffer(taps_bytes)
    length = taps.size
    group = _GROUP
    span = ((group - 1) * down + length - 1) // up + 1  # inputs one group can read
    # Rows at least one group span apart (a frame is then a plain strided view, no copy), and
    # whole groups per block.
    m = -(-span // down)
    step = group // math.gcd(group, up)
    m = -(-m // step) * step
    block_out, hop = up * m, down * m

    j = np.arange(block_out)
    first = -((length - 1 - j * down - offset) // up)  # ceil((j*down + offset - length + 1) / up)
    last = (j * down + offset) // up
    origin = int(first[0])
    groups = []
    for start in range(0, block_out, group):
        stop = min(block_out, start + group)
        lo, hi = int(first[start]) - origin, int(last[stop - 1]) - origin
        inputs = origin + lo + np.arange(hi - lo + 1)[:, None]
        index = j[None, start:stop] * down + offset - up * inputs
        inside = (index >= 0) & (index < length)
        weights = np.where(inside, taps[np.clip(index, 0, length - 1)], 0.0)
        groups.append(_Group(start, stop, lo, weights))
    return _Plan(block_out, hop, origin, int(last[-1]) - origin + 1, tuple(groups))


def _filter(
    parts: list[tuple[int, Tensor]],
    batch: int,
    taps: np.ndarray,
    up: int,
    down: int,
    offset: int,
    n_out: int,
    dtype: torch.dtype,
    device: torch.device,
) -> Tensor:
    """Run the polyphase filter over the signal made of ``parts`` (see :class:`_Polyphase`)."""
    plan = _plan_cached(np.ascontiguousarray(taps, dtype=np.float64).tobytes(), up, down, offset)
    block_out, hop = plan.block_out, plan.hop
    weights = [torch.as_tensor(g.weights, dtype=dtype, device=device) for g in plan.groups]
    blocks = -(-n_out // block_out)
    extra = -(-plan.reach // hop) - 1  # rows beyond the last block that its window reaches into
    out = empty((batch, n_out), dtype, device)

    chunk_samples = _CHUNK_SAMPLES_CPU if device.type == "cpu" else _CHUNK_SAMPLES_OTHER
    budget = max(1, chunk_samples // (block_out + hop))  # blocks per chunk
    if blocks >= budget:  # long signals: one row at a time, in chunks of blocks
        chunks = [
            (b, b + 1, t, min(blocks, t + budget))
            for b in range(batch)
            for t in range(0, blocks, budget)
        ]
    else:  # short signals: several whole rows at a time
        per_chunk = max(1, budget // blocks)
        chunks = [(b, min(batch, b + per_chunk), 0, blocks) for b in range(0, batch, per_chunk)]

    for b0, b1, t0, t1 in chunks:
        rows = t1 - t0 + extra
        start = plan.origin + t0 * hop
        frames = _segment(parts, b0, b1, start, start + rows * hop).reshape(-1)
        n_rows = (b1 - b0) * rows - extra  # rows whose window lies inside ``frames``
        direct = b1 - b0 == 1 and t1 * block_out <= n_out
        if direct:  # write straight into the output
            buffer = out[b0, t0 * block_out : t1 * block_out].view(t1 - t0, block_out)
        else:  # rows of several signals, or the last partial block: go through a buffer
            buffer = torch.empty((b1 - b0) * rows, block_out, dtype=dtype, device=device)
        for group, weight in zip(plan.groups, weights, strict=True):
            view = frames.as_strided(
                (n_rows, weight.shape[0]), (hop, 1), frames.storage_offset() + group.first
            )
            buffer[:n_rows, group.start : group.stop].addmm_(view, weight, beta=0)
        if not direct:
            done = buffer.view(b1 - b0, rows, block_out)[:, : t1 - t0].reshape(b1 - b0, -1)
            stop = min(t1 * block_out, n_out)
            out[b0:b1, t0 * block_out : stop] = done[:, : stop - t0 * block_out]
    return out


def _segment(parts: list[tuple[int, Tensor]], b0: int, b1: int, start: int, stop: int) -> Tensor:
    """Rows ``b0:b1`` of the signal made of ``parts``, samples ``[start, stop)``, zero outside."""
    pieces = []
    position = start
    for offset, part in parts:
        lo, hi = max(position, offset), min(stop, offset + part.shape[-1])
        if hi <= lo:
            continue
        if lo > position:
            pieces.append(part.new_zeros((b1 - b0, lo - position)))
        pieces.append(part[b0:b1, lo - offset : hi - offset])
        position = hi
    if position < stop:
        pieces.append(parts[0][1].new_zeros((b1 - b0, stop - position)))
    return pieces[0].contiguous() if len(pieces) == 1 else torch.cat(pieces, dim=-1)
