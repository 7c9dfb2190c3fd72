"""Interpolation kernels: each one is a small function of the distance ``x`` (in input pixels at
scale 1) plus its support, the half-width outside which it is zero.

Kernels are evaluated on float64 NumPy arrays when the resampling weights are built (once per
size pair, then cached), so the expressions follow Pillow's ``Resample.c`` operation for operation:
that is what makes the ``compat="pil"`` preset bit-exact on uint8 images.

Adding a kernel is adding one function and one :func:`register_kernel` line.

>>> from resamplers.functional.kernels import get_kernel
>>> k = get_kernel("cubic")
>>> k.support, float(k(np.array([0.0]))[0])
(2.0, 1.0)
>>> get_kernel("cubic", a=-0.75).params
(('a', -0.75),)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

KernelFn = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Kernel:
    """An interpolation kernel: ``fn(x, **params)`` with support ``[-support, support]``."""

    name: str
    support: float
    fn: KernelFn = field(compare=False, repr=False)
    params: tuple[tuple[str, float], ...] = ()
    # For kernels whose support follows a parameter (the gaussian's sigma).
    support_of: Callable[..., float] | None = field(default=None, compare=False, repr=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # float32 stays float32 (to mirror references that build weights in float32).
        x = np.asarray(x)
        return self.fn(x if x.dtype == np.float32 else x.astype(np.float64), **dict(self.params))


def box(x: np.ndarray) -> np.ndarray:
    """Box of width 1, half-open as Pillow's (``-0.5 < x <= 0.5``)."""
    return ((x > -0.5) & (x <= 0.5)).astype(np.float64)


def linear(x: np.ndarray) -> np.ndarray:
    """Triangle (tent) kernel."""
    x = np.abs(x)
    return np.where(x < 1.0, 1.0 - x, 0.0)


def cubic(x: np.ndarray, a: float = -0.5) -> np.ndarray:
    """Keys cubic convolution; ``a=-0.5`` (Pillow, MATLAB, torch antialias), ``-0.75`` (OpenCV)."""
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    far = (((x - 5) * x + 8) * x - 4) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _sinc(x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        px = x * math.pi
        return np.where(x == 0.0, 1.0, np.sin(px) / px)


def lanczos(x: np.ndarray, lobes: float = 3.0) -> np.ndarray:
    """Lanczos windowed sinc with ``lobes`` lobes (half-open support as Pillow's)."""
    inside = (x >= -lobes) & (x < lobes)
    return np.where(inside, _sinc(x) * _sinc(x / lobes), 0.0)


# Pillow's HAMMING writes the window's constants as C floats (0.54f, 0.46f): kept, so that its
# fixed-point weights round the same way (with the doubles, 1 in ~20 upscales was 1 level off).
_HAMMING_A0, _HAMMING_A1 = float(np.float32(0.54)), float(np.float32(0.46))


def hamming(x: np.ndarray) -> np.ndarray:
    """Hamming-windowed sinc of support 1 (Pillow's HAMMING, its constants included)."""
    x = np.abs(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        px = x * math.pi
        value = np.sin(px) / px * (_HAMMING_A0 + _HAMMING_A1 * np.cos(px))
    return np.where(x == 0.0, 1.0, np.where(x >= 1.0, 0.0, value))


def gaussian(x: np.ndarray, sigma: float = 0.5) -> np.ndarray:
    """Gaussian of standard deviation ``sigma`` output pixels, truncated at 3 sigma."""
    return np.where(np.abs(x) <= 3.0 * sigma, np.exp(-0.5 * (x / sigma) ** 2), 0.0)


KERNELS: dict[str, Kernel] = {}


def register_kernel(kernel: Kernel) -> Kernel:
    """Add ``kernel`` to the names :func:`get_kernel` (and so ``resize(method=...)``) accepts."""
    KERNELS[kernel.name] = kernel
    return kernel


register_kernel(Kernel("box", 0.5, box))
register_kernel(Kernel("linear", 1.0, linear))
register_kernel(Kernel("cubic", 2.0, cubic, (("a", -0.5),)))
register_kernel(Kernel("lanczos2", 2.0, lanczos, (("lobes", 2.0),)))
register_kernel(Kernel("lanczos3", 3.0, lanczos, (("lobes", 3.0),)))
register_kernel(Kernel("lanczos4", 4.0, lanczos, (("lobes", 4.0),)))
register_kernel(Kernel("hamming", 1.0, hamming))
register_kernel(
    Kernel("gaussian", 1.5, gaussian, (("sigma", 0.5),), support_of=lambda sigma: 3.0 * sigma)
)


def get_kernel(name: str, **params: float) -> Kernel:
    """The registered kernel ``name``, with ``params`` (e.g. cubic's ``a``) overriding defaults."""
    if name not in KERNELS:
        raise ValueError(f"unknown kernel {name!r}; available: {', '.join(sorted(KERNELS))}")
    kernel = KERNELS[name]
    if not params:
        return kernel
    known = dict(kernel.params)
    unknown = set(params) - set(known)
    if unknown:
        raise ValueError(
            f"kernel {name!r} has no parameter {sorted(unknown)}; it takes {sorted(known)}"
        )
    for key, value in params.items():
        if not math.isfinite(value):
            raise ValueError(f"kernel {name!r}: parameter {key} must be finite, got {value}")
    known.update({k: float(v) for k, v in params.items()})
    support = kernel.support if kernel.support_of is None else kernel.support_of(**known)
    return Kernel(name, support, kernel.fn, tuple(known.items()), kernel.support_of)


def matlab_cubic(x: np.ndarray) -> np.ndarray:
    """MATLAB ``imresize``'s cubic (a = -0.5), written as MATLAB writes it so that rounding
    after each pass on uint8 lands on the same integers."""
    absx = np.abs(x)
    absx2 = absx * absx
    absx3 = absx2 * absx
    return (1.5 * absx3 - 2.5 * absx2 + 1) * (absx <= 1) + (
        -0.5 * absx3 + 2.5 * absx2 - 4 * absx + 2
    ) * ((absx > 1) & (absx <= 2))


def matlab_box(x: np.ndarray) -> np.ndarray:
    """MATLAB's box, half-open the other way from Pillow's: ``-0.5 <= x < 0.5``."""
    return ((x >= -0.5) & (x < 0.5)).astype(np.float64)
