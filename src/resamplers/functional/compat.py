"""Resampling conventions: ours (``compat=None``) and the presets that reproduce Pillow, OpenCV,
PyTorch and MATLAB exactly.

A convention decides, per axis, the output size for a given scale, the coordinate mapping, how the
kernel is stretched on downscale, what happens at the borders and in which order the axes run.
Each preset turns that into :class:`~resamplers.functional._taps.Taps` tables, so all of them share
one resampling engine. Sources: ``../shared/REFERENCES.md`` and the references' code (Pillow
``Resample.c``, OpenCV ``resize.cpp``, PyTorch ``UpSample.h``/``UpSampleKernel.cpp``, MATLAB
``imresize.m``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from resamplers.functional._taps import (
    Taps,
    area_taps,
    pillow_taps,
    point_taps,
    window_taps,
)
from resamplers.functional.kernels import Kernel, get_kernel, lanczos, matlab_box, matlab_cubic

COMPATS = (None, "pil", "opencv", "torch", "matlab")
PIL_PRECISION_BITS = 32 - 8 - 2  # Pillow's fixed point for 8-bit images (Resample.c)

# Methods each convention knows; for presets, named after ours (the reference's names in comments).
METHODS: dict[str | None, tuple[str, ...]] = {
    None: (
        "nearest",
        "linear",
        "cubic",
        "lanczos2",
        "lanczos3",
        "box",
        "hamming",
        "gaussian",
        "area",
    ),
    # NEAREST, BOX, BILINEAR, HAMMING, BICUBIC, LANCZOS
    "pil": ("nearest", "box", "linear", "hamming", "cubic", "lanczos3"),
    # INTER_NEAREST, INTER_LINEAR, INTER_CUBIC, INTER_AREA, INTER_LANCZOS4
    "opencv": ("nearest", "linear", "cubic", "area", "lanczos4"),
    # nearest, nearest-exact, (bi/tri)linear, bicubic, area
    "torch": ("nearest", "nearest-exact", "linear", "cubic", "area"),
    # 'nearest', 'box', 'triangle', 'bicubic', 'lanczos2', 'lanczos3'
    "matlab": ("nearest", "box", "linear", "cubic", "lanczos2", "lanczos3"),
}


@dataclass(frozen=True)
class Axis:
    """One spatial axis of a resize: sizes, and the user's scale when one was given."""

    in_size: int
    out_size: int
    user_scale: float | None  # output/input as the user passed it, else None


@dataclass(frozen=True, eq=False)
class Plan:
    """The tables for each axis (same order as the axes) and the order to apply them in."""

    taps: tuple[Taps | None, ...]  # None: the axis is left as it is
    order: tuple[int, ...]
    uint8_rounding: str  # "final": round once at the end; "per_pass": after each axis; "pil"


def output_size(compat: str | None, in_size: int, scale: float) -> int:
    """Output length for ``scale`` under ``compat``'s rule."""
    product = in_size * scale
    if compat == "matlab":
        return math.ceil(product)
    if compat == "opencv":
        return round(product)  # cvRound / saturate_cast<int>: half to even, as Python's round
    if compat == "torch":
        return math.floor(product)
    # Ours and Pillow's: floor, forgiving the rounding error of e.g. 9 * (1/3).
    return math.floor(product + 1e-9 * max(1.0, product))


@lru_cache(maxsize=512)
def make_plan(
    compat: str | None,
    method: str | Kernel,
    axes: tuple[Axis, ...],
    antialias: bool,
    align_corners: bool,
) -> Plan:
    """Build (and cache) the per-axis tables for one resize."""
    builder = _BUILDERS[compat]
    taps = tuple(
        None if _is_identity(axis) else builder(method, axis, antialias, align_corners, axes)
        for axis in axes
    )
    return Plan(
        taps,
        _ORDER[compat](axes),
        "pil" if compat == "pil" else "per_pass" if compat == "matlab" else "final",
    )


def _is_identity(axis: Axis) -> bool:
    return axis.in_size == axis.out_size and axis.user_scale in (None, 1.0)


def _input_per_output(axis: Axis, honour_user_scale: bool) -> float:
    """Input pixels per output pixel used by the coordinate mapping."""
    if honour_user_scale and axis.user_scale is not None:
        return 1.0 / axis.user_scale
    return axis.in_size / axis.out_size


def _kernel(method: str | Kernel) -> Kernel:
    return method if isinstance(method, Kernel) else get_kernel(method)


# --- ours ------------------------------------------------------------------------------------


