"""Gaussian and Laplacian pyramids (Burt & Adelson, 1983) in 1-D, 2-D and 3-D.

Each level is :func:`~resamplers.functional.pooling.blur_pool` of the previous one (binomial
filter, reflect padding, factor 2, so odd sizes round up); a Laplacian band is a Gaussian level
minus the next level expanded back to its exact size by linear
:func:`~resamplers.functional.resize.resize`. Reconstruction adds the bands back, so it is
exact up to rounding whatever the filter.

>>> import torch
>>> x = torch.rand(1, 3, 37, 50)
>>> [tuple(level.shape[2:]) for level in laplacian_pyramid(x, 4)]
[(37, 50), (19, 25), (10, 13), (5, 7)]
>>> torch.allclose(laplacian_reconstruct(laplacian_pyramid(x, 4)), x, atol=1e-6)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from torch import Tensor, nn

from resamplers.functional._interop import (
    ArrayLike,
    check_int,
    require_float,
    spatial_dims,
    to_tensor,
)
from resamplers.functional.pooling import blur_pool
from resamplers.functional.resize import resize


def gaussian_pyramid(x: ArrayLike, levels: int, filter_size: int = 5) -> list[ArrayLike]:
    """Blur and halve ``x`` repeatedly: ``[x, blur_pool(x), blur_pool(blur_pool(x)), ...]``.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        levels: number of levels returned, ``x`` itself included (at least 1).
        filter_size: binomial taps per axis; 5 is Burt & Adelson's ``[1, 4, 6, 4, 1] / 16``.

    Returns:
        A list of ``levels`` arrays of ``x``'s type and dtype, finest first.

    Shape:
        - Input: ``(N, C, *S)``
        - Output: level ``k`` is ``(N, C, *ceil(S / 2**k))``

    Examples:
        >>> import torch
        >>> [tuple(g.shape) for g in gaussian_pyramid(torch.rand(2, 1, 9), 3)]
        [(2, 1, 9), (2, 1, 5), (2, 1, 3)]
        >>> gaussian_pyramid(torch.ones(1, 1, 8, 8, 8), 3)[-1].unique()
        tensor([1.])
    """
    tensor, back = to_tensor(x)
    return [back(level) for level in _gaussian(tensor, levels, filter_size)]


def laplacian_pyramid(x: ArrayLike, levels: int, filter_size: int = 5) -> list[ArrayLike]:
    """Band-pass decomposition: Gaussian levels minus their expanded coarser neighbours.

    Band ``k < levels - 1`` is ``G[k] - resize(G[k + 1], size=G[k] spatial size, method="linear")``
    and the last entry is the coarsest Gaussian level ``G[levels - 1]`` itself, so that
    :func:`laplacian_reconstruct` recovers ``x``.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        levels: number of entries returned, at least 1 (``[x]`` for 1).
        filter_size: binomial taps of the Gaussian levels (see :func:`gaussian_pyramid`).

    Returns:
        A list of ``levels`` arrays of ``x``'s type and dtype, finest first.

    Shape:
        - Input: ``(N, C, *S)``
        - Output: entry ``k`` is ``(N, C, *ceil(S / 2**k))``

    Examples:
        >>> import torch
        >>> bands = laplacian_pyramid(torch.full((1, 1, 6, 6), 3.0), 2)
        >>> bands[0].abs().max(), bands[1].unique()
        (tensor(0.), tensor([3.]))
    """
    tensor, back = to_tensor(x)
    gaussian = _gaussian(tensor, levels, filter_size)
    bands = [fine - _expand(coarse, fine) for fine, coarse in pairwise(gaussian)]
    return [back(level) for level in (*bands, gaussian[-1])]


def laplacian_reconstruct(pyramid: Sequence[ArrayLike]) -> ArrayLike:
    """Invert :func:`laplacian_pyramid`: expand the coarsest level and add the bands back.

    Args:
        pyramid: the list :func:`laplacian_pyramid` returned (finest first), tensors or
            NumPy arrays.

    Returns:
        The reconstructed signal, of the first entry's type and dtype.

    Shape:
        - Input: entry ``k`` is ``(N, C, *S_k)``, finest first
        - Output: ``(N, C, *S_0)``

    Examples:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).random((1, 2, 11, 6, 7), dtype=np.float32)
        >>> y = laplacian_reconstruct(laplacian_pyramid(x, 3))
        >>> y.dtype, bool(np.abs(y - x).max() < 1e-6)
        (dtype('float32'), True)
    """
    if isinstance(pyramid, (Tensor, str)) or not isinstance(pyramid, Sequence) or not pyramid:
        raise TypeError("pyramid: expected a non-empty list of levels, finest first")
    tensors = [to_tensor(level, f"pyramid[{k}]")[0] for k, level in enumerate(pyramid)]
    back = to_tensor(pyramid[0], "pyramid[0]")[1]
    for k, level in enumerate(tensors):
        spatial_dims(level, f"pyramid[{k}]")
        if level.ndim != tensors[0].ndim or level.shape[:2] != tensors[0].shape[:2]:
            raise ValueError(
                f"pyramid[{k}]: shape {tuple(level.shape)} does not match pyramid[0]'s "
                f"{tuple(tensors[0].shape)} in rank, batch or channels"
            )
    out = tensors[-1]
    for band in reversed(tensors[:-1]):
        out = band + _expand(out, band)
    return back(out)


class GaussianPyramid(nn.Module):
    """Module form of :func:`gaussian_pyramid`.

    Shape:
        - Input: ``(N, C, *S)``
        - Output: a list; level ``k`` is ``(N, C, *ceil(S / 2**k))``

    Examples:
        >>> import torch
        >>> len(GaussianPyramid(4)(torch.rand(1, 3, 32, 32)))
        4
    """

    def __init__(self, levels: int, filter_size: int = 5) -> None:
        super().__init__()
        self.levels, self.filter_size = levels, filter_size

    def forward(self, x: Tensor) -> list[Tensor]:
        return _gaussian(x, self.levels, self.filter_size)

    def extra_repr(self) -> str:
        return f"levels={self.levels}, filter_size={self.filter_size}"


class LaplacianPyramid(nn.Module):
    """Module form of :func:`laplacian_pyramid`.

    Shape:
        - Input: ``(N, C, *S)``
        - Output: a list; entry ``k`` is ``(N, C, *ceil(S / 2**k))``

    Examples:
        >>> import torch
        >>> [tuple(b.shape) for b in LaplacianPyramid(3)(torch.rand(1, 1, 7, 7, 7))]
        [(1, 1, 7, 7, 7), (1, 1, 4, 4, 4), (1, 1, 2, 2, 2)]
    """

    def __init__(self, levels: int, filter_size: int = 5) -> None:
        super().__init__()
        self.levels, self.filter_size = levels, filter_size

    def forward(self, x: Tensor) -> list[Tensor]:
        return laplacian_pyramid(x, self.levels, self.filter_size)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"levels={self.levels}, filter_size={self.filter_size}"


class LaplacianReconstruct(nn.Module):
    """Module form of :func:`laplacian_reconstruct`.

    Shape:
        - Input: a list; entry ``k`` is ``(N, C, *S_k)``, finest first
        - Output: ``(N, C, *S_0)``

    Examples:
        >>> import torch
        >>> x = torch.rand(2, 3, 16)
        >>> torch.allclose(LaplacianReconstruct()(LaplacianPyramid(3)(x)), x, atol=1e-6)
        True
    """

    def forward(self, pyramid: Sequence[Tensor]) -> Tensor:
        return laplacian_reconstruct(pyramid)  # type: ignore[return-value]


def _gaussian(x: Tensor, levels: int, filter_size: int) -> list[Tensor]:
    spatial_dims(x)
    require_float(x, "gaussian_pyramid")
    levels = check_int(levels, "levels")
    check_int(filter_size, "filter_size")
    pyramid = [x]
    for level in range(1, levels):
        sizes = tuple(pyramid[-1].shape[2:])
        # blur_pool's reflect padding needs more than filter_size // 2 samples per axis
        if min(sizes) <= filter_size // 2:
            raise ValueError(
                f"levels: level {level} would blur spatial size {sizes}, too small for "
                f"filter_size {filter_size}; ask for at most {level} levels"
            )
        pyramid.append(blur_pool(pyramid[-1], 2, filter_size))  # type: ignore[arg-type]
    return pyramid


def _expand(coarse: Tensor, like: Tensor) -> Tensor:
    return resize(coarse, size=tuple(like.shape[2:]), method="linear")  # type: ignore[return-value]
