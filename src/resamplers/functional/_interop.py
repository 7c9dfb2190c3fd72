"""One place where NumPy arrays become tensors and back, so every op accepts both."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import Tensor

ArrayLike = Tensor | np.ndarray

FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def to_tensor(x: ArrayLike, name: str = "x") -> tuple[Tensor, Callable[[Tensor], ArrayLike]]:
    """Return ``x`` as a tensor and a function that turns a result back into ``x``'s type.

    NumPy arrays (checked by :func:`checked`) are shared without a copy where possible; the
    returned function converts a result tensor back to a NumPy array of the input's dtype
    (tensors pass through unchanged).
    """
    x = checked(x, name)
    if isinstance(x, Tensor):
        return x, _identity
    dtype = x.dtype
    with warnings.catch_warnings():
        # Read-only arrays are fine: ops never write into their input.
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        tensor = torch.from_numpy(x)

    def back(result: Tensor) -> np.ndarray:
        return result.detach().cpu().numpy().astype(dtype, copy=False)

    return tensor, back


def checked(x: ArrayLike, name: str = "x") -> ArrayLike:
    """``x`` if it is a tensor; a NumPy array of integers or floats in native byte order with
    non-negative strides (converted or copied where it is not); a ``TypeError`` otherwise."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        dtype = x.dtype
        if dtype == np.bool_ or dtype.kind not in "uif":
            raise TypeError(
                f"{name}: NumPy dtype {dtype} is not supported; use an integer or float array"
            )
        if not dtype.isnative:
            x = x.astype(dtype.newbyteorder("="))
        if (not x.flags.c_contiguous and not x.flags.f_contiguous) or any(s < 0 for s in x.strides):
            x = np.ascontiguousarray(x)
        return x
    raise TypeError(f"{name}: expected a torch.Tensor or a numpy.ndarray, got {type(x).__name__}")


def _identity(result: Tensor) -> Tensor:
    return result


def normalize_axes(
    axes: int | tuple[int, ...] | list[int], ndim: int, name: str = "axes"
) -> tuple[int, ...]:
    """Turn possibly negative axis numbers into non-negative ones, in order; reject repeats."""
    if isinstance(axes, int):
        axes = (axes,)
    out = []
    for axis in axes:
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{name}: axes must be integers, got {axis!r}")
        if not -ndim <= axis < ndim:
            raise ValueError(f"{name}: axis {axis} is out of range for an input with {ndim} dims")
        out.append(int(axis) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {tuple(axes)}")
    return tuple(out)


IntOrTuple = int | Sequence[int]


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """``value`` as an int, or a ``TypeError``/``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def check_ints(value: object, count: int, name: str, minimum: int = 1) -> tuple[int, ...]:
    """One checked int per spatial axis, broadcasting a scalar."""
    return tuple(check_int(v, name, minimum) for v in per_axis(value, count, name))


def spatial_dims(x: Tensor, name: str = "x") -> int:
    """The number of spatial dims of an ``(N, C, *spatial)`` tensor (1, 2 or 3)."""
    if x.ndim not in (3, 4, 5):
        raise ValueError(
            f"{name}: expected (N, C, *spatial) with 1, 2 or 3 spatial dims (a 3-D, 4-D or 5-D "
            f"tensor), got shape {tuple(x.shape)}; add missing batch/channel dims with x[None]"
        )
    return x.ndim - 2


def require_float(x: Tensor, op: str) -> None:
    """A ``TypeError`` unless ``x`` holds floating-point data."""
    if not x.is_floating_point():
        raise TypeError(
            f"x: {op} needs floating-point data, got {x.dtype}; convert it first, e.g. x.float()"
        )


def per_axis(value: object, count: int, name: str) -> tuple:
    """Broadcast a scalar to ``count`` entries or check a sequence has exactly ``count``."""
    if isinstance(value, (tuple, list)):
        if len(value) != count:
            raise ValueError(
                f"{name}: expected 1 or {count} values (one per spatial axis), got {len(value)}"
            )
        return tuple(value)
    if isinstance(value, (Tensor, np.ndarray)):
        raise TypeError(f"{name}: pass a number or a tuple of numbers, not an array")
    return (value,) * count


_NUMPY_DTYPES = {
    torch.float16: np.float16,
    torch.float32: np.float32,
    torch.float64: np.float64,
    torch.uint8: np.uint8,
    torch.int32: np.int32,
    torch.int64: np.int64,
}


def empty(shape: tuple[int, ...], dtype: torch.dtype, device: torch.device) -> Tensor:
    """An uninitialised tensor. On CPU it comes from NumPy, which asks the kernel for huge pages
    for big arrays: first-touching the 4 KiB pages of a large torch allocation can cost more
    than the work done in it (measured here: 21 ms against 58 ms to fill 48 MiB)."""
    numpy_dtype = _NUMPY_DTYPES.get(dtype)
    if device.type == "cpu" and numpy_dtype is not None:
        return torch.from_numpy(np.empty(shape, numpy_dtype))
    return torch.empty(shape, dtype=dtype, device=device)
