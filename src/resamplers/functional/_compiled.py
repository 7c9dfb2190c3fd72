"""Compiled (numba) CPU kernels for a 2-D resize: both passes of a block of rows in one loop nest.

The tensor engine (``_taps.py``) runs each pass as tens of element-wise ops, each a sweep of
memory and, with threads, a barrier. Here the same per-axis
:class:`~resamplers.functional._taps.Taps` tables, regrouped as one contiguous input window per
output (``to_blocks(taps, n, block=1)``), are applied by loops whose innermost dimension is
contiguous in memory, so that LLVM vectorizes it:

- the vertical pass: ``acc[:] += w_k * row_k[:]`` over whole rows;
- the horizontal pass: a block of rows is transposed (in cache) so that the rows become the
  contiguous lanes, the taps run exactly as vertically, and the result is transposed back. Short
  dot products along a row measured 1.5-2.5x slower (the reduction does not vectorize).

Floats take the cheaper order (``resample_2d``); either way a block of output rows runs both
passes while its intermediate is in cache. ``compat="pil"`` on uint8 runs Pillow's order and
arithmetic: horizontal pass first, int32 sums of 22-bit fixed-point weights, rounded and clipped
to uint8 between the passes: bit-exact to the tensor engine and to Pillow. Threads split the
blocks; their number follows ``torch.get_num_threads()`` at every call. ``resize`` imports this
module on first use, and does without it where numba is missing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numba
import numpy as np
import torch
from numba import njit, prange

from resamplers.functional._taps import Taps, to_blocks

# numba's "omp" layer (its default here) runs a second OpenMP pool beside torch's: measured 1.5-2x
# slower, and GNU OpenMP aborts a forked child (DataLoader workers) that uses it again. The
# "workqueue" layer is fork-safe but not thread-safe: launches are serialized by _LAUNCH.
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"
_LAUNCH = threading.Lock()

# Sums may be reassociated (that is what lets LLVM vectorize them): float results move by
# rounding only. No "nnan"/"ninf": a NaN or an infinity in the data must still show in the sums
# that :func:`resample_2d` checks.
_FASTMATH = {"reassoc", "contract", "nsz", "arcp"}
# Rows per block: the lanes of the transposed horizontal pass, and outputs per chunk of it. The
# lane loops run at ~3 multiply-adds per ns with 16-32 lanes and ~15 with 128 (loop overhead);
# the chunk keeps the transposed span in L2. Passed to the kernels as arguments: as compile-time
# constants LLVM unrolled the lane loops and the kernels ran 2-3x slower.
_BLOCK = 128
_CHUNK = 32
_PAD = 16  # lane rows padded: a power-of-two stride made the transposes thrash the cache
_TRANSPOSE_COST = 8  # a transposed value costs about this many multiply-adds (measured)
_GATHER_TAPS = 3  # horizontal tables of at most this many taps skip the transposes


@lru_cache(maxsize=256)
def windows(taps: Taps, in_size: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Each output's first input index, and its weights over one contiguous window."""
    blocks = to_blocks(taps, in_size, 1)
    start = np.ascontiguousarray(blocks.window_index[:, 0])
    return start, np.ascontiguousarray(blocks.weight[:, 0, :].astype(dtype))


@contextmanager
def _launch() -> Iterator[None]:
    """One kernel launch at a time (see ``_LAUNCH``), on torch's number of threads."""
    with _LAUNCH:
        numba.set_num_threads(max(1, min(torch.get_num_threads(), numba.config.NUMBA_NUM_THREADS)))
        yield


