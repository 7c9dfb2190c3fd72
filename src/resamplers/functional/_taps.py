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


def pillow_taps(in_size: int, centers: np.ndarray, kernel: Kernel, filterscale: float) -> Taps:
    """Pillow's ``precompute_coeffs``: taps around ``centers`` (continuous coordinates, pixel
    ``j`` covering ``[j, j+1)``), kernel stretched by ``filterscale``, and the taps that fall
    outside the input dropped with the rest renormalized to sum 1.
    """
    support = kernel.support * filterscale
    ksize = math.ceil(support) * 2 + 1
    xmin = np.maximum(np.trunc(centers - support + 0.5), 0).astype(np.int64)
    xmax = np.minimum(np.trunc(centers + support + 0.5).astype(np.int64), in_size) - xmin
    offsets = np.arange(ksize)
    weight = kernel((offsets + xmin[:, None] - centers[:, None] + 0.5) * (1.0 / filterscale))
    weight = np.where(offsets < xmax[:, None], weight, 0.0)
    total = _sequential_sum(weight)
    weight = np.where(
        total[:, None] != 0.0, weight / np.where(total == 0.0, 1.0, total)[:, None], weight
    )
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
    count = math.ceil(s) + 1
    left = first[:, None] + np.arange(count)
    overlap = np.minimum(stop[:, None], left + 1) - np.maximum(start[:, None], left)
    overlap = np.where(left < in_size, np.clip(overlap, 0.0, None), 0.0)
    weight = overlap / overlap.sum(axis=1, keepdims=True)
    return Taps(np.clip(left, 0, in_size - 1), weight)


# --- applying a table ------------------------------------------------------------------------
#
# Three forms, chosen per axis by :func:`apply_taps`: polyphase strided slices for a periodic
# interior (below), a dense ``(out, in)`` matmul when it is small, and a block-banded product:
# consecutive outputs grouped in blocks of ``B``, each reading one contiguous window of the input,
# so the work is one gather of the windows (about twice the input) and one batched matmul.


@dataclass(frozen=True, eq=False)
class Blocks:
    """A table regrouped as ``(nblocks, B, window)`` weights over contiguous input windows."""

    window_index: np.ndarray  # (nblocks, window) int64: input indices each block reads
    weight: np.ndarray  # (nblocks, B, window) float64
    out_size: int


