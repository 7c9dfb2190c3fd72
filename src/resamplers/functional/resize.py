"""``resize``: one N-d, differentiable, anti-aliased resampling entry point, and its module.

>>> import torch, resamplers
>>> x = torch.rand(2, 3, 64, 48)
>>> resamplers.resize(x, scale=0.5).shape
torch.Size([2, 3, 32, 24])
>>> resamplers.resize(x, size=(100, 30), method="lanczos3").shape
torch.Size([2, 3, 100, 30])
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resamplers.functional._interop import (
    FLOAT_DTYPES,
    ArrayLike,
    check_ints,
    checked,
    empty,
    normalize_axes,
    per_axis,
    to_tensor,
)
from resamplers.functional._taps import Taps, apply_taps
from resamplers.functional.compat import (
    COMPATS,
    METHODS,
    PIL_PRECISION_BITS,
    Axis,
    Plan,
    make_plan,
    output_size,
)
from resamplers.functional.kernels import Kernel

_INTEGER_RANGES = {torch.uint8: (0, 255), torch.uint16: (0, 65535)}
# The dtypes the compiled kernels read, as NumPy's (tensors go to them as NumPy views).
_COMPILED_DTYPES = {
    k: np.dtype(str(k).removeprefix("torch."))
    for k in (*_INTEGER_RANGES, torch.float32, torch.float64)
}
_COMPILED_MIN_NUMEL = 8192  # smaller inputs: F.interpolate first (see _run_arithmetic)
# One axis resampled alone: by the compiled vertical pass over rows of the values after it in
# memory where they are at least this many (its loops vectorize along them), else by the
# horizontal pass along it (those values as interleaved channels).
_ROW_VALUES = 16


def resize(
    x: ArrayLike,
    size: int | Sequence[int] | None = None,
    scale: float | Sequence[float] | None = None,
    *,
    method: str | Kernel = "cubic",
    antialias: bool = True,
    axes: int | Sequence[int] | None = None,
    align_corners: bool = False,
    compat: str | None = None,
) -> ArrayLike:
    """Resize ``x`` along its spatial axes, one axis at a time.

    Args:
        x: a tensor ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims, or a NumPy array whose
            spatial axes are the first two (``H, W[, C]`` images). ``axes`` overrides either.
        size: output size, one int for every spatial axis or one per axis.
        scale: output/input size ratio, one number or one per axis. The output length is
            ``floor(in * scale)`` (``ceil`` for ``compat="matlab"``, ``round`` for ``"opencv"``)
            and, unless a preset says otherwise, the sampling grid spans the input exactly:
            output pixel ``o`` is centred at input coordinate ``(o + 0.5) * in / out``. Give
            ``size`` or ``scale``; both only if they agree.
        method: ``nearest``, ``linear``, ``cubic`` (Keys, a = -0.5), ``lanczos2``, ``lanczos3``,
            ``box``, ``hamming``, ``gaussian`` (sigma 0.5), ``area`` (exact pixel coverage), or a
            :class:`~resamplers.functional.kernels.Kernel` such as ``get_kernel("cubic", a=-0.75)``.
        antialias: on downscale, stretch the kernel by the factor so it low-passes before
            sampling (every axis, 1-D to 3-D). ``nearest`` and ``area`` ignore it.
        axes: the spatial axes, for any layout (e.g. ``axes=(-1,)`` for a batch of signals).
        align_corners: map the centres of the corner pixels onto each other instead of the
            pixel edges.
        compat: reproduce a reference: ``"pil"`` (``Image.resize``; bit-exact on uint8, each
            channel on its own: Pillow resizes RGBA and LA images premultiplied by alpha, so
            there the two agree where alpha is 255),
            ``"opencv"`` (``cv2.resize``), ``"torch"`` (``F.interpolate``) or ``"matlab"``
            (``imresize``). Pillow always and OpenCV never antialias, whatever ``antialias`` says.

    Returns:
        The resized data, of ``x``'s type, dtype and device; channels_last tensors stay
        channels_last. Integer images are rounded and clamped.

    With ``compat=None`` the result equals Pillow's filters (and ``F.interpolate(...,
    antialias=True)``) on every axis, extended to 1-D and 3-D and to any float dtype; borders
    renormalize the kernel over the pixels that exist.

    Shape:
        - Input: ``(N, C, *in_spatial)`` (or any layout with ``axes``)
        - Output: ``(N, C, *out_spatial)``

    Examples:
        >>> import numpy as np
        >>> img = np.zeros((40, 60, 3), dtype=np.uint8)
        >>> resize(img, size=(20, 30)).shape, resize(img, size=(20, 30)).dtype
        ((20, 30, 3), dtype('uint8'))
        >>> signal = torch.arange(8.0).view(1, 8)
        >>> resize(signal, size=4, method="linear", axes=(-1,))
        tensor([[0.7143, 2.5000, 4.5000, 6.2857]])
    """
    data = checked(x)
    key = _call_key(data, size, scale, method, antialias, axes, align_corners, compat)
    call = _CALLS.get(key) if key is not None else None
    if call is None:
        call = _set_up(data, size, scale, method, antialias, axes, align_corners, compat)
        if key is not None:
            _remember(key, call)
    spatial, method, axis_specs, plan, direct = call
    if method in ("nearest", "nearest-exact"):
        gathered = _gather_direct(data, spatial, plan)
        if gathered is not None:
            return gathered
    # compat="torch" reproduces F.interpolate: its own kernels are kept wherever they exist.
    compiled = compat != "torch"
    if direct is not None:
        out, ran = direct(data)
        if out is not None:
            return out
        compiled = not ran  # a NaN or inf: the paths below, without running the kernels again
    tensor, back = to_tensor(data)
    interpolate = partial(
        _same_as_interpolate,
        method=method,
        axes=axis_specs,
        antialias=bool(antialias),
        align_corners=bool(align_corners),
        compat=compat,
    )
    return back(_run(tensor, spatial, plan, method, interpolate, compiled))


class Resize(nn.Module):
    """Module form of :func:`resize` with fixed size/scale and options.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)``

    Examples:
        >>> Resize(scale=2, method="linear")(torch.rand(1, 1, 4, 4, 4)).shape
        torch.Size([1, 1, 8, 8, 8])
    """

    def __init__(
        self,
        size: int | Sequence[int] | None = None,
        scale: float | Sequence[float] | None = None,
        *,
        method: str | Kernel = "cubic",
        antialias: bool = True,
        align_corners: bool = False,
        compat: str | None = None,
    ) -> None:
        super().__init__()
        self.size, self.scale, self.method = size, scale, method
        self.antialias, self.align_corners, self.compat = antialias, align_corners, compat

    def forward(self, x: Tensor) -> Tensor:
        return resize(  # type: ignore[return-value]
            x,
            self.size,
            self.scale,
            method=self.method,
            antialias=self.antialias,
            align_corners=self.align_corners,
            compat=self.compat,
        )

    def extra_repr(self) -> str:
        return (
            f"size={self.size}, scale={self.scale}, method={self.method!r}, compat={self.compat!r}"
        )


# --- set-up, once per kind of call ------------------------------------------------------------


class _Call(NamedTuple):
    """What ``resize`` works out from its arguments before it touches the data."""

    spatial: tuple[int, ...]
    method: str | Kernel
    axis_specs: tuple[Axis, ...]
    plan: Plan
    direct: DirectRun | None  # the compiled kernels' run (_direct_runner), where they apply


def _set_up(
    data: ArrayLike,
    size: int | Sequence[int] | None,
    scale: float | Sequence[float] | None,
    method: str | Kernel,
    antialias: bool,
    axes: int | Sequence[int] | None,
    align_corners: bool,
    compat: str | None,
) -> _Call:
    """``resize``'s arguments checked, and its plan."""
    spatial = _spatial_axes(data, axes, numpy_input=not isinstance(data, Tensor))
    method = _check_method(method, compat)
    axis_specs = _axis_specs(data, spatial, size, scale, compat)
    plan = make_plan(compat, method, axis_specs, bool(antialias), bool(align_corners))
    direct = None if compat == "torch" else _direct_runner(data, spatial, plan, method)
    return _Call(spatial, method, axis_specs, plan, direct)