@njit(cache=True, fastmath=_FASTMATH)
def _rows(src, start, weight, acc):
    """``acc[:] = sum_k weight[k] * src[start + k, :]``: eight taps per sweep of ``acc`` (then
    four, two, one): fewer passes over ``acc``."""
    taps, n = weight.shape[0], acc.shape[0]
    k = 0
    while k + 8 <= taps:
        w0, w1, w2, w3 = weight[k], weight[k + 1], weight[k + 2], weight[k + 3]
        w4, w5, w6, w7 = weight[k + 4], weight[k + 5], weight[k + 6], weight[k + 7]
        r0, r1 = src[start + k], src[start + k + 1]
        r2, r3 = src[start + k + 2], src[start + k + 3]
        r4, r5 = src[start + k + 4], src[start + k + 5]
        r6, r7 = src[start + k + 6], src[start + k + 7]
        if k == 0:
            for x in range(n):
                acc[x] = (w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]) + (
                    w4 * r4[x] + w5 * r5[x] + w6 * r6[x] + w7 * r7[x]
                )
        else:
            for x in range(n):
                acc[x] += (w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]) + (
                    w4 * r4[x] + w5 * r5[x] + w6 * r6[x] + w7 * r7[x]
                )
        k += 8
    if k + 4 <= taps:
        w0, w1, w2, w3 = weight[k], weight[k + 1], weight[k + 2], weight[k + 3]
        r0, r1 = src[start + k], src[start + k + 1]
        r2, r3 = src[start + k + 2], src[start + k + 3]
        if k == 0:
            for x in range(n):
                acc[x] = w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
        else:
            for x in range(n):
                acc[x] += w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
        k += 4
    if k + 2 <= taps:
        w0, w1, r0, r1 = weight[k], weight[k + 1], src[start + k], src[start + k + 1]
        if k == 0:
            for x in range(n):
                acc[x] = w0 * r0[x] + w1 * r1[x]
        else:
            for x in range(n):
                acc[x] += w0 * r0[x] + w1 * r1[x]
        k += 2
    if k < taps:
        w0, r0 = weight[k], src[start + k]
        if k == 0:
            for x in range(n):
                acc[x] = w0 * r0[x]
        else:
            for x in range(n):
                acc[x] += w0 * r0[x]


@njit(cache=True)
def _store(value, shift):
    """A float sum as it is; a fixed-point sum as Pillow's ``clip8``: ``(sum +
    2**(shift-1)) >> shift`` clamped to ``[0, 255]``."""
    if shift is None:
        return value
    v = (value + (1 << (shift - 1))) >> shift
    return min(max(v, 0), 255)


@njit(cache=True, fastmath=_FASTMATH)
def _to_lanes(rows, x0, count, lanes):
    """``lanes[i, r] = rows[r, x0 + i]`` for ``i < count``. Eight rows at a time: eight
    contiguous reads, one contiguous write (1.5x faster than row by row)."""
    n = rows.shape[0]
    for r in range(0, n - 7, 8):
        a0, a1, a2, a3 = rows[r], rows[r + 1], rows[r + 2], rows[r + 3]
        a4, a5, a6, a7 = rows[r + 4], rows[r + 5], rows[r + 6], rows[r + 7]
        for i in range(count):
            lane, x = lanes[i], x0 + i
            lane[r] = a0[x]
            lane[r + 1] = a1[x]
            lane[r + 2] = a2[x]
            lane[r + 3] = a3[x]
            lane[r + 4] = a4[x]
            lane[r + 5] = a5[x]
            lane[r + 6] = a6[x]
            lane[r + 7] = a7[x]
    for r in range(n - n % 8, n):
        row = rows[r]
        for i in range(count):
            lanes[i, r] = row[x0 + i]


