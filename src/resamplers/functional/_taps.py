"""Resampling one axis at a time: a table of taps per axis, and the code that applies it.

Every resize method and every reference's convention (Pillow, OpenCV, PyTorch, MATLAB) reduces to
one :class:`Taps` table per axis: for each output index, ``P`` input indices (already mapped inside
the input by the boundary rule) and their weights. The builders below make tables; the presets in
``compat.py`` pick builders and coordinates; :func:`apply_taps` runs a table over a tensor axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torch import Tensor

from resamplers.functional.kernels import Kernel


@dataclass(frozen=True, eq=False)
class Taps:
    """For each of ``out`` outputs, ``P`` input indices in ``[0, in)`` and their weights."""

    index: np.ndarray  # (out, P) int64
    weight: np.ndarray  # (out, P) float64

    @property
    def out_size(self) -> int:
        return self.index.shape[0]

    def dense(self, in_size: int) -> np.ndarray:
        """The ``(out, in)`` matrix this table applies (taps on the same index add up)."""
        matrix = np.zeros((self.out_size, in_size))
        rows = np.repeat(np.arange(self.out_size), self.index.shape[1])
        np.add.at(matrix, (rows, self.index.ravel()), self.weight.ravel())
        return matrix


def _sequential_sum(values: np.ndarray) -> np.ndarray:
    """Row sums added left to right, as C loops do (NumPy's pairwise sum rounds differently)."""
    return np.cumsum(values, axis=1)[:, -1]


def pillow_taps(
    in_size: int, centers: np.ndarray, kernel: Kernel, filterscale: float
) -> Taps:
    """Pillow's ``precompute_coeffs``: taps around ``centers`` (continuous coordinates, pixel
    ``j`` covering ``[j, j+1)``), kernel stretched by ``filterscale``, and the taps that fall
    outside the input dropped with the rest renormalized to sum 1.
    """
    support = kernel.support * filterscale
    ksize = int(math.ceil(support)) * 2 + 1
    xmin = np.maximum(np.trunc(centers - support + 0.5), 0).astype(np.int64)
    xmax = np.minimum(np.trunc(centers + support + 0.5).astype(np.int64), in_size) - xmin
    offsets = np.arange(ksize)
    weight = kernel((offsets + xmin[:, None] - centers[:, None] + 0.5) * (1.0 / filterscale))
    weight = np.where(offsets < xmax[:, None], weight, 0.0)
    total = _sequential_sum(weight)
    weight = np.where(total[:, None] != 0.0, weight / np.where(total == 0.0, 1.0, total)[:, None], weight)
    index = np.clip(xmin[:, None] + offsets, 0, in_size - 1)
    return Taps(index, weight)


def window_taps(
    in_size: int,
    first: np.ndarray,
    weight: np.ndarray,
    boundary: str,
) -> Taps:
    """Taps ``first + 0 .. first + P-1`` with the given weights, the indices that fall outside the
    input mapped back by ``boundary``: ``"clamp"`` (repeat the edge pixel) or ``"symmetric"``
    (mirror with the edge pixel repeated, MATLAB's ``[1:n, n:-1:1]``).
    """
    index = first[:, None] + np.arange(weight.shape[1])
    if boundary == "clamp":
        index = np.clip(index, 0, in_size - 1)
    elif boundary == "symmetric":
        period = 2 * in_size
        index = np.mod(index, period)
        index = np.where(index >= in_size, period - 1 - index, index)
    else:
        raise ValueError(f"unknown boundary {boundary!r}")
    return Taps(index.astype(np.int64), weight)


def point_taps(index: np.ndarray) -> Taps:
    """One tap of weight 1 per output: nearest-neighbour sampling."""
    return Taps(index.astype(np.int64)[:, None], np.ones((index.shape[0], 1)))


def area_taps(in_size: int, out_size: int, scale: float | None = None) -> Taps:
    """Exact area coverage: output ``o`` covers ``[o*s, (o+1)*s)`` of the input (``s`` input pixels
    per output pixel); each input pixel weighs by the length it shares with that footprint."""
    s = in_size / out_size if scale is None else scale
    start = np.arange(out_size) * s
    stop = np.minimum(start + s, in_size)
    first = np.floor(start).astype(np.int64)
    count = int(math.ceil(s)) + 1
    left = first[:, None] + np.arange(count)
    overlap = np.minimum(stop[:, None], left + 1) - np.maximum(start[:, None], left)
    overlap = np.where(left < in_size, np.clip(overlap, 0.0, None), 0.0)
    weight = overlap / overlap.sum(axis=1, keepdims=True)
    return Taps(np.clip(left, 0, in_size - 1), weight)


# --- applying a table ------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _device_tables(taps: Taps, dtype: torch.dtype, device: torch.device) -> tuple[Tensor, Tensor]:
    # Keyed on the (cached, hence identical) Taps object: weights move to the device once.
    index = torch.from_numpy(taps.index).to(device)
    weight = torch.from_numpy(taps.weight).to(device=device, dtype=dtype)
    return index, weight


def apply_taps(x: Tensor, axis: int, taps: Taps) -> Tensor:
    """Resample ``x`` along ``axis`` with ``taps`` (differentiable in ``x``)."""
    index, weight = _device_tables(taps, x.dtype, x.device)
    out_size, ntaps = index.shape
    shape = [1] * x.ndim
    shape[axis] = out_size
    result = None
    for tap in range(ntaps):
        term = x.index_select(axis, index[:, tap]) * weight[:, tap].view(shape)
        result = term if result is None else result.add_(term)
    assert result is not None
    return result