@lru_cache(maxsize=256)
def to_blocks(taps: Taps, in_size: int, block: int | None = None) -> Blocks:
    """Blocks of ``block`` outputs; by default about one kernel footprint of new input per block,
    so the window is ~2 footprints wide. ``block=1``: each output's own contiguous window."""
    out_size, ntaps = taps.index.shape
    if block is None:
        block = max(1, min(out_size, round(ntaps * out_size / in_size)))
    nblocks = -(-out_size // block)
    rows = np.arange(out_size)
    live = taps.weight != 0.0
    lowest = np.where(live, taps.index, in_size).min(axis=1)
    highest = np.where(live, taps.index, -1).max(axis=1)
    lowest = np.where(lowest == in_size, taps.index[:, 0], lowest)  # an all-zero row
    highest = np.maximum(highest, lowest)
    pad = nblocks * block - out_size
    block_low = np.pad(lowest, (0, pad), mode="edge").reshape(nblocks, block).min(axis=1)
    block_high = np.pad(highest, (0, pad), mode="edge").reshape(nblocks, block).max(axis=1)
    window = min(int((block_high - block_low).max()) + 1, in_size)
    start = np.minimum(block_low, in_size - window)
    weight = np.zeros((nblocks, block, window))
    which = np.broadcast_to((rows // block)[:, None], live.shape)[live]
    np.add.at(
        weight,
        (
            which,
            np.broadcast_to((rows % block)[:, None], live.shape)[live],
            taps.index[live] - start[which],
        ),
        taps.weight[live],
    )
    return Blocks(start[:, None] + np.arange(window), weight, out_size)


# --- polyphase: the periodic interior as strided slices ---------------------------------------
#
# When in/out = q/p with few phases p, output ``p*k + j`` reads the same weights at input offset
# ``k*q + start_j`` for every interior ``k``: the interior is then ``p * L`` multiply-adds of
# strided views (no gather, no wasted taps). Only the rows near the borders, where the boundary
# rule changes the weights, go through the matrix forms.

_MAX_PHASES = 8
_MAX_PHASE_TAPS = 64  # p * L above this: the matrix forms win
_PERIOD_RTOL = 1e-12  # periods whose weights differ by less (relative) share the template's


@dataclass(frozen=True, eq=False)
class Polyphase:
    """The periodic interior of a table: outputs ``[p*k_lo, p*(k_hi+1))`` as phases."""

    phases: int  # p
    step: int  # q
    k_lo: int
    count: int  # K = k_hi - k_lo + 1
    starts: tuple[int, ...]  # input index of each phase's first tap at k = k_lo
    weights: tuple[tuple[float, ...], ...]  # each phase's taps, offsets 0 .. L_j - 1
    head: tuple[int, Taps] | None  # rows before the interior: (first input index, taps)
    tail: tuple[int, Taps] | None  # rows after it


@lru_cache(maxsize=256)
def to_polyphase(taps: Taps, in_size: int) -> Polyphase | None:
    out_size = taps.index.shape[0]
    g = math.gcd(in_size, out_size)
    step, phases = in_size // g, out_size // g
    periods = out_size // phases
    if phases > _MAX_PHASES or periods < 3:
        return None
    live = taps.weight != 0.0
    first = np.where(live, taps.index, in_size).min(axis=1)
    k_mid = periods // 2
    ks = np.arange(periods)
    k_lo, k_hi = 0, periods - 1
    starts, weights = [], []
    for j in range(phases):
        ref = j + phases * k_mid
        template = np.zeros(int(taps.index[ref][live[ref]].max() - first[ref]) + 1)
        np.add.at(template, taps.index[ref][live[ref]] - first[ref], taps.weight[ref][live[ref]])
        rows = j + phases * ks
        expected = first[ref] + (ks - k_mid) * step
        pos = taps.index[rows] - expected[:, None]
        inside = (pos >= 0) & (pos < template.size)
        window = np.zeros((periods, template.size))
        row_live = live[rows] & inside
        np.add.at(window, (np.nonzero(row_live)[0], pos[row_live]), taps.weight[rows][row_live])
        # Equal up to the rounding of the coordinates (1e-13 at x3 on 1024 inputs, where exact
        # equality kept only the upper half of the periods); integer (fixed-point) weights: equal.
        # Within the input: a tap of ~1e-17 (lanczos at a whole offset) would pass as close to
        # a missing one at the borders.
        close = np.abs(window - template) <= _PERIOD_RTOL * np.abs(template).max()
        within = (expected >= 0) & (expected + template.size <= in_size)
        ok = ~(live[rows] & ~inside).any(axis=1) & close.all(axis=1) & within
        if not ok[k_mid]:
            return None
        bad_below = np.nonzero(~ok[:k_mid])[0]
        bad_above = np.nonzero(~ok[k_mid:])[0]
        k_lo = max(k_lo, int(bad_below.max()) + 1 if bad_below.size else 0)
        k_hi = min(k_hi, k_mid + int(bad_above.min()) - 1 if bad_above.size else periods - 1)
        starts.append(int(expected[0]))
        weights.append(tuple(template.tolist()))
    if phases * max(len(w) for w in weights) > _MAX_PHASE_TAPS:
        return None
    count = k_hi - k_lo + 1
    head_rows = np.arange(phases * k_lo)
    tail_rows = np.arange(phases * (k_hi + 1), out_size)
    return Polyphase(
        phases,
        step,
        k_lo,
        count,
        tuple(start + k_lo * step for start in starts),
        tuple(weights),
        _rows(taps, head_rows),
        _rows(taps, tail_rows),
    )


def _rows(taps: Taps, rows: np.ndarray) -> tuple[int, Taps] | None:
    """Some rows of a table, re-indexed from the first input they read."""
    if not rows.size:
        return None
    low = int(taps.index[rows].min())
    return low, Taps(taps.index[rows] - low, taps.weight[rows])


def _apply_rows(x: Tensor, axis: int, rows: tuple[int, Taps]) -> Tensor:
    low, taps = rows
    return _apply_matrix(x.narrow(axis, low, int(taps.index.max()) + 1), axis, taps)


def _apply_polyphase(x: Tensor, axis: int, poly: Polyphase) -> Tensor:
    pieces = [] if poly.head is None else [_apply_rows(x, axis, poly.head)]
    span = poly.step * (poly.count - 1) + 1
    index: list[slice] = [slice(None)] * x.ndim
    phase_outputs = []
    for start, taps in zip(poly.starts, poly.weights, strict=True):
        acc = None
        for offset, value in enumerate(taps):
            if value == 0.0:
                continue
            weight = value if x.dtype.is_floating_point else int(value)
            index[axis] = slice(start + offset, start + offset + span, poly.step)
            view = x[tuple(index)]
            acc = view * weight if acc is None else acc.add_(view, alpha=weight)
        assert acc is not None
        phase_outputs.append(acc)
    if poly.phases == 1:
        pieces.append(phase_outputs[0])
    else:  # interleave: output p*k + j comes from phase j
        stacked = torch.stack(phase_outputs, dim=axis + 1)
        shape = list(x.shape)
        shape[axis] = poly.count * poly.phases
        pieces.append(stacked.reshape(shape))
    if poly.tail is not None:
        pieces.append(_apply_rows(x, axis, poly.tail))
    return pieces[0] if len(pieces) == 1 else torch.cat(pieces, dim=axis)


# A gathered element costs about as much as this many multiply-adds inside a BLAS matmul
# (measured on CPU): below that, a plain dense (out x in) matmul beats gathering windows.
_GATHER_COST_IN_FMAS = 100
_MAX_DENSE_ENTRIES = 1 << 22
# Along the contiguous axis a small dense matrix is one GEMM; past this size, transposing the
# axis into the middle (one copy) and gathering whole rows is faster than the dense waste.
_MAX_DENSE_CONTIGUOUS = 1 << 18


def use_dense(blocks: Blocks, in_size: int) -> bool:
    dense_cost = blocks.out_size * in_size
    nblocks, block, window = blocks.weight.shape
    blocked_cost = nblocks * window * (_GATHER_COST_IN_FMAS + block)
    return dense_cost <= min(blocked_cost, _MAX_DENSE_ENTRIES)


@lru_cache(maxsize=256)
def _device_weights(
    taps: Taps, in_size: int, dtype: torch.dtype, device: torch.device
) -> tuple[Tensor, Tensor, Tensor | None]:
    """The weights on the device, once per table: the dense matrix, and the blocks with their
    window index where gathering beats the dense product (else ``None``)."""
    blocks = to_blocks(taps, in_size)
    dense = torch.from_numpy(taps.dense(in_size)).to(device=device, dtype=dtype)
    if use_dense(blocks, in_size):
        return dense, dense, None
    index = torch.from_numpy(blocks.window_index).to(device)
    return dense, torch.from_numpy(blocks.weight).to(device=device, dtype=dtype), index


def apply_taps(x: Tensor, axis: int, taps: Taps) -> Tensor:
    """Resample ``x`` along ``axis`` with ``taps`` (differentiable in ``x``).

    A NaN or infinity reaches only the outputs whose taps cover it (as with ``F.interpolate``):
    the matrix forms would spread it through their zero weights, so such inputs take one gather
    per tap instead.
    """
    # One cheap reduction: any NaN or infinity makes the sum non-finite.
    if x.dtype.is_floating_point and not bool(x.sum().isfinite()):
        return _apply_taps_per_tap(x, axis, taps)
    if not x.dtype.is_floating_point:  # integer tables on integer data (Pillow's fixed point)
        poly = to_polyphase(taps, x.shape[axis])
        if poly is not None:
            return _apply_polyphase(x, axis, poly)
        return _apply_matrix(x, axis, taps)
    poly = to_polyphase(taps, x.shape[axis])
    # Along the contiguous axis, strided views vectorize poorly: one small GEMM is better when
    # the dense matrix is small; past that, the slices still beat transposing and gathering.
    small_dense = taps.index.shape[0] * x.shape[axis] <= _MAX_DENSE_CONTIGUOUS
    if poly is not None and (axis != x.ndim - 1 or poly.step == 1 or not small_dense):
        return _apply_polyphase(x, axis, poly)
    return _apply_matrix(x, axis, taps)


def _apply_matrix(x: Tensor, axis: int, taps: Taps) -> Tensor:
    """The table as a dense matrix product or as gathered windows times blocks."""
    if not x.dtype.is_floating_point:
        # BLAS has no integer products; float64 is exact for these integer sums (< 2**53).
        return _apply_matrix(x.double(), axis, taps).round().to(x.dtype)
    in_size, out_size = x.shape[axis], taps.index.shape[0]
    dense, weight, index = _device_weights(taps, in_size, x.dtype, x.device)
    lead, trail = x.shape[:axis], x.shape[axis + 1 :]
    if not trail:  # the contiguous axis
        if out_size * in_size <= _MAX_DENSE_CONTIGUOUS:
            return x @ dense.T
        rows = x.reshape(1, -1, in_size).transpose(1, 2).contiguous()  # (1, in, rows)
        out = _resample_middle(rows, dense, weight, index)[0].T.contiguous()
        return out.reshape(*lead, out_size)
    flat = x.reshape(math.prod(lead), in_size, math.prod(trail))
    return _resample_middle(flat, dense, weight, index).reshape(*lead, out_size, *trail)


def _resample_middle(flat: Tensor, dense: Tensor, weight: Tensor, index: Tensor | None) -> Tensor:
    """``(outer, in, inner) -> (outer, out, inner)``: dense product, or gathered windows of
    whole ``inner`` rows times each block's weights."""
    if index is None:
        return torch.matmul(dense, flat)
    outer, _, inner = flat.shape
    nblocks, block, window = weight.shape
    windows = flat.index_select(1, index.reshape(-1)).view(outer, nblocks, window, inner)
    out = torch.matmul(weight, windows).reshape(outer, nblocks * block, inner)
    return out[:, : dense.shape[0]].contiguous()


def _apply_taps_per_tap(x: Tensor, axis: int, taps: Taps) -> Tensor:
    index = torch.from_numpy(taps.index).to(x.device)
    weight = torch.from_numpy(taps.weight).to(device=x.device, dtype=x.dtype)
    shape = [1] * x.ndim
    shape[axis] = taps.index.shape[0]
    out = torch.zeros(1, dtype=x.dtype, device=x.device)
    for tap in range(taps.index.shape[1]):
        w = weight[:, tap].view(shape)
        term = x.index_select(axis, index[:, tap]) * w
        out = out + torch.where(w != 0, term, torch.zeros_like(term))
    return out