def _ours(
    method: str | Kernel, axis: Axis, antialias: bool, align_corners: bool, _all: tuple
) -> Taps:
    n, m = axis.in_size, axis.out_size
    out = np.arange(m, dtype=np.float64)
    if align_corners:
        # Pixel centres of the first and last samples coincide.
        s = (n - 1) / (m - 1) if m > 1 else 0.0
        centers = out * s + 0.5
    else:
        s = n / m
        centers = (out + 0.5) * s
    if method == "nearest":
        if align_corners:
            return point_taps(np.minimum(np.floor(centers), n - 1))
        # floor((o + 1/2) n / m) in integers: a centre exactly on a pixel edge goes right.
        return point_taps(np.minimum((2 * np.arange(m) + 1) * n // (2 * m), n - 1))
    if method == "area":
        if align_corners:
            raise ValueError("method='area' has no align_corners=True variant")
        return area_taps(n, m)
    return pillow_taps(n, centers, _kernel(method), max(s, 1.0) if antialias else 1.0)


def _order_shrinking_first(axes: tuple[Axis, ...]) -> tuple[int, ...]:
    # Exact arithmetic would not care; shrinking first moves the least data.
    return tuple(sorted(range(len(axes)), key=lambda i: axes[i].out_size / axes[i].in_size))


# --- Pillow ----------------------------------------------------------------------------------


def _pil(
    method: str | Kernel, axis: Axis, _antialias: bool, align_corners: bool, _all: tuple
) -> Taps:
    if align_corners:
        raise ValueError("compat='pil': Pillow has no align_corners=True")
    n, m = axis.in_size, axis.out_size
    scale = n / m
    if method == "nearest":
        # ImagingScaleAffine: xo = 0.5 * scale, then xo += scale per output, truncated.
        xo = np.cumsum(np.concatenate([[0.5 * scale], np.full(m - 1, scale)]))
        return point_taps(np.minimum(np.trunc(xo), n - 1))
    centers = (np.arange(m) + 0.5) * scale
    return pillow_taps(n, centers, _kernel(method), max(scale, 1.0))


def _order_pil(axes: tuple[Axis, ...]) -> tuple[int, ...]:
    return tuple(reversed(range(len(axes))))  # horizontal (last) pass first


# --- OpenCV ----------------------------------------------------------------------------------


def _opencv(
    method: str | Kernel,
    axis: Axis,
    _antialias: bool,
    align_corners: bool,
    all_axes: tuple[Axis, ...],
) -> Taps:
    if align_corners:
        raise ValueError("compat='opencv': cv2.resize has no align_corners=True")
    n, m = axis.in_size, axis.out_size
    s = _input_per_output(axis, honour_user_scale=True)
    out = np.arange(m, dtype=np.float64)
    all_down = all(_input_per_output(a, True) >= 1.0 for a in all_axes)
    if method == "linear" and all(_input_per_output(a, True) == 2.0 for a in all_axes):
        method = "area"  # cv::resize turns INTER_LINEAR at exactly x1/2 into INTER_AREA
    if method == "nearest":
        return point_taps(np.minimum(np.floor(out * s), n - 1))
    if method == "area":
        if all_down:
            return area_taps(n, m, s)
        # INTER_AREA when not every axis shrinks: a linear blend at the footprint's edge.
        sx = np.floor(out * s)
        fx = (out + 1) - (sx + 1) / s
        fx = np.where(fx <= 0, 0.0, fx - np.floor(fx))
        return _two_tap(n, sx, fx)
    center = (out + 0.5) * s - 0.5
    sx = np.floor(center)
    fx = center - sx
    if method == "linear":
        fx = np.where(sx < 0, 0.0, fx)
        sx = np.maximum(sx, 0)
        fx = np.where(sx >= n - 1, 0.0, fx)
        sx = np.minimum(sx, n - 1)
        return _two_tap(n, sx, fx)
    if method == "cubic":
        dist = fx[:, None] - np.arange(-1, 3)
        return window_taps(n, sx.astype(np.int64) - 1, get_kernel("cubic", a=-0.75)(dist), "clamp")
    if method == "lanczos4":
        dist = fx[:, None] - np.arange(-3, 5)
        weight = lanczos(dist, 4.0)
        weight /= weight.sum(axis=1, keepdims=True)
        return window_taps(n, sx.astype(np.int64) - 3, weight, "clamp")
    raise AssertionError(method)


def _two_tap(n: int, first: np.ndarray, frac: np.ndarray) -> Taps:
    return window_taps(n, first.astype(np.int64), np.stack([1.0 - frac, frac], axis=1), "clamp")


def _order_natural(axes: tuple[Axis, ...]) -> tuple[int, ...]:
    return tuple(range(len(axes)))


# --- PyTorch ---------------------------------------------------------------------------------


def _torch(
    method: str | Kernel, axis: Axis, antialias: bool, align_corners: bool, _all: tuple
) -> Taps:
    n, m = axis.in_size, axis.out_size
    if method in ("nearest", "nearest-exact", "area") and align_corners:
        raise ValueError(f"compat='torch': mode {method!r} has no align_corners")
    if method == "area":  # adaptive_avg_pool: integer start/end per output
        out = np.arange(m)
        start, stop = (out * n) // m, ((out + 1) * n + m - 1) // m
        count = int((stop - start).max())
        offsets = np.arange(count)
        weight = np.where(offsets < (stop - start)[:, None], 1.0 / (stop - start)[:, None], 0.0)
        return window_taps(n, start, weight, "clamp")
    # torch computes coordinates and weights in float32 for float32 data: so do we.
    f32 = np.float32
    if align_corners:
        s = f32((n - 1) / (m - 1) if m > 1 else 0.0)
    else:
        s = f32(_input_per_output(axis, honour_user_scale=True))
    out = np.arange(m, dtype=f32)
    if method in ("nearest", "nearest-exact"):
        shifted = out + f32(0.5) if method == "nearest-exact" else out
        return point_taps(np.minimum(np.floor(shifted * s), n - 1))
    kernel = get_kernel("linear") if method == "linear" else get_kernel("cubic", a=-0.5)
    # (o + 0.5) is a double in torch's C++: products are rounded to float once, at the end.
    half_shifted = (out.astype(np.float64) + 0.5) * np.float64(s)
    if antialias:
        return pillow_taps(n, half_shifted.astype(f32), kernel, max(s, f32(1.0)))
    src = out * s if align_corners else (half_shifted - 0.5).astype(f32)
    if method == "linear":
        src = np.maximum(src, f32(0.0))
        first = np.minimum(np.floor(src), n - 1)
        frac = np.clip(src - first, f32(0.0), f32(1.0))
        return _two_tap(n, first, frac)
    first = np.floor(src)
    dist = (src - first)[:, None] - np.arange(-1, 3, dtype=f32)
    return window_taps(n, first.astype(np.int64) - 1, get_kernel("cubic", a=-0.75)(dist), "clamp")


# --- MATLAB ----------------------------------------------------------------------------------

_MATLAB_KERNELS = {
    "nearest": (matlab_box, 1.0),
    "box": (matlab_box, 1.0),
    "linear": (None, 2.0),
    "cubic": (matlab_cubic, 4.0),
    "lanczos2": (None, 4.0),
    "lanczos3": (None, 6.0),
}


def _matlab(
    method: str | Kernel, axis: Axis, antialias: bool, align_corners: bool, _all: tuple
) -> Taps:
    """``imresize``'s ``contributions``: 1-based ``u = x/scale + 0.5(1 - 1/scale)``, ``P =
    ceil(width) + 2`` taps from ``floor(u - width/2)``, normalized, mirrored at the borders."""
    if align_corners:
        raise ValueError("compat='matlab': imresize has no align_corners=True")
    n, m = axis.in_size, axis.out_size
    scale = axis.user_scale if axis.user_scale is not None else m / n
    fn, width = _MATLAB_KERNELS[str(method)]
    if fn is None:
        fn = _kernel(method)
    if method != "nearest" and antialias and scale < 1:
        kernel = (lambda f, sc: lambda v: sc * f(sc * v))(fn, scale)
        width = width / scale
    else:
        kernel = fn
    x = np.arange(1, m + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = math.ceil(width) + 2
    indices = left[:, None] + np.arange(taps)
    weight = kernel(u[:, None] - indices)
    weight = weight / np.cumsum(weight, axis=1)[:, -1:]
    return window_taps(n, left.astype(np.int64) - 1, weight, "symmetric")


def _order_matlab(axes: tuple[Axis, ...]) -> tuple[int, ...]:
    # imresize runs the dimension with the smallest scale first (a stable sort: rows on ties).
    scales = [a.user_scale if a.user_scale is not None else a.out_size / a.in_size for a in axes]
    return tuple(sorted(range(len(axes)), key=lambda i: scales[i]))


_BUILDERS = {None: _ours, "pil": _pil, "opencv": _opencv, "torch": _torch, "matlab": _matlab}
_ORDER = {
    None: _order_shrinking_first,
    "pil": _order_pil,
    "opencv": _order_natural,
    "torch": _order_natural,
    "matlab": _order_matlab,
}