# resize's set-up (_Call) by its arguments and the input's type, dtype, shape, strides and state
# (_call_key): a repeated call skips it. It took 0.08 ms of a 0.1 ms call on a small image, and
# 0.2-0.4 ms of a 1.8 ms one right after other libraries' work had left it out of the caches.
_CALLS: dict[tuple[Any, ...], _Call] = {}
_CALLS_KEPT = 128
_CALLS_LOCK = threading.Lock()


def _remember(key: tuple[Any, ...], call: _Call) -> None:
    with _CALLS_LOCK:
        if len(_CALLS) >= _CALLS_KEPT:
            del _CALLS[next(iter(_CALLS))]  # the oldest
        _CALLS[key] = call


def _call_key(data: ArrayLike, *options: object) -> tuple[Any, ...] | None:
    """What decides :func:`_set_up` for ``data`` and ``options`` (resize's other arguments),
    each value with its type (``2`` and ``2.0`` are not one size); ``None`` where an option is
    not a plain value (a number, string, bool, None, or a list or tuple of them: another
    object's hash need not say what it holds) or ``data`` is not a strided tensor or array."""
    tagged = tuple(map(_tagged, options))
    if None in tagged:
        return None
    if isinstance(data, Tensor):
        try:
            strides = data.stride()
        except RuntimeError:  # sparse
            return None
        grad = data.requires_grad
        state = (data.is_cpu, grad, grad and torch.is_grad_enabled(), strides)
    else:
        state = (data.flags.writeable, data.strides)
    return (type(data), data.dtype, data.shape, state, tagged)