@njit(cache=True, fastmath=_FASTMATH)
def _from_lanes(lanes, count, dst, q0, shift):
    """``dst[r, q0 + i] = _store(lanes[i, r], shift)`` for ``i < count``, eight rows at a
    time as in :func:`_to_lanes`."""
    n = dst.shape[0]
    for r in range(0, n - 7, 8):
        d0, d1, d2, d3 = dst[r], dst[r + 1], dst[r + 2], dst[r + 3]
        d4, d5, d6, d7 = dst[r + 4], dst[r + 5], dst[r + 6], dst[r + 7]
        for i in range(count):
            lane, q = lanes[i], q0 + i
            d0[q] = _store(lane[r], shift)
            d1[q] = _store(lane[r + 1], shift)
            d2[q] = _store(lane[r + 2], shift)
            d3[q] = _store(lane[r + 3], shift)
            d4[q] = _store(lane[r + 4], shift)
            d5[q] = _store(lane[r + 5], shift)
            d6[q] = _store(lane[r + 6], shift)
            d7[q] = _store(lane[r + 7], shift)
    for r in range(n - n % 8, n):
        row = dst[r]
        for i in range(count):
            row[q0 + i] = _store(lanes[i, r], shift)


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal_gather(rows, start, weight, shift, dst):
    """``dst[r, j] = sum_k weight[j, k] * rows[r, start[j] + k]``, vectorized over ``j`` (with
    gathers): for a few taps on planar rows, faster than transposing (1.6x at 2 taps)."""
    weight_t = np.ascontiguousarray(weight.T)
    acc = np.empty(dst.shape[1], weight.dtype)
    for r in range(rows.shape[0]):
        row, w = rows[r], weight_t[0]
        for j in range(acc.shape[0]):
            acc[j] = w[j] * row[start[j]]
        for k in range(1, weight_t.shape[0]):
            w = weight_t[k]
            for j in range(acc.shape[0]):
                acc[j] += w[j] * row[start[j] + k]
        out = dst[r]
        for j in range(acc.shape[0]):
            out[j] = _store(acc[j], shift)


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal(rows, start, weight, channels, chunk, lanes, out_lanes, shift, dst):
    """``dst[r] = `` the horizontal pass of ``rows[r]`` (``n`` rows of ``W * channels``
    values, channels interleaved), ``chunk`` outputs at a time: their input span is
    transposed into ``lanes`` (``(span * channels, block)``, the weights' dtype) so that the
    taps run over ``block`` rows at once, into ``out_lanes`` (``(chunk * channels, block)``),
    transposed back into ``dst``."""
    if channels == 1 and weight.shape[1] <= _GATHER_TAPS:
        _horizontal_gather(rows, start, weight, shift, dst)
        return
    n = rows.shape[0]
    # Lanes past n compute zeros (unused); loops shorter than 32 do not vectorize well.
    block = min(lanes.shape[1] - _PAD, -(-n // 32) * 32)
    taps = weight.shape[1]
    if n < block:
        lanes[:, n:block] = 0
    for j0 in range(0, start.shape[0], chunk):
        j1 = min(j0 + chunk, start.shape[0])
        # Not start[j0]: a window starts at its first nonzero tap, and where an output falls
        # on an input sample (upscaling) its neighbours' windows may start lower.
        x0 = start[j0:j1].min() * channels
        x1 = (start[j0:j1].max() + taps) * channels
        _to_lanes(rows, x0, x1 - x0, lanes)
        for j in range(j0, j1):
            for c in range(channels):
                acc = out_lanes[(j - j0) * channels + c]
                first = start[j] * channels + c - x0
                w = weight[j, 0]
                lane = lanes[first]
                for r in range(block):
                    acc[r] = w * lane[r]
                for k in range(1, taps):
                    w = weight[j, k]
                    lane = lanes[first + k * channels]
                    for r in range(block):
                        acc[r] += w * lane[r]
                if shift is not None:  # rounded here, over the lanes: vectorized
                    for r in range(block):
                        acc[r] = _store(acc[r], shift)
        _from_lanes(out_lanes, (j1 - j0) * channels, dst, j0 * channels, None)


@njit(cache=True, fastmath=_FASTMATH, parallel=True)
def _vertical_first(src, out, v_start, v_weight, h_start, h_weight, block, chunk, sums):
    """Float ``(planes, H, W) -> (planes, Ho, Wo)`` in blocks of ``block`` output rows;
    ``sums[item]``: each block's total."""
    planes, _, width = src.shape
    out_rows = out.shape[1]
    per_plane = (out_rows + block - 1) // block
    span = _span(h_start, h_weight.shape[1], chunk)
    for item in prange(planes * per_plane):
        p, o0 = item // per_plane, (item % per_plane) * block
        n = min(block, out_rows - o0)
        mid = np.empty((n, width), src.dtype)
        lanes = np.empty((span, block + _PAD), src.dtype)
        out_lanes = np.empty((chunk, block + _PAD), src.dtype)
        for r in range(n):
            _rows(src[p], v_start[o0 + r], v_weight[o0 + r], mid[r])
        dst = out[p, o0 : o0 + n]
        _horizontal(mid, h_start, h_weight, 1, chunk, lanes, out_lanes, None, dst)
        sums[item] = dst.sum()


@njit(cache=True, fastmath=_FASTMATH, parallel=True)
def _horizontal_first(
    src, out, v_start, v_weight, h_start, h_weight, shift, rows, block, chunk, sums
):
    """``(planes, H, W * C) -> (planes, Ho, Wo * C)`` in blocks of ``rows`` output rows: the
    horizontal pass of just the input rows they read (``block`` at a time) into a small
    intermediate, then the vertical pass. ``shift``: uint8 data and int32 fixed-point
    weights, rounded as Pillow does after each pass; ``None``: float data and weights.
    ``sums[item]``: each block's total."""
    planes, out_rows, out_size = src.shape[0], out.shape[1], out.shape[2]
    channels = out_size // h_start.shape[0]
    span = _span(h_start, h_weight.shape[1], chunk) * channels
    v_taps = v_weight.shape[1]
    per_plane = (out_rows + rows - 1) // rows
    for item in prange(planes * per_plane):
        p, o0 = item // per_plane, (item % per_plane) * rows
        n = min(rows, out_rows - o0)
        y0 = v_start[o0 : o0 + n].min()  # not monotonic: see _horizontal
        y1 = v_start[o0 : o0 + n].max() + v_taps
        mid = np.empty((y1 - y0, out_size), src.dtype)
        lanes = np.empty((span, block + _PAD), h_weight.dtype)
        out_lanes = np.empty((chunk * channels, block + _PAD), h_weight.dtype)
        for y in range(y0, y1, block):
            y_end = min(y + block, y1)
            _horizontal(
                src[p, y:y_end],
                h_start,
                h_weight,
                channels,
                chunk,
                lanes,
                out_lanes,
                shift,
                mid[y - y0 : y_end - y0],
            )
        acc = np.empty(out_size, v_weight.dtype)
        total = 0.0
        for r in range(n):
            row = out[p, o0 + r]
            if shift is None:  # floats: straight into the output
                _rows(mid, v_start[o0 + r] - y0, v_weight[o0 + r], row)
                total += row.sum()
            else:
                _rows(mid, v_start[o0 + r] - y0, v_weight[o0 + r], acc)
                for i in range(out_size):
                    row[i] = _store(acc[i], shift)
        sums[item] = total


@njit(cache=True)
def _span(start, taps, chunk):
    """The widest input span of ``chunk`` consecutive outputs."""
    widest = 0
    for j0 in range(0, start.shape[0], chunk):
        j1 = min(j0 + chunk, start.shape[0])
        widest = max(widest, start[j0:j1].max() + taps - start[j0:j1].min())
    return widest


def resample_2d(x: np.ndarray, v_taps: Taps, h_taps: Taps) -> np.ndarray | None:
    """``x`` float32/float64 ``(planes, H, W)``, contiguous: both axes resampled, or ``None`` if
    the result is not finite (a NaN or infinity in ``x``: the tensor engine then keeps it to the
    outputs whose nonzero taps cover it; here zero weights would spread it)."""
    planes, height, width = x.shape
    v_start, v_weight = windows(v_taps, height, x.dtype)
    h_start, h_weight = windows(h_taps, width, x.dtype)
    out_h, out_w = v_start.shape[0], h_start.shape[0]
    out = np.empty((planes, out_h, out_w), x.dtype)
    # The cost of each order: multiply-adds, and the values the horizontal pass transposes in and
    # out (each about _TRANSPOSE_COST multiply-adds).
    v_taps, h_taps = v_weight.shape[1], h_weight.shape[1]
    cost = _TRANSPOSE_COST
    vertical_first = out_h * (width * (v_taps + cost) + out_w * (h_taps + cost))
    horizontal_first = height * (width * cost + out_w * (h_taps + cost)) + out_h * out_w * v_taps
    if vertical_first <= horizontal_first:
        sums = np.empty(planes * -(-out_h // _BLOCK))
        with _launch():
            _vertical_first(x, out, v_start, v_weight, h_start, h_weight, _BLOCK, _CHUNK, sums)
    else:
        sums = _horizontal_first_blocks(x, out, v_start, v_weight, h_start, h_weight, None)
    return out if np.isfinite(sums).all() else None


def resample_pil_uint8(x: np.ndarray, v_taps: Taps, h_taps: Taps, shift: int) -> np.ndarray:
    """``x`` uint8 ``(planes, H, W, C)``, contiguous; ``*_taps``: Pillow's fixed-point tables
    (integer weights scaled by ``2**shift``). Pillow's passes and rounding, exactly."""
    planes, height, width, channels = x.shape
    v_start, v_weight = windows(v_taps, height, np.dtype(np.int32))
    h_start, h_weight = windows(h_taps, width, np.dtype(np.int32))
    out = np.empty((planes, v_start.shape[0], h_start.shape[0] * channels), np.uint8)
    rows = x.reshape(planes, height, width * channels)
    _horizontal_first_blocks(rows, out, v_start, v_weight, h_start, h_weight, shift)
    return out.reshape(planes, out.shape[1], h_start.shape[0], channels)


def _horizontal_first_blocks(
    x: np.ndarray,
    out: np.ndarray,
    v_start: np.ndarray,
    v_weight: np.ndarray,
    h_start: np.ndarray,
    h_weight: np.ndarray,
    shift: int | None,
) -> np.ndarray:
    """Run :func:`_horizontal_first` with blocks of output rows that read about ``_BLOCK``
    input rows each (a few rows are read twice, at the blocks' edges); returns the sums."""
    out_h, in_h = out.shape[1], x.shape[1]
    rows = min(out_h, max(8, int((_BLOCK - v_weight.shape[1]) * out_h / in_h)))
    sums = np.empty(x.shape[0] * -(-out_h // rows))
    with _launch():
        _horizontal_first(
            x, out, v_start, v_weight, h_start, h_weight, shift, rows, _BLOCK, _CHUNK, sums
        )
    return sums