_PLAIN = (int, float, str, type(None), np.integer, np.floating)  # bool is an int


def _tagged(value: object) -> tuple[Any, ...] | None:
    """``value`` with its type (and its items', for a list or tuple), or ``None`` if it is
    not plain (see :func:`_call_key`)."""
    if isinstance(value, (list, tuple)):
        items = tuple(_tagged(item) for item in value)
        return None if None in items else (type(value), items)
    return (type(value), value) if isinstance(value, _PLAIN) else None


# --- argument checking -----------------------------------------------------------------------


def _spatial_axes(
    x: ArrayLike, axes: int | Sequence[int] | None, numpy_input: bool
) -> tuple[int, ...]:
    if axes is not None:
        spatial = normalize_axes(tuple(axes) if not isinstance(axes, int) else axes, x.ndim)
        if not spatial:
            raise ValueError("axes: name at least one spatial axis")
        return spatial
    if numpy_input:
        if x.ndim not in (2, 3):
            raise ValueError(
                f"x: a NumPy array is read as an image H, W[, C], but it has shape "
                f"{tuple(x.shape)}; pass axes= to say which axes to resize"
            )
        return (0, 1)
    if x.ndim not in (3, 4, 5):
        raise ValueError(
            f"x: expected a tensor (N, C, *spatial) with 1 to 3 spatial dims, got shape "
            f"{tuple(x.shape)}; add batch/channel dims or pass axes= to name the spatial axes"
        )
    return tuple(range(2, x.ndim))


def _check_method(method: str | Kernel, compat: str | None) -> str | Kernel:
    if compat not in COMPATS:
        raise ValueError(f"compat: unknown preset {compat!r}; choose one of {COMPATS}")
    if isinstance(method, Kernel):
        if compat is not None:
            raise ValueError("method: a custom Kernel only works with compat=None")
        return method
    if not isinstance(method, str):
        raise TypeError(f"method: expected a name or a Kernel, got {type(method).__name__}")
    known = METHODS[compat]
    if method not in known:
        where = "" if compat is None else f" with compat={compat!r}"
        raise ValueError(f"method: unknown method {method!r}{where}; choose one of {known}")
    return method


def _axis_specs(
    x: ArrayLike,
    spatial: tuple[int, ...],
    size: int | Sequence[int] | None,
    scale: float | Sequence[float] | None,
    compat: str | None,
) -> tuple[Axis, ...]:
    in_sizes = [x.shape[a] for a in spatial]
    for axis, n in zip(spatial, in_sizes, strict=True):
        if n == 0:
            raise ValueError(f"x: spatial axis {axis} is empty; nothing to resample")
    if size is None and scale is None:
        raise ValueError("give size= (output size) or scale= (output/input ratio)")
    scales: tuple[float | None, ...] = (None,) * len(spatial)
    if scale is not None:
        scales = tuple(_check_scale(s) for s in per_axis(scale, len(spatial), "scale"))
        from_scale = [output_size(compat, n, s) for n, s in zip(in_sizes, scales, strict=True)]
        for n, s, m in zip(in_sizes, scales, from_scale, strict=True):
            if m < 1:
                raise ValueError(
                    f"scale: {s} of {n} pixels leaves no output pixel; use a larger scale"
                )
    if size is not None:
        sizes = check_ints(size, len(spatial), "size")
        if scale is not None and list(sizes) != from_scale:
            raise ValueError(
                f"size {sizes} and scale {scale} disagree (scale gives {tuple(from_scale)}); "
                "give only one of them"
            )
    else:
        sizes = tuple(from_scale)
    return tuple(Axis(n, m, s) for n, m, s in zip(in_sizes, sizes, scales, strict=True))


def _check_scale(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"scale: expected numbers, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"scale: must be a finite number > 0, got {value}")
    return value


# --- running ---------------------------------------------------------------------------------


def _same_as_interpolate(
    x: Tensor,
    *,
    method: str | Kernel,
    axes: tuple[Axis, ...],
    antialias: bool,
    align_corners: bool,
    compat: str | None,
) -> Tensor | None:
    """``F.interpolate``'s result for ``x`` laid out ``(N, C, *spatial)``, where it computes
    exactly our operation (its C++/CUDA kernels are the fastest way there); ``None`` elsewhere.
    ``tests/functional/test_resize.py`` checks each case against the tap-table engine."""
    if (
        compat not in (None, "torch")
        or x.dtype not in (torch.float32, torch.float64)
        or x.ndim not in (3, 4, 5)
    ):
        return None
    linear_mode = ("linear", "bilinear", "trilinear")[x.ndim - 3]
    sizes = [a.out_size for a in axes]
    if compat == "torch":
        mode = {"linear": linear_mode, "cubic": "bicubic"}.get(str(method), str(method))
        if (mode == "bicubic" and x.ndim != 4) or (
            antialias and mode not in ("bilinear", "bicubic") and method in ("linear", "cubic")
        ):
            return None
        corners = {"align_corners": align_corners} if method in ("linear", "cubic") else {}
        aa = antialias and method in ("linear", "cubic")
        if axes[0].user_scale is not None:  # torch maps coordinates with 1/scale, not in/out
            scales = [a.user_scale for a in axes]
            return F.interpolate(x, scale_factor=scales, mode=mode, antialias=aa, **corners)
        return F.interpolate(x, size=sizes, mode=mode, antialias=aa, **corners)
    if align_corners:
        return None
    shrinks = any(a.out_size < a.in_size for a in axes)
    if method == "linear" and not (antialias and shrinks):
        return F.interpolate(x, size=sizes, mode=linear_mode, align_corners=False)
    # torch's antialiased 2-D kernels are Pillow's filters, i.e. ours (lanczos: CPU only).
    modes_2d = {"linear": "bilinear", "cubic": "bicubic", "lanczos3": "lanczos"}
    if (
        method in modes_2d
        and x.ndim == 4
        and (antialias or not shrinks)
        and (method != "lanczos3" or x.device.type == "cpu")
    ):
        mode = modes_2d[str(method)]
        return F.interpolate(x, size=sizes, mode=mode, align_corners=False, antialias=True)
    if method == "area" and all(a.in_size % a.out_size == 0 for a in axes):
        return F.interpolate(x, size=sizes, mode="area")
    return None


# --- running a plan --------------------------------------------------------------------------


Interpolate = Callable[[Tensor], "Tensor | None"]


def _run(
    x: Tensor,
    spatial: tuple[int, ...],
    plan: Plan,
    method: str | Kernel,
    interpolate: Interpolate | None = None,
    compiled: bool = False,
) -> Tensor:
    """Run ``plan``; ``interpolate`` and ``compiled`` allow the F.interpolate shortcut and the
    compiled kernels where they apply (without either: the tensor engine alone)."""
    channels_last = _is_channels_last(x)
    if method in ("nearest", "nearest-exact"):  # pure gathers: any dtype, no arithmetic
        out = x if any(t is not None for t in plan.taps) else x.clone()  # never x itself
        for i in plan.order:
            taps = plan.taps[i]
            if taps is not None:
                out = out.index_select(spatial[i], _index(taps, out.device))
    else:
        if compiled:
            out, ran = _run_compiled_direct(x, spatial, plan, method)
            if out is not None:
                return out  # in x's memory order
            compiled = not ran and _compiled_applies(x, plan)
        out = _run_arithmetic(x, spatial, plan, method, interpolate, compiled)
    if channels_last and not _is_channels_last(out):
        out = out.contiguous(memory_format=_channels_last_format(x))
    return out


def _run_arithmetic(
    x: Tensor,
    spatial: tuple[int, ...],
    plan: Plan,
    method: str | Kernel,
    interpolate: Interpolate | None,
    compiled: bool,
) -> Tensor:
    integer = x.dtype if x.dtype in _INTEGER_RANGES else None
    if integer == torch.uint8 and plan.uint8_rounding == "pil":
        work_dtype = torch.int32  # Pillow's own fixed-point arithmetic, exactly
    elif integer is not None:
        once = plan.uint8_rounding == "final"
        # float64 keeps per-pass rounding exact (MATLAB); one rounding at the end needs less,
        # and compiled volumes read the integers as they are (the kernels sum in float32).
        work_dtype = torch.float32 if once else torch.float64
        if once and compiled and len(spatial) == 3 and x.numel() >= _COMPILED_MIN_NUMEL:
            work_dtype = x.dtype
    elif x.dtype in FLOAT_DTYPES:
        work_dtype = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    else:
        raise TypeError(
            f"x: dtype {x.dtype} is not supported by method {method!r}; use uint8, uint16 or a "
            "float dtype (convert with .float())"
        )
    if all(taps is None for taps in plan.taps):  # every axis kept: a copy
        return x.clone()
    # Spatial axes last and contiguous (HWC images, channels_last tensors): every pass then
    # moves whole rows. One copy, fused with the dtype conversion.
    batch_axes = [a for a in range(x.ndim) if a not in spatial]
    perm = (*batch_axes, *spatial)
    work = x.permute(perm)
    if not work.is_contiguous() or work.dtype != work_dtype:
        work = empty(tuple(work.shape), work_dtype, x.device).copy_(work)
    first = len(batch_axes)
    # The compiled kernels measured faster than F.interpolate (and than the engine) on every
    # float case but the smallest, where their fixed cost (~60 us) dominates: there
    # F.interpolate, where it applies, goes first.
    compiled = compiled and (integer is None or plan.uint8_rounding == "final")
    out = None
    if compiled and work.numel() >= _COMPILED_MIN_NUMEL:
        out = _run_compiled_planes(work, plan)
    # Any batch layout is (N, 1, *spatial) to F.interpolate; exact per-pass rounding is not.
    if out is None and interpolate is not None and plan.uint8_rounding == "final":
        out = interpolate(work.reshape(-1, 1, *work.shape[first:]))
        if out is not None:
            out = out.reshape(*work.shape[:first], *out.shape[2:])
    if out is None and compiled and work.numel() < _COMPILED_MIN_NUMEL:
        out = _run_compiled_planes(work, plan)
    if out is None:
        out = _apply_plan(work, tuple(range(first, x.ndim)), plan, integer)
    if integer is not None and out.dtype.is_floating_point:
        low, high = _INTEGER_RANGES[integer]
        out = out.add_(0.5).floor_().clamp_(low, high)  # in place: out is this call's own
    return out.to(x.dtype).permute(tuple(perm.index(a) for a in range(x.ndim)))


def _compiled_applies(x: Tensor, plan: Plan) -> bool:
    """Whether the compiled kernels (``_compiled.py``) can run ``plan`` on ``x``: a 2-D or 3-D
    resize with one or both of the last two spatial axes resampled, on CPU, without autograd
    (the tensor engine is differentiable), numba installed."""
    return (
        x.device.type == "cpu"
        and not (torch.is_grad_enabled() and x.requires_grad)
        and len(plan.taps) in (2, 3)
        and plan.taps[-2:] != (None, None)
        and _compiled() is not None
    )


@lru_cache(maxsize=1)
def _compiled() -> ModuleType | None:
    """The compiled kernels, imported on first use (numba takes ~0.3 s to import); ``None``
    without numba."""
    try:
        from resamplers.functional import _compiled as module
    except (ImportError, RuntimeError):  # RuntimeError: numba found no writable cache directory
        return None
    return module


def _run_compiled_planes(work: Tensor, plan: Plan) -> Tensor | None:
    """The compiled kernels on ``work`` (batch axes, then the spatial axes; contiguous; float, or
    integers into a float32 result): the last two axes, and a third where it is resampled too;
    ``None`` for a non-finite result (NaN/inf inputs take the tensor engine)."""
    resampled = 3 if len(plan.taps) == 3 and plan.taps[0] is not None else 2
    data = work.detach().reshape(-1, *work.shape[-resampled:]).numpy()
    if resampled == 3:
        out = _compiled().resample_3d(data, *plan.taps)  # type: ignore[arg-type]
    else:
        out = _compiled().resample_2d(data, *plan.taps[-2:])  # type: ignore[arg-type]
    if out is None:
        return None
    return torch.from_numpy(out).reshape(*work.shape[:-resampled], *out.shape[1:])


def _run_compiled_direct(
    x: ArrayLike, spatial: tuple[int, ...], plan: Plan, method: str | Kernel
) -> tuple[ArrayLike | None, bool]:
    """:func:`_direct_runner`'s run on ``x``, set up for it: the result (``None`` where the
    kernels do not apply or it is not finite) and whether the kernels ran."""
    run = _direct_runner(x, spatial, plan, method)
    return (None, False) if run is None else run(x)


DirectRun = Callable[[ArrayLike], tuple["ArrayLike | None", bool]]


def _direct_runner(
    x: ArrayLike, spatial: tuple[int, ...], plan: Plan, method: str | Kernel
) -> DirectRun | None:
    """A resize of one axis (of 1 to 3 spatial axes; the others kept) or of the last two by
    the compiled kernels, from and to ``x``'s own type (a NumPy array, or a
    CPU tensor outside autograd) with no torch op between (each costs 30-60 us on caches that
    the last call's data evicted: NumPy uint8 images 0.94-0.95x the time of a round trip
    through tensors, float tensors 0.98-1.01x), on the pixels in memory order
    (:func:`_interleaved_planes`: HWC images and channels_last tensors are not copied to
    planes, integers not to float). float32/float64 in their own arithmetic; uint8/uint16
    summed in float32 and rounded once, half up and clamped; ``compat="pil"`` uint8 in Pillow's
    arithmetic, whatever its size. One axis alone runs one pass over whole rows: the vertical
    pass where the values after the axis in memory (``inner``) make rows of at least
    ``_ROW_VALUES``, else the horizontal pass along rows of ``inner`` interleaved channels (1-D
    signals, an image's width). Returns ``None`` where the kernels do not apply, else the run,
    set up for inputs of ``x``'s type, dtype, shape, strides and autograd state (it keeps none
    of ``x``): it returns the result (``None`` where it is not finite: a NaN or inf) and whether
    the kernels ran (always)."""
    resampled = tuple(a for a, taps in zip(spatial, plan.taps, strict=True) if taps is not None)
    if not resampled or method in ("nearest", "nearest-exact"):
        return None
    # (No None among the dtypes compared: NumPy reads None as float64.)
    dtype = x.dtype if isinstance(x, np.ndarray) else _COMPILED_DTYPES.get(x.dtype)
    if dtype is None or dtype not in _COMPILED_DTYPES.values():
        return None
    integer = dtype.kind == "u"  # uint8/uint16: rounded and clamped in the kernels
    pil = dtype == np.uint8 and plan.uint8_rounding == "pil"
    # MATLAB's integer images: rounded after each pass, so one pass at a time (float64 sums,
    # as the engine: exact), any number of axes.
    per_pass = integer and plan.uint8_rounding == "per_pass"
    if (
        not per_pass
        and (
            len(resampled) == 3
            # A volume's depth and one more axis: resample_3d (the tensor path), whose 2-D pass
            # skips the kept axis (128^2 x 96 slices, depth and height: 3.4 vs 6.8 ms here).
            or (len(resampled) == 2 and resampled != spatial[-2:])
        )
    ):
        return None
    if not pil and (
        math.prod(x.shape) < _COMPILED_MIN_NUMEL
        or (integer and plan.uint8_rounding not in ("final", "per_pass"))
    ):
        return None
    data = _kernel_input(x)
    if data is None:
        return None
    resample: Callable[[np.ndarray], np.ndarray | None]
    if per_pass or len(resampled) == 1:

        def resample(data: np.ndarray) -> np.ndarray | None:
            out: np.ndarray | None = data
            for i in plan.order:
                taps = plan.taps[i]
                if taps is not None and out is not None:
                    out = _one_axis_pass(out, spatial[i], taps, pil, integer, per_pass)
            return out

    else:
        to_planes, back = _interleaved_planes(data, resampled)
        v_taps, h_taps = (t for t in plan.taps if t is not None)
        if pil:
            v_taps, h_taps = _pil_fixed_point(v_taps), _pil_fixed_point(h_taps)

        def resample(data: np.ndarray) -> np.ndarray | None:
            planes = to_planes(data)
            if pil:
                return back(_compiled().resample_pil_uint8(planes, v_taps, h_taps))
            # Integers rounded in the kernels, block by block (no float32 result).
            result = _compiled().resample_2d(planes, v_taps, h_taps, integer)
            return None if result is None else back(result)

    tensor, grad = isinstance(x, Tensor), isinstance(x, Tensor) and x.requires_grad

    def run(x: ArrayLike) -> tuple[ArrayLike | None, bool]:
        # What _kernel_input checked holds for every input of this run (_call_key).
        if not tensor:
            return resample(x), True  # type: ignore[arg-type]
        out = resample((x.detach() if grad else x).numpy())  # type: ignore[union-attr]
        return (None if out is None else torch.from_numpy(out)), True

    return run


def _kernel_input(x: ArrayLike) -> np.ndarray | None:
    """``x`` as the NumPy array the compiled kernels read (a CPU tensor's own memory, no copy),
    or ``None`` where they cannot: autograd, another device, a dtype NumPy lacks (bfloat16),
    conjugate or negative views, a read-only array (another compiled variant: via torch), or no
    numba."""
    if isinstance(x, Tensor):
        if not x.is_cpu or (x.requires_grad and torch.is_grad_enabled()):
            return None
        try:
            data = x.detach().numpy()
        except (TypeError, RuntimeError):
            return None
    elif x.flags.writeable:
        data = x
    else:
        return None
    return None if _compiled() is None else data


def _gather_direct(x: ArrayLike, spatial: tuple[int, ...], plan: Plan) -> ArrayLike | None:
    """Nearest-neighbour sampling of a NumPy array or a CPU tensor outside autograd by the
    compiled byte gathers, on the pixels in memory order (:func:`_interleaved_planes`): each
    output row gathers its pixels (channels, any dtype, moved as bytes) from one input row, or
    copies the row before where both read the same (upscaling). A 3-D volume's depth and height
    index its rows together. ``None`` where it does not apply (every axis kept, or see
    :func:`_kernel_input`): ``index_select`` then gathers."""
    if all(taps is None for taps in plan.taps):
        return None
    data = _kernel_input(x)
    if data is None:
        return None
    to_planes, back = _interleaved_planes(data, spatial)
    planes = to_planes(data)
    outer, *sizes, inner = planes.shape
    index = [
        np.arange(n) if taps is None else taps.index[:, 0]
        for taps, n in zip(plan.taps, sizes, strict=True)
    ]
    columns = index[-1]
    rows = np.zeros(1, np.int64)
    for axis, n in zip(index[:-1], sizes[:-1], strict=True):  # row-major over the leading axes
        rows = (rows[:, None] * n + axis[None, :]).reshape(-1)
    in_rows = math.prod(sizes[:-1])
    pixels = planes.reshape(outer, in_rows, sizes[-1], inner).view(np.uint8)
    out = _compiled().gather(pixels, rows, columns).view(data.dtype)
    out = back(out.reshape(outer, *(len(i) for i in index), inner))
    return torch.from_numpy(out) if isinstance(x, Tensor) else out


def _one_axis_pass(
    data: np.ndarray, axis: int, taps: Taps, pil: bool, integer: bool, float64: bool
) -> np.ndarray | None:
    """``data`` resampled along ``axis`` alone by the compiled kernels, viewed as ``(outer, n,
    inner)`` in its memory order: the vertical pass over rows of ``inner`` values where they
    are at least ``_ROW_VALUES``, else the horizontal pass along the ``outer`` rows with
    ``inner`` interleaved channels. ``pil``: Pillow's uint8 arithmetic; ``integer``: rounded
    and clamped to the dtype (``float64``: summed in float64); ``None`` if not finite."""
    to_planes, back = _interleaved_planes(data, (axis,))
    planes = to_planes(data)
    outer, n, inner = planes.shape
    vertical = inner >= _ROW_VALUES
    planes = planes.reshape((outer, n, inner, 1) if vertical else (1, outer, n, inner))
    both = (taps, None) if vertical else (None, taps)
    if pil:
        fixed = [None if t is None else _pil_fixed_point(t) for t in both]
        result = _compiled().resample_pil_uint8(planes, *fixed)
    else:
        result = _compiled().resample_2d(planes, *both, integer, float64)
        if result is None:
            return None
    return back(result.reshape(outer, -1, inner))


def _interleaved_planes(
    x: np.ndarray, resampled: tuple[int, ...]
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """For arrays of ``x``'s shape and strides: the function that views one as ``(outer,
    *sizes, inner)`` in its memory order, ``sizes`` those of the ``resampled`` axes (``(outer,
    H, W, inner)`` for two: HWC images and channels_last tensors interleave their channels: no
    copy; other layouts are copied first), and the function that puts a result ``(outer,
    *out_sizes, inner)`` back in that layout."""
    batch = [a for a in range(x.ndim) if a not in resampled]
    by_stride = sorted(batch, key=lambda a: -x.strides[a])
    outer = [a for a in by_stride if x.strides[a] >= x.strides[resampled[0]]]
    perm = (*outer, *resampled, *[a for a in by_stride if a not in outer])
    copy = not x.transpose(perm).flags.c_contiguous
    if copy:
        outer = batch
        perm = (*batch, *resampled)
    shape = tuple(x.shape[a] for a in perm)
    axes = slice(len(outer), len(outer) + len(resampled))
    planes = (-1, *shape[axes], math.prod(shape[axes.stop :]))
    inverse = tuple(perm.index(a) for a in range(len(perm)))
    moved = perm != tuple(range(len(perm)))

    def to_planes(x: np.ndarray) -> np.ndarray:
        if not (moved or copy):  # (the common case in a few operations: see _direct_runner)
            return x.reshape(planes)
        view = x.transpose(perm)
        return (np.ascontiguousarray(view) if copy else view).reshape(planes)

    def back(out: np.ndarray) -> np.ndarray:
        out_shape = list(shape)
        out_shape[axes] = out.shape[1 : 1 + len(resampled)]
        out = out.reshape(out_shape)
        return out.transpose(inverse) if moved else out

    return to_planes, back


def _apply_plan(
    x: Tensor, spatial: tuple[int, ...], plan: Plan, integer_dtype: torch.dtype | None
) -> Tensor:
    """Run the axes in the plan's order; for integer images, round as the reference does."""
    low, high = _INTEGER_RANGES.get(integer_dtype, (0, 0))
    pil_fixed_point = plan.uint8_rounding == "pil" and integer_dtype == torch.uint8
    round_each_pass = plan.uint8_rounding == "per_pass" and integer_dtype is not None
    for i in plan.order:
        taps = plan.taps[i]
        if taps is None:
            continue
        if pil_fixed_point:  # int32 sums, then Pillow's clip8: (sum + 2**21) >> 22, clamped
            x = apply_taps(x, spatial[i], _pil_fixed_point(taps))
            x = ((x + (1 << (PIL_PRECISION_BITS - 1))) >> PIL_PRECISION_BITS).clamp_(low, high)
        else:
            x = apply_taps(x, spatial[i], taps)
            if round_each_pass:
                x = torch.floor(x + 0.5).clamp_(low, high)
    return x


@lru_cache(maxsize=256)
def _pil_fixed_point(taps: Taps) -> Taps:
    """Pillow's ``normalize_coeffs_8bpc``: weights rounded (half away from zero) to 22 bits."""
    scaled = taps.weight * (1 << PIL_PRECISION_BITS)
    return Taps(taps.index, np.trunc(np.where(scaled < 0, scaled - 0.5, scaled + 0.5)))


def _index(taps: Taps, device: torch.device) -> Tensor:
    return torch.from_numpy(taps.index[:, 0]).to(device)


def _is_channels_last(x: Tensor) -> bool:
    return (
        x.ndim in (4, 5)
        and not x.is_contiguous()
        and x.is_contiguous(memory_format=_channels_last_format(x))
    )


def _channels_last_format(x: Tensor) -> torch.memory_format:
    return torch.channels_last if x.ndim == 4 else torch.channels_last_3d
