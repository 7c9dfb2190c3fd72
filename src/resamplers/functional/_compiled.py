"""Compiled (numba) CPU kernels for a 2-D resize: both passes of a block of rows in one loop nest.

The tensor engine (``_taps.py``) runs each pass as tens of element-wise ops, each a sweep of
memory and, with threads, a barrier. Here the same per-axis
:class:`~resamplers.functional._taps.Taps` tables, regrouped as one contiguous input window per
output (``to_blocks(taps, n, block=1)``), are applied by loops whose innermost dimension is
contiguous in memory, so that LLVM vectorizes it:

- the vertical pass: ``acc[:] += w_k * row_k[:]`` over whole rows; lanczos3 at integer factors
  (one phase, windows of six steps) on float rows of up to a few KB instead runs register-tiled
  strips written as LLVM IR (:func:`_live_rows`): each input row read once into the six sums it
  feeds, the next rows prefetched; 2 or 4 taps into a large float output (upscaling) store its
  rows' whole cache lines non-temporally (:func:`_streamed_rows`, also LLVM IR);
- the horizontal pass of a periodic table (integer or small rational factors: output
  ``p*k + j`` reads phase ``j``'s weights at input ``q*k + start_j``): the rows are deinterleaved
  by ``q`` so that each tap of each phase reads a contiguous slice, the phases run as the
  vertical pass does, and are interleaved back; the few outputs near the borders come last, for
  all the rows at once, from the transposing pass below. Constant strides in the
  (de)interleaving loops let LLVM vectorize them with shuffles; uint8 is deinterleaved as
  uint8 (Pillow's uint8 /4 reads each sample as a byte of a uint32 word instead). At unit step
  (integer upscales) the taps read the rows in place, interleaved channels and all; other
  interleaved channels are split into a row each first (4-byte pixels, uint8 RGBA, are
  deinterleaved whole, as uint32). A single channel's x2 writes both phases in one loop;
- the horizontal pass otherwise: a block of rows is transposed (in cache) so that the rows become
  the contiguous lanes, the taps run exactly as vertically, and the result is transposed back.
  Short dot products along a row measured 1.5-2.5x slower (the reduction does not vectorize).

Floats, and integer images rounded once at the end, take the cheaper order (``resample_2d``,
float sums); either way a block of output rows runs both passes while its intermediate is in
cache. ``compat="pil"`` on uint8 runs Pillow's order and
arithmetic: horizontal pass first, int32 sums of 22-bit fixed-point weights, rounded and clipped
to uint8 between the passes: bit-exact to the tensor engine and to Pillow. Where the CPU has
256-bit VNNI (:data:`_VNNI`), its sums of more than 4 taps along the rows at /4 and down the
columns run as ``vpdpbusd`` (four bytes times four signed bytes, summed into an int32 lane) on
the weights' base-256 digits (:func:`_digit_blocks`, LLVM IR); elsewhere as 32-bit multiplies.
The kernels are serial and release the GIL: the caller and ``torch.get_num_threads() - 1``
threads of a small pool claim a call's blocks one at a time. Nearest-neighbour sampling
(:func:`gather`) moves pixels as bytes, whatever their dtype and channels: each output row
gathers from one input row or copies the row before, and x2 widths double each pixel in a
vectorized loop. ``resize`` imports this module on first use, and does without it where numba
is missing.
"""

from __future__ import annotations

import math
import os
import platform
import queue
import sys
import threading
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import torch
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from resamplers.functional._taps import Taps, to_blocks, to_polyphase
from resamplers.functional.compat import PIL_PRECISION_BITS

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
# Where the horizontal pass is periodic (no lanes to fill), fewer rows per block on wide rows:
# as many as keep the block's float intermediate within about this many bytes (L2: 512 KiB per
# core), at least 32. HWC RGB images 2048 wide (24 KiB float32 rows) ran 0.87-0.95x the time
# in blocks of 32 rather than 128 on /4, 0.96-0.98x on x2 (transposed tables: 1.08-1.14x).
_MID_BYTES = 512 << 10
_PAD = 16  # lane rows padded: a power-of-two stride made the transposes thrash the cache
_TRANSPOSE_COST = 8  # a transposed value costs about this many multiply-adds (measured)
_PHASE_COST = 3  # and a deinterleaved or interleaved one (measured)
_GATHER_TAPS = 3  # horizontal tables of at most this many taps skip the transposes
# and with interleaved channels (uint8 RGB, A/B: 2 taps 0.68x, 3 taps 1.09x, 4 taps 1.07x)
_GATHER_TAPS_INTERLEAVED = 2
# Periodic horizontal pass: rows per group, about this many bytes of input. Each group pays a
# few dozen array views (numba counts their references, atomically): uint8 RGB rows of 6 KB ran
# 1.16x slower one row per group (4 KB); float rows measured the same from 8 to 32 KB.
_GROUP_BYTES = 32768
# 3-D: a block's 2-D-resampled input slices, about this many bytes (two such buffers per
# calling thread are kept between calls). Each block costs a few parallel launches: 1 MiB ran a
# 128^3 volume 1.3x slower at 2 threads than 4 MiB, 2 MiB 1.15x.
_VOLUME_BLOCK_BYTES = 2 << 20
# Less work than this (multiply-adds and moved values, ~0.1 ms) runs on the calling thread alone:
# waking a pool thread and waiting for its last block cost more (on this VM a core left idle
# wakes in 0.1-1 ms). 3-D's small launches: a 128^3 volume's depth pass, a block's few slices.
_PARALLEL_WORK = 1 << 21
# One axis resampled alone, its vertical pass: output rows per claimed item, about this many
# output values.
_ONE_AXIS_VALUES = 1 << 16
# Nearest-neighbour gathers: output bytes per claimed item.
_GATHER_BYTES = 1 << 16
# Vertical pass: one-phase tables whose windows span six steps (lanczos3 at integer factors)
# run as register-tiled strips (:func:`_live_rows`), six outputs' sums live at a time.
_LIVE = 6
# ... where the rows a group of six outputs reads (eleven steps) fit in this many bytes, so that
# they stay in L2 with the next group's prefetched: planar float32 rows 512 wide at /2, /3 and
# /4 (A/B 0.73-0.85x); /8 (176 KB) 0.96x, float64 0.95x, HWC RGB rows of 24 KB 1.11x slower.
_LIVE_BYTES = 128 << 10
# Float outputs of at least this many bytes, written once by a vertical pass of 2 or 4 taps, are
# stored non-temporally (:func:`_streamed_rows`) where their rows start on cache lines
# (:func:`_streamed`): no read for ownership of each line, and no eviction of the rows in cache.
# Writing 4 / 8 / 24 MiB from cold caches took 0.84 / 0.76 / 0.70x the time of plain stores
# here, and 0.94 / 0.89 / 0.84x with a read of the result after (1 MiB: 1.06x slower with it).
_STREAM_BYTES = 4 << 20
# Checks of the items done (a pause each, 25 ns here) before the caller sleeps on the other
# threads: 0.2 ms, a few times an item the others may still be finishing.
_SPINS = 8000
_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")
_LITTLE_ENDIAN = sys.byteorder == "little"  # :func:`_byte_taps` reads samples as bytes of words
# :func:`_digit_pixels`: outputs per block, 32-byte vectors of them (uint32 words) per block.
_DIGIT_LANES = 8
_DIGIT_VECTORS = 4
_DIGIT_BLOCK = _DIGIT_LANES * _DIGIT_VECTORS
# The 4-byte groups of the packs of four vectors of eight consecutive outputs, in output order.
_IN_ORDER = [0, 4, 1, 5, 2, 6, 3, 7]


def _compiled_features() -> set[str]:
    """The CPU features numba's target machine was given (host or not), ``"+avx2"`` and the
    like; none off x86."""
    from numba.core.registry import cpu_target

    codegen = cpu_target.target_context.codegen()
    return set(getattr(codegen, "_tm_features", "").split(",")) if _X86 else set()


# 256-bit VNNI (``vpdpbusd``: AVX-VNNI, or AVX512-VNNI with AVX512VL) ...
_VNNI = "+avxvnni" in _compiled_features() or {"+avx512vnni", "+avx512vl"} <= _compiled_features()
# ... and byte permutes across two 32-byte vectors (``vpermi2b``: AVX512-VBMI with VL).
_VBMI = _VNNI and {"+avx512vbmi", "+avx512vl"} <= _compiled_features()


@lru_cache(maxsize=256)
def windows(taps: Taps, in_size: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Each output's first input index, and its weights over one contiguous window."""
    blocks = to_blocks(taps, in_size, 1)
    start = np.ascontiguousarray(blocks.window_index[:, 0])
    return start, np.ascontiguousarray(blocks.weight[:, 0, :].astype(dtype))


@lru_cache(maxsize=256)
def phases(taps: Taps, in_size: int, dtype: np.dtype) -> tuple[np.ndarray, ...]:
    """The periodic interior of a horizontal table (:func:`to_polyphase`) for
    :func:`_horizontal_phases`: ``(phases, step, k_lo, count)``, and for each phase its nonzero
    taps as the deinterleaved input each reads (``(start + t) % step``), the offset in it
    (``(start + t) // step``) and the weight; ``count == 0`` where the table is not periodic."""
    poly = to_polyphase(taps, in_size)
    if poly is None:
        return _not_periodic(dtype)
    width = max(sum(w != 0.0 for w in phase) for phase in poly.weights)
    which = np.zeros((poly.phases, width), np.int64)
    offset = np.zeros((poly.phases, width), np.int64)
    weight = np.zeros((poly.phases, width), dtype)
    for j, (start, taps_j) in enumerate(zip(poly.starts, poly.weights, strict=True)):
        live = np.nonzero(np.asarray(taps_j))[0]
        which[j, : live.size] = (start + live) % poly.step
        offset[j, : live.size] = (start + live) // poly.step
        weight[j, : live.size] = np.asarray(taps_j)[live]
    info = np.array([poly.phases, poly.step, poly.k_lo, poly.count], np.int64)
    return info, which, offset, weight


@lru_cache(maxsize=8)
def _not_periodic(dtype: np.dtype) -> tuple[np.ndarray, ...]:
    """The :func:`phases` of a table that is not periodic (``count == 0``)."""
    empty = np.zeros((1, 0), np.int64)
    return np.zeros(4, np.int64), empty, empty, np.zeros((1, 0), dtype)


@lru_cache(maxsize=256)
def live_rows(taps: Taps, in_size: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """The periodic interior of a vertical table for :func:`_live_rows`, where it has one phase
    whose window spans six steps (``ceil(taps / step) == 6``: lanczos3 at integer factors):
    ``([k_lo, count, first], live)``, outputs ``k_lo .. k_lo + count - 1`` reading rows from
    ``first + step * (k - k_lo)`` on, ``live[i, a]`` the weight of tap ``step * a + i`` (zero
    past the window; the interior ends where the padded windows would leave the input).
    ``count == 0`` where the strips do not apply."""
    poly = to_polyphase(taps, in_size)
    if poly is None or poly.phases != 1:
        return no_live_rows(dtype)
    weight, step, first = np.asarray(poly.weights[0]), poly.step, poly.starts[0]
    # The padded windows (six steps) read rows past a shorter window: keep them in the input.
    count = min(poly.count, (in_size - first - _LIVE * step) // step + 1)
    if -(-weight.size // step) != _LIVE or count < _LIVE:
        return no_live_rows(dtype)
    live = np.zeros(_LIVE * step)
    live[: weight.size] = weight
    info = np.array([poly.k_lo, count, first], np.int64)
    return info, np.ascontiguousarray(live.reshape(_LIVE, step).T.astype(dtype))


@lru_cache(maxsize=8)
def no_live_rows(dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`live_rows` of a table the strips do not run (``count == 0``)."""
    return np.zeros(3, np.int64), np.zeros((1, _LIVE), dtype)


# (v_start, v_weight, h_start, h_weight, poly): see tables()
Tables = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]


def tables(
    v_taps: Taps | None, h_taps: Taps | None, height: int, width: int, dtype: np.dtype
) -> Tables:
    """What the kernels read, as one argument: ``(v_start, v_weight, h_start, h_weight, poly)``,
    the vertical and horizontal windows (:func:`windows`) and the horizontal table's periodic
    interior (:func:`phases`), in ``dtype``. An axis left as it is (``None``) has empty windows
    (the same types: the kernels' signatures do not change)."""
    kept = np.zeros(0, np.int64), np.zeros((0, 1), dtype)
    return (
        *(kept if v_taps is None else windows(v_taps, height, dtype)),
        *(kept if h_taps is None else windows(h_taps, width, dtype)),
        _not_periodic(dtype) if h_taps is None else phases(h_taps, width, dtype),
    )


# Threads: the kernels are serial and release the GIL; the caller and threads of this pool claim
# a call's blocks one at a time (_in_parallel). numba's own parallel loops measured worse here:
# its "workqueue" layer's sleeping workers were often woken onto one core (2 threads ran at
# 1-thread speed in about half the calls) and its "omp" layer runs a second OpenMP pool beside
# torch's (1.5-2x slower, and not fork-safe).
# The pool: daemon threads that take calls from one queue (a call: the kernel, its arguments
# and ``done``, see _submit). Handing a call over this way took 16 us against 35 for
# ThreadPoolExecutor.submit (its Future, condition and locks), out of the CPU's caches.
_JOBS: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], list[Any]]] = (
    queue.SimpleQueue()
)
_WORKERS = 0
_WORKERS_LOCK = threading.Lock()


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start new ones on first use."""
    global _JOBS, _WORKERS, _WORKERS_LOCK
    _JOBS, _WORKERS, _WORKERS_LOCK = queue.SimpleQueue(), 0, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def _work() -> None:
    """A pool thread: runs the calls handed to it, one after another, for good."""
    while True:
        _run_job(*_JOBS.get())


def _run_job(kernel: Callable[..., Any], args: tuple[Any, ...], done: list[Any]) -> None:
    """One call of :func:`_work` (a function of its own: its arrays are freed as it returns,
    not kept by the thread's loop until the next call)."""
    try:
        kernel(*args)
    except BaseException as error:  # for the caller, if it waits (_wait)
        done.append(error)
    finally:
        done[0].release()


def _pool(workers: int) -> queue.SimpleQueue:
    """The queue of a pool of at least ``workers`` threads (started on first use, never
    stopped)."""
    global _WORKERS
    if workers <= _WORKERS:
        return _JOBS
    with _WORKERS_LOCK:
        while workers > _WORKERS:
            threading.Thread(target=_work, name=f"resamplers-{_WORKERS}", daemon=True).start()
            _WORKERS += 1
    return _JOBS


def _submit(jobs: queue.SimpleQueue, kernel: Callable[..., Any], *args: Any) -> list[Any]:
    """Hand ``kernel(*args)`` to the pool of ``jobs`` (:func:`_pool`); returns its ``done``
    (for :func:`_wait`): a lock, released when the call is over, and then any exception it
    raised."""
    done = [threading.Lock()]
    done[0].acquire()
    jobs.put((kernel, args, done))
    return done


def _wait(done: list[Any]) -> None:
    """Sleep until the call of ``done`` (:func:`_submit`) is over; raise what it raised."""
    with done[0]:
        if len(done) > 1:
            raise done[1]


def _in_parallel(
    kernel: Callable[..., Any], items: int, work: int, *args: Any, announce: bool = True
) -> None:
    """``kernel(*args, claimed, items, linger)`` on ``torch.get_num_threads()`` threads (fewer
    when there are fewer items; one where the ``work``, multiply-adds and moved values, is under
    ``_PARALLEL_WORK``), the caller one of them (``linger`` False; the pool's True): each claims
    items of ``range(items)`` one at a time (:func:`_claim` on ``claimed``) until none is left,
    so a thread that starts late or is descheduled (by the OpenMP threads torch leaves spinning
    after its ops) leaves its items to the others instead of making them wait. Against fixed
    contiguous shares (the caller then waiting for the pool's): at 2 threads right after a
    torch op, 3-D 0.89-0.97x the time, uint8 Pillow-exact 0.77x, the rest 0.9-1.0x; without the
    torch op 0.90-1.05x (noise); at 1 thread the same. Once none is left to claim, the caller
    spins (:func:`_items_done`) until the items the others took are done, and returns without
    waiting for their calls to return: a thread asleep on a lock wakes 45-50 us after it is
    told on this VM (so does one asleep on the GIL: the others wait for the caller to take it
    first, :func:`_linger`). ``announce``: check for a compile first
    (:func:`_announce_compile`; a prepared call, :func:`_launch`, checks on its first run
    only)."""
    # The next item to claim, the items done, whether the caller is back (_linger).
    claimed = np.zeros(3, np.int64)
    if announce:
        _announce_compile(kernel, (*args, claimed, items, False))
    threads = max(1, min(torch.get_num_threads(), items)) if work >= _PARALLEL_WORK else 1
    others = []
    if threads > 1:
        jobs = _pool(threads - 1)
        others = [_submit(jobs, kernel, *args, claimed, items, True) for _ in range(1, threads)]
    kernel(*args, claimed, items, False)
    if others:
        claimed[2] = 1  # the pool's threads may take the GIL: _items_done holds it
        if not _items_done(claimed, items, _SPINS):
            for done in others:  # held up for long (descheduled): sleep until it is done
                _wait(done)


def _is_counters(claimed: Any) -> bool:
    """Whether ``claimed`` is the int64 array of :func:`_in_parallel`'s counters (typing)."""
    return isinstance(claimed, types.Array) and claimed.dtype == types.int64


def _counter(context: Any, builder: Any, signature: Any, args: Any, index: int) -> Any:
    """A pointer to ``claimed[index]``, the intrinsic's one argument (codegen)."""
    array = context.make_array(signature.args[0])(context, builder, args[0])
    return builder.gep(array.data, [context.get_constant(types.int64, index)])


@intrinsic
def _claim(typingctx, claimed):
    """Atomically ``claimed[0] += 1`` (an int64 array); returns the value before: the index of
    the item the calling thread takes (its first; after that, :func:`_claim_next`)."""
    if not _is_counters(claimed):
        return None

    def codegen(context, builder, signature, args):
        one = context.get_constant(types.int64, 1)
        next_item = _counter(context, builder, signature, args, 0)
        return builder.atomic_rmw("add", next_item, one, "monotonic")

    return types.int64(claimed), codegen


@intrinsic
def _claim_next(typingctx, claimed):
    """Counts the calling thread's last item done (``claimed[1] += 1``, after all its stores),
    then claims the next (:func:`_claim`)."""
    if not _is_counters(claimed):
        return None

    def codegen(context, builder, signature, args):
        one = context.get_constant(types.int64, 1)
        done = _counter(context, builder, signature, args, 1)
        builder.atomic_rmw("add", done, one, "release")
        next_item = _counter(context, builder, signature, args, 0)
        return builder.atomic_rmw("add", next_item, one, "monotonic")

    return types.int64(claimed), codegen


def _spin_load(index: int) -> Callable[..., Any]:
    """The intrinsic that loads ``claimed[index]`` with acquire ordering (what was stored
    before it was counted is then visible), a ``pause`` first on x86 (a spin-wait loop's)."""

    def load(typingctx, claimed):
        if not _is_counters(claimed):
            return None

        def codegen(context, builder, signature, args):
            if _X86:
                pause = cgutils.get_or_insert_function(
                    builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause"
                )
                builder.call(pause, [])
            counter = _counter(context, builder, signature, args, index)
            return builder.load_atomic(counter, "acquire", 8)

        return types.int64(claimed), codegen

    return intrinsic(load)


_done_count = _spin_load(1)  # the items done (_claim_next)
_caller_back = _spin_load(2)  # the caller back from its share of a call (_in_parallel)


@njit(cache=True)
def _items_done(claimed, items, spins):
    """Whether all ``items`` are done (:func:`_claim_next`) within ``spins`` checks. Holds the
    GIL (see :func:`_linger`)."""
    checks = 1
    while _done_count(claimed) < items:
        if checks == spins:
            return False
        checks += 1
    return True


@njit(cache=True, nogil=True)
def _linger(claimed, linger):
    """A pool thread's end of its share of a call (``linger`` True; the caller's: False): wait
    until the caller is back in Python (``claimed[2]``, see :func:`_in_parallel`), at most
    ``_SPINS`` checks, before returning to Python and its GIL. A pool thread that returned
    first held the GIL as the caller came back from its share: the caller slept on it and
    woke 40 us later (x2 linear at 2 threads, 8x3x256^2)."""
    checks = 0
    while linger and checks < _SPINS and _caller_back(claimed) == 0:
        checks += 1


# No reference counting (numba's private ``_nrt`` option) in _rows, which neither allocates nor
# keeps an array: numba increfs and decrefs its three array arguments on every call (six atomic
# operations, ~20 ns), which its pruning leaves in a function with this many loops; a call per
# output row made them 5-7 % of an x2 upscale (A/B 0.93-0.95x; downscales, 3-D unchanged).
@njit(cache=True, fastmath=_FASTMATH, _nrt=False)
def _rows(src, start, weight, acc):
    """``acc[:] = sum_k weight[k] * src[start + k, :]``: eight taps per sweep of ``acc`` (then
    four, two, one): fewer passes over ``acc``; the eight rows of a sweep as
    :func:`_sweep_rows` orders them. Indexed ``src[row, x]``, not through row views: numba
    counts references to each view (atomic increments, ~60 ns a sweep): 5-8 % of the time of
    the downscales and upscales."""
    taps, n = weight.shape[0], acc.shape[0]
    sweeps = taps // 8
    for j in range(sweeps):
        b, e = _sweep_rows(j, sweeps, taps)
        w0, w1, w2, w3 = weight[b], weight[b + e], weight[b + 2 * e], weight[b + 3 * e]
        w4, w5, w6, w7 = weight[b + 4 * e], weight[b + 5 * e], weight[b + 6 * e], weight[b + 7 * e]
        s0, s1, s2, s3 = start + b, start + b + e, start + b + 2 * e, start + b + 3 * e
        s4, s5, s6, s7 = start + b + 4 * e, start + b + 5 * e, start + b + 6 * e, start + b + 7 * e
        if j == 0:
            for x in range(n):
                acc[x] = (w0 * src[s0, x] + w1 * src[s1, x] + w2 * src[s2, x] + w3 * src[s3, x]) + (
                    w4 * src[s4, x] + w5 * src[s5, x] + w6 * src[s6, x] + w7 * src[s7, x]
                )
        else:
            for x in range(n):
                acc[x] += (
                    w0 * src[s0, x] + w1 * src[s1, x] + w2 * src[s2, x] + w3 * src[s3, x]
                ) + (w4 * src[s4, x] + w5 * src[s5, x] + w6 * src[s6, x] + w7 * src[s7, x])
    k = 8 * sweeps
    if k + 4 <= taps:
        w0, w1, w2, w3 = weight[k], weight[k + 1], weight[k + 2], weight[k + 3]
        s = start + k
        if k == 0:
            for x in range(n):
                acc[x] = (
                    w0 * src[s, x] + w1 * src[s + 1, x] + w2 * src[s + 2, x] + w3 * src[s + 3, x]
                )
        else:
            for x in range(n):
                acc[x] += (
                    w0 * src[s, x] + w1 * src[s + 1, x] + w2 * src[s + 2, x] + w3 * src[s + 3, x]
                )
        k += 4
    if k + 2 <= taps:
        w0, w1, s = weight[k], weight[k + 1], start + k
        if k == 0:
            _two_taps(src, s, w0, w1, acc)
        else:
            for x in range(n):
                acc[x] += w0 * src[s, x] + w1 * src[s + 1, x]
        k += 2
    if k < taps:
        w0, s = weight[k], start + k
        if k == 0:
            for x in range(n):
                acc[x] = w0 * src[s, x]
        else:
            for x in range(n):
                acc[x] += w0 * src[s, x]


@njit(inline="always", fastmath=_FASTMATH)
def _two_taps(src, s, w0, w1, out):
    """``out[:] = w0 * src[s] + w1 * src[s + 1]``; returns the sum of ``out``, added up in the
    same loop (inlined: where the caller drops it, LLVM drops it too)."""
    total = 0.0
    for x in range(out.shape[0]):
        value = w0 * src[s, x] + w1 * src[s + 1, x]
        out[x] = value
        total += value
    return total


def _float_vector(dtype: Any, lanes: int | None = None) -> tuple[Any, int, Any]:
    """The LLVM types of an IR loop over numba float ``dtype``: the value, its bytes, and a
    vector of ``lanes`` values (``None``: 32 bytes of them, AVX2's width)."""
    double = dtype == types.float64
    value = ir.DoubleType() if double else ir.FloatType()
    item = 8 if double else 4
    return value, item, ir.VectorType(value, lanes or 32 // item)


def _fmuladd(builder: Any, vector: Any, item: int) -> Any:
    """``llvm.fmuladd`` (``a * b + c``, fused where the CPU can) on ``vector``s of ``item``-byte
    floats."""
    kind = ir.FunctionType(vector, [vector] * 3)
    name = f"llvm.fmuladd.v{vector.count}f{item * 8}"
    return cgutils.get_or_insert_function(builder.module, kind, name)


def _splat(builder: Any, vector: Any, scalar: Any) -> Any:
    """``scalar`` in every lane of a ``vector``."""
    i32 = ir.IntType(32)
    undefined = ir.Constant(vector, ir.Undefined)
    zeros = ir.Constant(ir.VectorType(i32, vector.count), [ir.Constant(i32, 0)] * vector.count)
    return builder.shuffle_vector(
        builder.insert_element(undefined, scalar, ir.Constant(i32, 0)), undefined, zeros
    )


def _row_bytes(builder: Any, array: Any, row: Any, column: Any) -> Any:
    """An ``i8*`` to byte ``column`` of row ``row`` of a numba array (``make_array``'s)."""
    start = builder.bitcast(array.data, ir.IntType(8).as_pointer())
    stride = builder.extract_value(array.strides, 0)
    return builder.gep(start, [builder.add(builder.mul(row, stride), column)])


def _streams_types(src: Any, weight: Any, out: Any) -> bool:
    """Whether :func:`_streamed_rows` runs on these numba array types: float rows, weights and
    output of one dtype."""
    return isinstance(out.dtype, types.Float) and src.dtype == weight.dtype == out.dtype


def _streams(src, weight, out):
    """:func:`_streams_types` in compiled code (a constant there)."""


@overload(_streams)
def _streams_typed(src, weight, out):
    answer = _streams_types(src, weight, out)
    return lambda src, weight, out: answer


def _streamed_rows(taps: int) -> Any:
    """An intrinsic ``stream(src, s, weight, r, out, o, x0, lines) -> sum``: ``out[o, x] = sum_k
    weight[r, k] * src[s + k, x]`` (``taps`` rows) for the ``lines`` 64-byte cache lines of
    row ``o`` from ``x0`` on (``out[o, x0]`` on a 64-byte boundary), stored non-temporally (whole
    lines, so the write-combining buffers fill: no read for ownership, nothing evicted);
    returns their sum (the finiteness check). The stores are weakly ordered: a
    :func:`_store_fence` must follow before another thread reads ``out``. LLVM IR because numba
    cannot mark a store non-temporal; the vectors are portable (32 bytes, lowered to whatever
    the CPU has). The row is an index, not a view (no reference counted per row)."""

    @intrinsic
    def stream(typingctx, src, s, weight, r, out, o, x0, lines):
        signature = types.float64(src, types.int64, weight, types.int64, out, *[types.int64] * 3)
        if not _streams_types(src, weight, out):
            # Never reached (:func:`_streams` is False for these types), but typed.
            return signature, lambda context, builder, sig, args: context.get_constant(
                types.float64, 0.0
            )
        value, item, vector = _float_vector(out.dtype)
        width = vector.count
        i32, i64 = ir.IntType(32), ir.IntType(64)

        def codegen(context, builder, sig, args):
            src_array = context.make_array(sig.args[0])(context, builder, args[0])
            weight_array = context.make_array(sig.args[2])(context, builder, args[2])
            out_array = context.make_array(sig.args[4])(context, builder, args[4])
            s_, r_, o_, x0_, lines_ = args[1], args[3], args[5], args[6], args[7]
            src_stride = builder.extract_value(src_array.strides, 0)
            column = builder.mul(x0_, ir.Constant(i64, item))
            row0 = _row_bytes(builder, src_array, s_, column)
            out0 = _row_bytes(builder, out_array, o_, column)
            weight_row = _row_bytes(builder, weight_array, r_, ir.Constant(i64, 0))
            weight_step = builder.extract_value(weight_array.strides, 1)
            weights = []
            for k in range(taps):
                at = builder.gep(weight_row, [builder.mul(ir.Constant(i64, k), weight_step)])
                w = builder.load(builder.bitcast(at, value.as_pointer()))
                weights.append(_splat(builder, vector, w))
            fma = _fmuladd(builder, vector, item)
            nontemporal = builder.module.add_metadata([ir.Constant(i32, 1)])
            zero = ir.Constant(vector, [ir.Constant(value, 0.0)] * width)

            def vector_at(pointer, offset):
                return builder.bitcast(builder.gep(pointer, [offset]), vector.as_pointer())

            before = builder.block
            loop = builder.append_basic_block("streamed_rows")
            after = builder.append_basic_block("streamed_rows_done")
            builder.cbranch(builder.icmp_signed(">", lines_, ir.Constant(i64, 0)), loop, after)
            builder.position_at_end(loop)
            line = builder.phi(i64)
            line.add_incoming(ir.Constant(i64, 0), before)
            total = builder.phi(vector)
            total.add_incoming(zero, before)
            halves = []
            for half in range(2):  # a 64-byte line: two 32-byte vectors
                start = builder.mul(line, ir.Constant(i64, 64))
                offset = builder.add(start, ir.Constant(i64, 32 * half))
                row, sum_ = row0, None
                for k in range(taps):
                    loaded = builder.load(vector_at(row, offset), align=item)
                    if sum_ is None:
                        sum_ = builder.fmul(weights[k], loaded)
                    else:
                        sum_ = builder.call(fma, [weights[k], loaded, sum_])
                    row = builder.gep(row, [src_stride])
                store = builder.store(sum_, vector_at(out0, offset), align=32)
                store.set_metadata("nontemporal", nontemporal)
                halves.append(sum_)
            # One add a line on the running total's chain (its latency bounds the loop).
            total_next = builder.fadd(total, builder.fadd(*halves))
            line_next = builder.add(line, ir.Constant(i64, 1))
            line.add_incoming(line_next, builder.block)
            total.add_incoming(total_next, builder.block)
            builder.cbranch(builder.icmp_signed("<", line_next, lines_), loop, after)
            builder.position_at_end(after)
            summed = builder.phi(vector)
            summed.add_incoming(zero, before)
            summed.add_incoming(total_next, loop)
            result = builder.extract_element(summed, ir.Constant(i32, 0))
            for lane in range(1, width):
                lane_value = builder.extract_element(summed, ir.Constant(i32, lane))
                result = builder.fadd(result, lane_value)
            return result if item == 8 else builder.fpext(result, ir.DoubleType())

        return signature, codegen

    return stream


_stream_two = _streamed_rows(2)
_stream_four = _streamed_rows(4)


@intrinsic
def _store_fence(typingctx):
    """Orders the non-temporal stores before it (:func:`_streamed_rows`) before every later
    store: ``sfence`` on x86, a full fence elsewhere."""

    def codegen(context, builder, signature, args):
        if _X86:
            sfence = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse.sfence"
            )
            builder.call(sfence, [])
        else:
            builder.fence("seq_cst")
        return context.get_dummy_value()

    return types.void(), codegen


@intrinsic
def _row_address(typingctx, out, o):
    """The address of ``out[o, 0]`` (a 2-D array), without a view of the row."""
    if not (isinstance(out, types.Array) and out.ndim == 2):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        start = builder.ptrtoint(array.data, ir.IntType(64))
        return builder.add(start, builder.mul(args[1], builder.extract_value(array.strides, 0)))

    return types.int64(out, types.int64), codegen


@njit(inline="always", fastmath=_FASTMATH)
def _taps_streamed(src, s, weight, r, out, o):
    """``out[o, :] = sum_k weight[r, k] * src[s + k]`` for 2 or 4 taps, the whole 64-byte lines
    of row ``o`` stored non-temporally (:func:`_streamed_rows`), the values before and after
    them plainly; returns the row's sum."""
    n, taps = out.shape[1], weight.shape[1]
    address = _row_address(out, o)
    head = n if address % out.itemsize else min(n, (-address % 64) // out.itemsize)
    line = 64 // out.itemsize
    lines = (n - head) // line
    total = _taps_plain(src, s, weight, r, out, o, 0, head)
    if taps == 2:
        total += _stream_two(src, s, weight, r, out, o, head, lines)
    else:
        total += _stream_four(src, s, weight, r, out, o, head, lines)
    return total + _taps_plain(src, s, weight, r, out, o, head + lines * line, n)


@njit(inline="always", fastmath=_FASTMATH)
def _taps_plain(src, s, weight, r, out, o, x0, x1):
    """``out[o, x] = sum_k weight[r, k] * src[s + k, x]`` for ``x0 <= x < x1`` (the few values
    :func:`_taps_streamed` stores plainly); returns their sum."""
    total = 0.0
    for x in range(x0, x1):
        value = weight[r, 0] * src[s, x]
        for k in range(1, weight.shape[1]):
            value += weight[r, k] * src[s + k, x]
        out[o, x] = value
        total += value
    return total


@njit(inline="always", fastmath=_FASTMATH)
def _few_taps_rounded(src, s, w, fixed, limit, out):
    """``out[:] = sum_k w[k] * src[s + k]`` for 2 or 4 taps, each value rounded as it is computed
    (:func:`_rounded`): no row of sums stored and read back (uint8 RGB x2 linear / cubic, both
    passes: 0.87x / 0.75x the time)."""
    half = w.dtype.type(0.5)
    w0, w1 = w[0], w[1]
    if w.shape[0] == 2:
        for x in range(out.shape[0]):
            out[x] = _rounded(w0 * src[s, x] + w1 * src[s + 1, x], fixed, limit, half)
        return
    w2, w3 = w[2], w[3]
    for x in range(out.shape[0]):
        value = w0 * src[s, x] + w1 * src[s + 1, x] + w2 * src[s + 2, x] + w3 * src[s + 3, x]
        out[x] = _rounded(value, fixed, limit, half)


@njit(cache=True)
def _sweep_rows(j, sweeps, taps):
    """The eight taps of sweep ``j`` of :func:`_rows`: ``b, b + e, ..., b + 7e``. Where all the
    taps run in two or more sweeps (``taps`` a multiple of 8), each sweep reads every
    ``sweeps``-th row (after one contiguous sweep if ``sweeps`` is odd), not eight adjacent
    rows: a downscale's rows new to each output (the last ones, read from DRAM) are spread over
    the sweeps, so the reads continue through all of them, and sweep ``j``'s rows are the ones
    before sweep ``j + 1``'s in memory, so the stream prefetcher running past the end of a row
    fetches the next sweep's. Measured on 2-D downscales (cubic /4, /8, lanczos3 /4, with the
    input in DRAM or in cache): 0.87-0.92x the time of contiguous sweeps (the vertical pass
    alone: 0.75-0.98x over rows of 256 to 2048 floats); an odd number of strided sweeps (every
    third row for lanczos3 /4) ran 1.02x slower."""
    if sweeps < 2 or taps % 8:
        return 8 * j, 1
    lead = sweeps % 2
    if j < lead:
        return 0, 1
    return 8 * lead + j - lead, sweeps - lead


@njit(cache=True)
def _store(value, fixed):
    """A float sum as it is (``fixed`` None); a fixed-point sum (``fixed`` True) as Pillow's
    ``clip8``: ``(sum + 2**21) >> 22`` clamped to ``[0, 255]``, computed as ``((sum >> 21) + 1)
    >> 1`` with the shift a constant: LLVM keeps that in int32 lanes, where the add before the
    shift (which may overflow int32) made it widen to int64, which AVX2 cannot shift
    arithmetically: scalar code, and uint8 RGB 2048^2 /4 Pillow-exact took 1.10x the time."""
    if fixed is None:
        return value
    v = ((value >> (PIL_PRECISION_BITS - 1)) + 1) >> 1
    return min(max(v, 0), 255)


# --- vertical pass: register-tiled strips (one-phase tables with six outputs live) ---------


def _live_rows_strip(vectors: int, lanes: int | None) -> Any:
    """An intrinsic ``strip(src, x0, r0, n, live, out, o0, ahead)``: the vertical pass of a
    one-phase periodic table on columns ``x0 .. x0 + vectors * lanes`` of the float rows
    ``src``: ``out[o0 + t] = sum_k weight[k] * src[r0 + step * t + k]`` for ``t < n`` (``n >=
    6``), ``live``: ``(step, 6)`` with ``live[i, a] = weight[step * a + i]`` (taps zero-padded
    to ``6 * step``). It reads each input row once and adds it into the six outputs whose
    windows hold it, their sums kept in vector registers (``6 * vectors`` of them), and
    prefetches one cache line a row, from byte ``ahead`` of ``src`` on (the caller points it at
    the rows the next strips need). ``lanes``: values per vector, ``None`` for 32 bytes of the
    dtype (AVX2); LLVM lowers the vectors to whatever the CPU has. Written as LLVM IR because
    numba's loops keep each sum in memory (``acc[:] += w * row[:]``): that reads every input
    row 24 times (lanczos3 /4) through L2, where this reads it once."""

    @intrinsic
    def strip(typingctx, src, x0, r0, n, live, out, o0, ahead):
        signature = types.void(src, *[types.int64] * 3, live, out, *[types.int64] * 2)
        if not isinstance(src.dtype, types.Float):
            # Integer data keeps _rows; the call is never reached but is typed.
            return signature, lambda context, builder, sig, args: context.get_dummy_value()
        value, item, vector = _float_vector(src.dtype, lanes)
        width = vector.count
        i32, i64, bytes_ptr = ir.IntType(32), ir.IntType(64), ir.IntType(8).as_pointer()

        def codegen(context, builder, sig, args):
            src_array = context.make_array(sig.args[0])(context, builder, args[0])
            live_array = context.make_array(sig.args[4])(context, builder, args[4])
            out_array = context.make_array(sig.args[5])(context, builder, args[5])
            x0_, r0_, n_, o0_, ahead_ = args[1], args[2], args[3], args[6], args[7]
            src_stride = builder.extract_value(src_array.strides, 0)
            out_stride = builder.extract_value(out_array.strides, 0)
            step = builder.extract_value(live_array.shape, 0)
            column = builder.mul(x0_, ir.Constant(i64, item))
            src_bytes = builder.bitcast(src_array.data, bytes_ptr)
            row0 = _row_bytes(builder, src_array, r0_, column)
            out0 = _row_bytes(builder, out_array, o0_, column)
            weights = builder.bitcast(live_array.data, value.as_pointer())
            fma = _fmuladd(builder, vector, item)
            prefetch = cgutils.get_or_insert_function(
                builder.module,
                ir.FunctionType(ir.VoidType(), [bytes_ptr, i32, i32, i32]),
                "llvm.prefetch.p0i8",
            )
            zero = ir.Constant(vector, [ir.Constant(value, 0.0)] * width)
            state = {"ahead": builder.gep(src_bytes, [ahead_])}

            def at(pointer, v):
                offset = ir.Constant(i64, v * width * item)
                return builder.bitcast(builder.gep(pointer, [offset]), vector.as_pointer())

            def wire(nodes, values, block):
                """Each phi node of ``nodes`` takes its value in ``values`` from ``block``."""
                for row_nodes, row_values in zip(nodes, values, strict=True):
                    for node, v in zip(row_nodes, row_values, strict=True):
                        node.add_incoming(v, block)

            def incoming(values, block):
                """Phi nodes for ``values`` (lists of vectors), entered from ``block``."""
                nodes = [[builder.phi(vector) for _ in row_values] for row_values in values]
                wire(nodes, values, block)
                return nodes

            def begin_loop(name, start, pointers):
                """A loop entered from the current block: its counter (from ``start``) and a
                pointer per one of ``pointers``, as phi nodes; the loop's body follows."""
                before = builder.block
                loop = builder.append_basic_block(name)
                after = builder.append_basic_block(f"{name}_done")
                builder.branch(loop)
                builder.position_at_end(loop)
                counter = builder.phi(i64)
                counter.add_incoming(ir.Constant(i64, start), before)
                nodes = [builder.phi(bytes_ptr) for _ in pointers]
                for node, value in zip(nodes, pointers, strict=True):
                    node.add_incoming(value, before)
                return before, (loop, after), counter, nodes

            def end_loop(blocks, counter, limit, nodes, values):
                """Closes :func:`begin_loop`'s loop: the counter and ``nodes`` take their next
                values (``values``) from the current block, which repeats while the counter
                is under ``limit``; the code after the loop follows."""
                latch = builder.block
                counter_next = builder.add(counter, ir.Constant(i64, 1))
                counter.add_incoming(counter_next, latch)
                for node, value in zip(nodes, values, strict=True):
                    node.add_incoming(value, latch)
                builder.cbranch(builder.icmp_signed("<", counter_next, limit), *blocks)
                builder.position_at_end(blocks[1])

            def rows_of_step(row, sums, oldest):
                """``step`` input rows from ``row`` on (tap ``step * a + i`` of an output
                ``a`` steps into its window), each added into ``sums``: the oldest output's
                first, ``oldest`` steps into its window."""
                before, blocks, i, (pointer, fetch) = begin_loop(
                    "live_rows", 0, (row, state["ahead"])
                )
                nodes = incoming(sums, before)
                one, locality = ir.Constant(i32, 1), ir.Constant(i32, 3)
                builder.call(prefetch, [fetch, ir.Constant(i32, 0), locality, one])
                loaded = [builder.load(at(pointer, v), align=item) for v in range(vectors)]
                first = builder.mul(i, ir.Constant(i64, _LIVE))
                added = []
                for q, row_nodes in enumerate(nodes):
                    a = ir.Constant(i64, oldest - q)
                    w = builder.load(builder.gep(weights, [builder.add(first, a)]))
                    w = _splat(builder, vector, w)
                    pairs = zip(loaded, row_nodes, strict=True)
                    added.append([builder.call(fma, [w, v, s]) for v, s in pairs])
                pointer_next = builder.gep(pointer, [src_stride])
                fetch_next = builder.gep(fetch, [ir.Constant(i64, 64)])
                wire(nodes, added, builder.block)
                end_loop(blocks, i, step, (pointer, fetch), (pointer_next, fetch_next))
                state["ahead"] = fetch_next
                return pointer_next, added

            def store(pointer, sums):
                for v in range(vectors):
                    builder.store(sums[v], at(pointer, v), align=item)

            # Outputs 0-4 take their first rows (rows before output 0's window are not read).
            row, sums = row0, []
            for j in range(_LIVE - 1):
                row, sums = rows_of_step(row, [*sums, [zero] * vectors], j)
            # Outputs 5 .. n-1 start, each as output t - 5 completes.
            pointers = (row, out0, state["ahead"])
            before, blocks, t, (pointer, target, fetch) = begin_loop(
                "live_outputs", _LIVE - 1, pointers
            )
            state["ahead"] = fetch
            nodes = incoming(sums, before)
            pointer_next, added = rows_of_step(pointer, [*nodes, [zero] * vectors], _LIVE - 1)
            store(target, added[0])
            target_next = builder.gep(target, [out_stride])
            wire(nodes, added[1:], builder.block)
            nexts = (pointer_next, target_next, state["ahead"])
            end_loop(blocks, t, n_, (pointer, target, fetch), nexts)
            # The last five outputs take their last rows.
            row, sums, target = pointer_next, added[1:], target_next
            while sums:
                row, sums = rows_of_step(row, sums, _LIVE - 1)
                store(target, sums[0])
                target = builder.gep(target, [out_stride])
                sums = sums[1:]
            return context.get_dummy_value()

        return signature, codegen

    return strip


_live_strip = _live_rows_strip(2, None)  # 64 bytes of each row: one cache line
_live_vector = _live_rows_strip(1, None)
_live_value = _live_rows_strip(1, 1)


@njit(cache=True, fastmath=_FASTMATH)
def _live_rows(src, r0, n, live, out, o0):
    """``out[o0 + t] = sum_k weight[k] * src[r0 + step * t + k]`` for ``t < n`` (``n >= 6``;
    ``live``: the weights as :func:`live_rows` lays them out), in groups of six outputs: for
    each, strips of 64 bytes of the rows (then one vector, then single values), each strip
    reading the eleven steps of rows the six windows span, and prefetching a line per row of
    the rows the next group reads first, so that they stream from DRAM while this group
    computes. Six outputs per group measured faster than 8 or 12 (more rows read twice, but
    the group's rows stay in L1 and L2 as the prefetches land)."""
    step, row = live.shape[0], src.shape[1]
    wide = 64 // src.itemsize
    walked = step * (2 * _LIVE - 1)
    line_rows = walked * 64
    g = 0
    while g < n:
        g = min(g, n - _LIVE)
        r = r0 + step * g
        ahead = (r + walked) * src.strides[0]
        x = 0
        while x + wide <= row:
            _live_strip(src, x, r, _LIVE, live, out, o0 + g, ahead)
            ahead += line_rows
            x += wide
        if x + wide // 2 <= row:
            _live_vector(src, x, r, _LIVE, live, out, o0 + g, ahead)
            x += wide // 2
        while x < row:
            _live_value(src, x, r, _LIVE, live, out, o0 + g, ahead)
            x += 1
        g += _LIVE


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
def _from_lanes(lanes, count, dst, q0, fixed):
    """``dst[r, q0 + i] = _store(lanes[i, r], fixed)`` for ``i < count``, eight rows at a
    time as in :func:`_to_lanes`."""
    n = dst.shape[0]
    for r in range(0, n - 7, 8):
        d0, d1, d2, d3 = dst[r], dst[r + 1], dst[r + 2], dst[r + 3]
        d4, d5, d6, d7 = dst[r + 4], dst[r + 5], dst[r + 6], dst[r + 7]
        for i in range(count):
            lane, q = lanes[i], q0 + i
            d0[q] = _store(lane[r], fixed)
            d1[q] = _store(lane[r + 1], fixed)
            d2[q] = _store(lane[r + 2], fixed)
            d3[q] = _store(lane[r + 3], fixed)
            d4[q] = _store(lane[r + 4], fixed)
            d5[q] = _store(lane[r + 5], fixed)
            d6[q] = _store(lane[r + 6], fixed)
            d7[q] = _store(lane[r + 7], fixed)
    for r in range(n - n % 8, n):
        row = dst[r]
        for i in range(count):
            row[q0 + i] = _store(lanes[i, r], fixed)


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal_gather(rows, start, weight, channels, fixed, dst, column):
    """``dst[r]``'s outputs from ``column`` on ``= `` the horizontal pass of ``rows[r]``
    (``channels`` interleaved), vectorized over the output values (with gathers): for a few
    taps, faster than transposing (1.6x at 2 taps on planar rows). Each value's first input and
    its weights are laid out once per call."""
    values, taps = start.shape[0] * channels, weight.shape[1]
    first = np.empty(values, np.int64)
    weight_t = np.empty((taps, values), weight.dtype)
    for j in range(start.shape[0]):
        for c in range(channels):
            first[j * channels + c] = start[j] * channels + c
            for k in range(taps):
                weight_t[k, j * channels + c] = weight[j, k]
    acc = np.empty(values, weight.dtype)
    for r in range(rows.shape[0]):
        row, w = rows[r], weight_t[0]
        for v in range(values):
            acc[v] = w[v] * row[first[v]]
        for k in range(1, taps):
            w, shift = weight_t[k], k * channels
            for v in range(values):
                acc[v] += w[v] * row[first[v] + shift]
        out = dst[r, column * channels :]
        for v in range(values):
            out[v] = _store(acc[v], fixed)


@njit(cache=True, fastmath=_FASTMATH)
def _deinterleave(row, factor, sub):
    """``sub[d, i] = row[factor * i + d]`` (``factor`` divides the row), converted to ``sub``'s
    dtype. A constant factor lets LLVM vectorize the strided reads (an interleaved access
    group: shuffles)."""
    n = row.shape[0] // factor
    if factor == 1:
        s0 = sub[0]
        for i in range(n):
            s0[i] = row[i]
    elif factor == 2:
        s0, s1 = sub[0], sub[1]
        for i in range(n):
            s0[i] = row[2 * i]
            s1[i] = row[2 * i + 1]
    elif factor == 3:
        s0, s1, s2 = sub[0], sub[1], sub[2]
        for i in range(n):
            s0[i] = row[3 * i]
            s1[i] = row[3 * i + 1]
            s2[i] = row[3 * i + 2]
    elif factor == 4:
        s0, s1, s2, s3 = sub[0], sub[1], sub[2], sub[3]
        for i in range(n):
            s0[i] = row[4 * i]
            s1[i] = row[4 * i + 1]
            s2[i] = row[4 * i + 2]
            s3[i] = row[4 * i + 3]
    elif factor == 8:
        s0, s1, s2, s3 = sub[0], sub[1], sub[2], sub[3]
        s4, s5, s6, s7 = sub[4], sub[5], sub[6], sub[7]
        for i in range(n):
            s0[i] = row[8 * i]
            s1[i] = row[8 * i + 1]
            s2[i] = row[8 * i + 2]
            s3[i] = row[8 * i + 3]
            s4[i] = row[8 * i + 4]
            s5[i] = row[8 * i + 5]
            s6[i] = row[8 * i + 6]
            s7[i] = row[8 * i + 7]
    else:
        for d in range(factor):
            s0 = sub[d]
            for i in range(n):
                s0[i] = row[factor * i + d]


@njit(cache=True, fastmath=_FASTMATH)
def _phase_taps(sub, which, offset, weight, acc):
    """``acc[:] = sum_t weight[t] * sub[which[t], offset[t]:][:n]``: four taps per sweep of
    ``acc``."""
    taps, n = weight.shape[0], acc.shape[0]
    t = 0
    while t + 4 <= taps:
        w0, w1, w2, w3 = weight[t], weight[t + 1], weight[t + 2], weight[t + 3]
        r0 = sub[which[t], offset[t] : offset[t] + n]
        r1 = sub[which[t + 1], offset[t + 1] : offset[t + 1] + n]
        r2 = sub[which[t + 2], offset[t + 2] : offset[t + 2] + n]
        r3 = sub[which[t + 3], offset[t + 3] : offset[t + 3] + n]
        if t == 0:
            for x in range(n):
                acc[x] = w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
        else:
            for x in range(n):
                acc[x] += w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
        t += 4
    while t < taps:
        w0, r0 = weight[t], sub[which[t], offset[t] : offset[t] + n]
        if t == 0:
            for x in range(n):
                acc[x] = w0 * r0[x]
        else:
            for x in range(n):
                acc[x] += w0 * r0[x]
        t += 1


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal_phases(rows, start, weight, channels, poly, chunk, buffers, fixed, dst):
    """The horizontal pass of a periodic table along the rows themselves, no transposes: each
    row is deinterleaved by ``step`` so that every tap of every phase reads a contiguous slice,
    the phases run as :func:`_rows` does, and their outputs are interleaved into ``dst``
    (:func:`_interleave_pixels`). Pixels stay whole where :func:`_whole_pixels` says so
    (``sub[d, i * C + c]`` = pixel ``step * i + d``'s channel ``c``; the taps' offsets times
    ``C``: all channels in one loop): at unit step (integer upscales) the taps read the rows in
    place, and 4-byte pixels (uint8 RGBA) are deinterleaved as uint32 values. Other pixels of
    several channels are split into one row per channel (``planes``), each deinterleaved by the
    step (``sub[c * step + d, i]``): two vectorized passes, where one by ``step * channels``
    ran scalar (3x slower on RGB), and moving 3-byte pixels whole by byte shuffles was no faster
    (uint8 RGB /4 Pillow-exact 0.99x, /3 1.09x). A group of rows is deinterleaved side by side
    (``span`` pixels each) and its phases run in one sweep: long loops (one row's outputs are
    too few); the columns between the rows' interiors compute values that are dropped. The
    outputs near the borders (not periodic) come last, for all the rows at once, from
    :func:`_horizontal` (rows as lanes: resizes in 0.93-0.98x the time of a window per row and
    output, row by row). Pillow's uint8 taps of one phase at step 4 (/4 of gray or RGB) skip
    the deinterleave by the step: :func:`_byte_taps` reads each plane's samples as the bytes of
    uint32 words. ``buffers``: :func:`_buffers`."""
    info, which, offset, p_weight = poly
    phases, step, count = info[0], info[1], info[3]
    planes, sub, phase_out, lanes, out_lanes, _ = buffers
    lo, hi = _interior(info)
    span = rows.shape[1] // (step * channels)  # the step divides the width (in / gcd(in, out))
    group = _group_rows(rows.shape[1], rows.itemsize)
    whole = _whole_pixels(poly, channels, rows.itemsize)
    offsets = offset * channels  # whole pixels: in values, each pixel's channels side by side
    fused = channels == 1 and _two_phases_apply(poly)
    in_words = fixed is not None and _samples_in_words(poly, channels, rows.itemsize)
    first = 4 * offset[0, 0] + which[0, 0]  # in_words: the first tap's sample in its plane
    word_weight, lead = _word_weights(p_weight[0], in_words)
    digits = np.empty((word_weight.shape[0], 3), np.uint32)
    _tap_digits(p_weight[0], digits)
    by_digits = in_words and _VNNI and _fits_digits(word_weight)
    for r0 in range(0, rows.shape[0], group):
        r1 = min(r0 + group, rows.shape[0])
        values = rows[r0:r1].reshape(-1)  # the rows as one: long loops
        total = (r1 - r0 - 1) * span + count
        # Row r's interior lands at r * width_out + lo: the group's interiors are written as one
        # (the values between them fall on the border outputs, computed last).
        interiors = dst[r0:r1].reshape(-1)[lo * channels :]
        if fused:
            _two_phases(values, offset, p_weight, total, fixed, interiors)
            continue
        if in_words:
            if channels > 1:
                _deinterleave(values, channels, planes)
            samples = values.reshape(1, -1) if channels == 1 else planes
            if by_digits:
                _digit_taps(
                    samples, first, word_weight, digits, lead, total, phase_out, fixed, interiors
                )
            else:
                _byte_taps(samples, first, word_weight, lead, total, phase_out, fixed, interiors)
            continue
        if not whole:
            _deinterleave(values, channels, planes)
            for c in range(channels):
                _deinterleave(
                    planes[c, : values.shape[0] // channels], step, sub[c * step : (c + 1) * step]
                )
            for e in range(phases * channels):
                j, c = e // channels, e % channels
                _phase_taps(
                    sub[c * step : (c + 1) * step],
                    which[j],
                    offset[j],
                    p_weight[j],
                    phase_out[e, :total],
                )
            _interleave_pixels(phase_out, total, 1, fixed, interiors)
            continue
        if step == 1:  # the taps read the rows in place
            pixels = values.reshape(1, -1)
        else:
            pixels = sub.reshape(step, -1)
            if channels == 1:
                _deinterleave(values, step, pixels)
            else:  # 4-byte pixels
                _deinterleave(values.view(np.uint32), step, pixels.view(np.uint32))
        n = total * channels
        if fixed is None and phases == 1:  # one phase: float sums straight into the output
            _phase_taps(pixels, which[0], offsets[0], p_weight[0], interiors[:n])
            continue
        sums = phase_out.reshape(phases, -1)
        for j in range(phases):
            _phase_taps(pixels, which[j], offsets[j], p_weight[j], sums[j, :n])
        _interleave_pixels(sums, total, channels, fixed, interiors)
    # The border outputs of all the rows at once, rows as lanes (vectorized, few calls); dst
    # whole, with a column offset: a sliced dst is another compiled variant (+2 s to compile).
    if lo > 0:
        _horizontal(rows, start[:lo], weight[:lo], channels, chunk, lanes, out_lanes, fixed, dst, 0)
    if hi < start.shape[0]:
        _horizontal(
            rows, start[hi:], weight[hi:], channels, chunk, lanes, out_lanes, fixed, dst, hi
        )


@njit(cache=True)
def _samples_in_words(poly, channels, itemsize):
    """Whether :func:`_horizontal_phases` runs :func:`_byte_taps`: one phase at step 4 (integer
    downscales by 4) of more than 4 consecutive taps on 1-byte samples, one or three channels,
    little-endian."""
    info, which, offset = poly[0], poly[1], poly[2]
    if not (_LITTLE_ENDIAN and itemsize == 1 and info[0] == 1 and info[1] == 4):
        return False
    if channels not in (1, 3) or which.shape[1] <= 4:
        return False
    return bool(np.all(np.diff(4 * offset[0] + which[0]) == 1))


@njit(inline="always")
def _byte_sum(word, w0, w1, w2, w3):
    """``w0 * b0 + w1 * b1 + w2 * b2 + w3 * b3`` of the bytes of a uint32 ``word`` (``b0`` at
    the lowest address: little-endian), each an int32."""
    m = np.uint32(255)
    return (w0 * np.int32(word & m) + w1 * np.int32((word >> 8) & m)) + (
        w2 * np.int32((word >> 16) & m) + w3 * np.int32(word >> 24)
    )


@njit(cache=True)
def _word_weights(weight, wanted):
    """One phase's taps as :func:`_byte_taps` reads them, four per word: ``(words, 4)``, the last
    word's leading weights zero where the taps are not a multiple of 4 (that word ends at the
    last tap, ``lead`` samples before where it would start); none where not ``wanted``."""
    if not wanted:
        return np.zeros((0, 4), weight.dtype), 0
    taps = weight.shape[0]
    words = -(-taps // 4)
    lead = 4 * words - taps
    padded = np.zeros((words, 4), weight.dtype)
    padded.reshape(-1)[: 4 * (words - 1)] = weight[: 4 * (words - 1)]
    padded[words - 1, lead:] = weight[4 * (words - 1) :]
    return padded, lead


@njit(cache=True, fastmath=_FASTMATH)
def _byte_taps(planes, first, weight, lead, count, acc, fixed, out):
    """``out[x * C + c] = _store(sum_t w[t] * planes[c, first + 4 * x + t], fixed)`` for ``x <
    count`` (``C`` uint8 planes, 1 or 3; ``weight``, ``lead``: the integer taps ``w`` from
    :func:`_word_weights`): one phase at step 4 without a deinterleave. Output ``x``'s taps
    ``4m .. 4m + 3`` are the bytes of word ``x`` of the plane seen as uint32 from ``first + 4m``
    on (unaligned: a view per sweep), taken apart by shifts in the tap loop; a last partial
    word is read ending at the last tap, never past it. Channels are summed into ``acc`` rows a
    word at a time; the last word's sweep stores all of them, interleaved. uint8 RGB 2048^2 /4
    Pillow-exact: the deinterleave by 4, the taps and the interleave took 4.1-4.7 ms, this
    2.9-3.1."""
    words, channels = weight.shape[0], planes.shape[0]
    for m in range(words):
        w0, w1, w2, w3 = weight[m, 0], weight[m, 1], weight[m, 2], weight[m, 3]
        base = first + 4 * m - (lead if m == words - 1 else 0)
        if m < words - 1:
            for c in range(channels):
                values, row = planes[c, base : base + 4 * count].view(np.uint32), acc[c]
                if m == 0:
                    for x in range(count):
                        row[x] = _byte_sum(values[x], w0, w1, w2, w3)
                else:
                    for x in range(count):
                        row[x] += _byte_sum(values[x], w0, w1, w2, w3)
        elif channels == 1:
            values, a0 = planes[0, base : base + 4 * count].view(np.uint32), acc[0]
            for x in range(count):
                out[x] = _store(np.int32(a0[x] + _byte_sum(values[x], w0, w1, w2, w3)), fixed)
        else:
            r = planes[0, base : base + 4 * count].view(np.uint32)
            g = planes[1, base : base + 4 * count].view(np.uint32)
            b = planes[2, base : base + 4 * count].view(np.uint32)
            a0, a1, a2 = acc[0], acc[1], acc[2]
            for x in range(count):
                out[3 * x] = _store(np.int32(a0[x] + _byte_sum(r[x], w0, w1, w2, w3)), fixed)
                out[3 * x + 1] = _store(np.int32(a1[x] + _byte_sum(g[x], w0, w1, w2, w3)), fixed)
                out[3 * x + 2] = _store(np.int32(a2[x] + _byte_sum(b[x], w0, w1, w2, w3)), fixed)


@njit(cache=True)
def _fits_digits(weight):
    """Whether every weight has three signed base-256 digits (:func:`_tap_digits`): ``|w| <=
    2**23 - 2**15 - 129``, about twice a normalized weight of 1 in Pillow's 22 bits (a custom
    kernel's larger ones take the 32-bit multiplies)."""
    return np.abs(weight).max() <= (1 << 23) - (1 << 15) - 129


@njit(cache=True)
def _tap_digits(weight, digits):
    """``digits[:] = `` the taps ``weight`` as :func:`_digit_blocks` reads them, four to a
    word (``(words, 3)`` uint32; nothing where ``words`` is 0): each weight ``w`` as signed
    base-256 digits, ``w = d0 + 256 * d1 + 65536 * d2`` with each ``d`` in ``[-128, 127]``
    (where :func:`_fits_digits`; Pillow's are at most ``2**22``), digit ``k`` of a word's four taps
    packed as the bytes of ``digits[m, k]``; the last word ends at the last tap (its first
    ``4 * words - taps`` digits zero), as :func:`_word_weights` lays them out."""
    words, taps = digits.shape[0], weight.shape[0]
    digits[:] = 0
    if words == 0:
        return
    lead = 4 * words - taps
    for t in range(taps):
        at = t if t < 4 * (words - 1) else t + lead
        rest = np.int64(weight[t])
        for k in range(3):
            digit = ((rest + 128) & 255) - 128
            digits[at // 4, k] |= np.uint32((digit & 255) << (8 * (at % 4)))
            rest = (rest - digit) >> 8


def _digit_blocks(
    builder: Any,
    blocks: Any,
    words: Any,
    lead: Any,
    weights: Any,
    load: Any,
    place: Any,
    order: list[int] | None,
) -> None:
    """Emits ``clip8(sum_t w[t] * sample(t, x))`` (:func:`_store`'s rounding) for ``blocks``
    blocks of 32 outputs, uint8, by ``vpdpbusd``: it multiplies the four bytes of a uint32 word
    by four signed bytes and adds the four products to an int32 lane. ``load(block, m, back)``
    gives a block's outputs' samples of taps ``4m - back .. 4m - back + 3``, a word each, in
    four vectors of eight (``back`` is ``lead`` for the last word, which ends at the last tap,
    else 0); ``weights(block, m)`` the three digit vectors (:func:`_tap_digits`) of each;
    ``place(block)`` the ``i8*`` where its 32 outputs go; ``order``: how the packs at the end
    put the outputs in place. Each word's three digit products are three instructions for eight
    outputs, summed as ``s0 + ((s1 + (s2 << 8)) << 8)`` once per block: exact (int32, no
    overflow: Pillow's sums stay below ``2**31``). Four vectors per block: each ``vpdpbusd``
    adds to its sum (5 cycles' latency), and one vector's 15 in a row waited on each other."""
    i32, i64 = ir.IntType(32), ir.IntType(64)
    vector = ir.VectorType(i32, _DIGIT_LANES)

    def constant(value):
        return ir.Constant(i64, value)

    def lanes(value):
        return ir.Constant(vector, [ir.Constant(i32, value)] * _DIGIT_LANES)

    last = builder.sub(words, constant(1))
    zero, one, eight = lanes(0), lanes(1), lanes(8)
    bits = lanes(PIL_PRECISION_BITS - 1)
    kind = ir.FunctionType(vector, [vector] * 3)
    dot = cgutils.get_or_insert_function(builder.module, kind, "llvm.x86.avx512.vpdpbusd.256")
    before = builder.block
    block_loop = builder.append_basic_block("digit_blocks")
    word_loop = builder.append_basic_block("digit_words")
    block_end = builder.append_basic_block("digit_block_end")
    done = builder.append_basic_block("digit_done")
    builder.cbranch(builder.icmp_signed(">", blocks, constant(0)), block_loop, done)
    builder.position_at_end(block_loop)
    block = builder.phi(i64)
    block.add_incoming(constant(0), before)
    builder.branch(word_loop)
    builder.position_at_end(word_loop)
    m = builder.phi(i64)
    m.add_incoming(constant(0), block_loop)
    sums = [[builder.phi(vector) for _ in range(3)] for _ in range(_DIGIT_VECTORS)]
    for sum_ in (s for vector_sums in sums for s in vector_sums):
        sum_.add_incoming(zero, block_loop)
    back = builder.select(builder.icmp_signed("==", m, last), lead, constant(0))
    digits = weights(block, m)
    loaded = load(block, m, back)
    sums_next = [
        [builder.call(dot, [sums[v][k], loaded[v], digits[v][k]]) for k in range(3)]
        for v in range(_DIGIT_VECTORS)
    ]
    m_next = builder.add(m, constant(1))
    m.add_incoming(m_next, word_loop)
    for v in range(_DIGIT_VECTORS):
        for k in range(3):
            sums[v][k].add_incoming(sums_next[v][k], word_loop)
    builder.cbranch(builder.icmp_signed("<", m_next, words), word_loop, block_end)
    builder.position_at_end(block_end)
    rounded = []
    for v in range(_DIGIT_VECTORS):
        s0, s1, s2 = sums_next[v]
        total = builder.add(s0, builder.shl(builder.add(s1, builder.shl(s2, eight)), eight))
        rounded.append(builder.ashr(builder.add(builder.ashr(total, bits), one), one))
    # Clamped to [0, 255] by the saturating packs (int32 -> int16 -> uint8), which work within
    # 16-byte halves: vectors v0..v3 come out as 4-byte groups v0 0-3, v1 0-3, v2 0-3, v3 0-3,
    # v0 4-7, v1 4-7, v2 4-7, v3 4-7; ``order`` (where given) puts those groups in place.
    short = ir.VectorType(ir.IntType(16), 2 * _DIGIT_LANES)
    pixels = ir.VectorType(ir.IntType(8), _DIGIT_BLOCK)
    to_short = ir.FunctionType(short, [vector, vector])
    to_pixels = ir.FunctionType(pixels, [short, short])
    packs = cgutils.get_or_insert_function(builder.module, to_short, "llvm.x86.avx2.packssdw")
    packus = cgutils.get_or_insert_function(builder.module, to_pixels, "llvm.x86.avx2.packuswb")
    halves = [builder.call(packs, rounded[v : v + 2]) for v in (0, 2)]
    packed = builder.call(packus, halves)
    if order is not None:
        groups = builder.bitcast(packed, vector)
        mask = ir.Constant(vector, [ir.Constant(i32, g) for g in order])
        packed = builder.bitcast(builder.shuffle_vector(groups, groups, mask), pixels)
    builder.store(packed, builder.bitcast(place(block), pixels.as_pointer()), align=1)
    block_next = builder.add(block, constant(1))
    block.add_incoming(block_next, block_end)
    builder.cbranch(builder.icmp_signed("<", block_next, blocks), block_loop, done)
    builder.position_at_end(done)


def _array_args(context: Any, builder: Any, signature: Any, args: Any) -> list[Any]:
    """An intrinsic's array arguments as numba's array structures (``data``, ``shape``,
    ``strides``), in order."""
    return [
        context.make_array(kind)(context, builder, value)
        for kind, value in zip(signature.args, args, strict=True)
        if isinstance(kind, types.Array)
    ]


def _shared_blocks(
    builder: Any, digits: Any, row: Any, blocks: Any, lead: Any, load: Any, dst: Any, order: Any
) -> None:
    """:func:`_digit_blocks` where every output has the same taps, row ``row`` of the numba
    array ``digits`` (``(..., words, 3)``, :func:`_tap_digits`: word ``m``'s three digits in
    every lane), and block ``b``'s outputs go to ``i8* dst`` from ``32 * b`` on."""
    i64 = ir.IntType(64)
    vector = ir.VectorType(ir.IntType(32), _DIGIT_LANES)
    first = builder.bitcast(digits.data, ir.IntType(8).as_pointer())
    step = builder.extract_value(digits.strides, 0)
    at_row = builder.gep(first, [builder.mul(row, step)])
    digit = builder.bitcast(at_row, vector.element.as_pointer())
    words = builder.extract_value(digits.shape, digits.shape.type.count - 2)

    def weights(block, m):
        shared = []
        for k in range(3):
            at = builder.add(builder.mul(m, ir.Constant(i64, 3)), ir.Constant(i64, k))
            shared.append(_splat(builder, vector, builder.load(builder.gep(digit, [at]))))
        return [shared] * _DIGIT_VECTORS

    def place(block):
        return builder.gep(dst, [builder.mul(block, ir.Constant(i64, _DIGIT_BLOCK))])

    _digit_blocks(builder, blocks, words, lead, weights, load, place, order)


def _interleave_mask(count: int) -> Any:
    """A shuffle mask that interleaves two vectors of ``count`` lanes: ``a0 b0 a1 b1 ...``."""
    i32 = ir.IntType(32)
    lanes = [ir.Constant(i32, j // 2 + (j % 2) * count) for j in range(2 * count)]
    return ir.Constant(ir.VectorType(i32, 2 * count), lanes)


@intrinsic
def _digit_pixels(typingctx, planes, c, first, digits, lead, x0, blocks, out):
    """``out[c, x] = clip8(sum_t w[t] * planes[c, first + 4 * x + t])`` for ``x0 <= x < x0 +
    32 * blocks`` (uint8; ``digits``: the taps as :func:`_tap_digits`): :func:`_byte_taps`'
    sums by :func:`_digit_blocks`, output ``x``'s taps ``4m .. 4m + 3`` the bytes of word ``x``
    of the plane read from ``first + 4m`` on. LLVM IR because numba has no such instruction;
    compiled only where :data:`_VNNI` (never called elsewhere). uint8 RGB 2048^2 /4
    Pillow-exact, the taps alone: 0.36 ns per output (int32 sums stored), :func:`_byte_taps`
    (shifts and 32-bit multiplies) 1.24."""
    integers = (types.int64,) * 3
    signature = types.void(planes, types.int64, types.int64, digits, *integers, out)

    def codegen(context, builder, sig, args):
        if not _VNNI:
            return context.get_dummy_value()
        planes_array, digits_array, out_array = _array_args(context, builder, sig, args)
        c_, first_, lead_, x0_, blocks_ = args[1], args[2], args[4], args[5], args[6]
        i64 = ir.IntType(64)
        vector = ir.VectorType(ir.IntType(32), _DIGIT_LANES)
        first_sample = builder.add(first_, builder.mul(x0_, ir.Constant(i64, 4)))
        src = _row_bytes(builder, planes_array, c_, first_sample)

        def load(block, m, back):
            at = builder.sub(builder.mul(m, ir.Constant(i64, 4)), back)
            at = builder.add(at, builder.mul(block, ir.Constant(i64, 4 * _DIGIT_BLOCK)))
            vectors = []
            for v in range(_DIGIT_VECTORS):
                word_at = builder.gep(src, [builder.add(at, ir.Constant(i64, 32 * v))])
                word_vector = builder.bitcast(word_at, vector.as_pointer())
                vectors.append(builder.load(word_vector, align=1))
            return vectors

        dst = _row_bytes(builder, out_array, c_, x0_)
        zero = ir.Constant(i64, 0)
        _shared_blocks(builder, digits_array, zero, blocks_, lead_, load, dst, _IN_ORDER)
        return context.get_dummy_value()

    return signature, codegen


@intrinsic
def _digit_rows(typingctx, src, s, digits, r, lead, x0, blocks, out):
    """``out[r, x] = clip8(sum_t w[t] * src[s + t, x])`` for ``x0 <= x < x0 + 32 * blocks``
    (uint8; ``digits[r]``: the taps as :func:`_tap_digits`, at least 4): the vertical pass of
    Pillow's path by :func:`_digit_blocks`, each word's four rows' 32 bytes transposed into
    words (byte and word interleaves). Compiled only where :data:`_VNNI`."""
    integers = (types.int64,) * 3
    signature = types.void(src, types.int64, digits, types.int64, *integers, out)

    def codegen(context, builder, sig, args):
        if not _VNNI:
            return context.get_dummy_value()
        src_array, digits_array, out_array = _array_args(context, builder, sig, args)
        s_, r_, lead_, x0_, blocks_ = args[1], args[3], args[4], args[5], args[6]
        i32, i64 = ir.IntType(32), ir.IntType(64)
        stride = builder.extract_value(src_array.strides, 0)
        top = _row_bytes(builder, src_array, s_, x0_)
        row_bytes = ir.VectorType(ir.IntType(8), _DIGIT_BLOCK)
        pair_kind = ir.VectorType(ir.IntType(16), 2 * _DIGIT_LANES)
        word_kind = ir.VectorType(i32, _DIGIT_LANES)

        def unpack(a, b, count, high):
            """x86's ``unpack{lo,hi}``: the low (high) halves of each 16-byte half of ``a`` and
            ``b`` (``count`` lanes) interleaved."""
            lanes, step = count // 2, count // 4
            mask = [
                half * lanes + j // 2 + (j % 2) * count + (step if high else 0)
                for half in range(2)
                for j in range(lanes)
            ]
            lanes_mask = ir.Constant(ir.VectorType(i32, count), [ir.Constant(i32, k) for k in mask])
            return builder.shuffle_vector(a, b, lanes_mask)

        def load(block, m, back):
            row = builder.sub(builder.mul(m, ir.Constant(i64, 4)), back)
            column = builder.mul(block, ir.Constant(i64, _DIGIT_BLOCK))
            at = builder.gep(top, [builder.add(builder.mul(row, stride), column)])
            rows = []
            for k in range(4):
                row_at = builder.gep(at, [builder.mul(stride, ir.Constant(i64, k))])
                rows.append(builder.load(builder.bitcast(row_at, row_bytes.as_pointer()), align=1))
            # Each column's four bytes by byte and word unpacks (one instruction each, within
            # 16-byte halves: the vectors hold columns 0-3 and 16-19, 4-7 and 20-23, 8-11 and
            # 24-27, 12-15 and 28-31, which the packs at the end put back in order). Lane
            # crossing shuffles (vpermt2b / vpermt2w) ran as slow as the 32-bit multiplies.
            vectors = []
            for high in (False, True):
                pairs = [
                    builder.bitcast(unpack(rows[k], rows[k + 1], _DIGIT_BLOCK, high), pair_kind)
                    for k in (0, 2)
                ]
                for high_words in (False, True):
                    words = unpack(pairs[0], pairs[1], 2 * _DIGIT_LANES, high_words)
                    vectors.append(builder.bitcast(words, word_kind))
            return vectors

        dst = _row_bytes(builder, out_array, r_, x0_)
        _shared_blocks(builder, digits_array, r_, blocks_, lead_, load, dst, None)
        return context.get_dummy_value()

    return signature, codegen


@njit(cache=True)
def _window_tables(h_start, h_weight, width, poly, channels, fixed):
    """The horizontal pass by :func:`_window_pixels` (Pillow's uint8 windows of more than 4
    taps, where :data:`_VBMI`, rows of at least ``taps + 60`` pixels and 32 outputs, and where
    each eight outputs' windows start within 60 bytes: downscales by up to ~8, any factor; not
    the /4 that :func:`_byte_taps` reads as words): per block of 32 outputs (the last one
    overlapping the one before) its first output, and per eight of them the first sample of
    the 64 bytes that hold their windows' first words (``bases``; the later words' 64 bytes
    follow 4 samples on), the byte of those 64 that starts each output's four taps
    (``index``), and their weights' digits (``digits[block, m, k, v, lane]``:
    :func:`_tap_digits`); with the samples of one row per channel and the outputs of one
    row per channel; all empty where it does not apply."""
    n, taps = h_weight.shape
    words = -(-taps // 4)
    lead = 4 * words - taps
    blocks = -(-n // _DIGIT_BLOCK)
    applies = (
        _VBMI
        and fixed is not None
        and taps > 4
        and n >= _DIGIT_BLOCK
        and _fits_digits(h_weight)
        and width >= taps + 60
        and not (poly[0][3] > 0 and _samples_in_words(poly, channels, 1))
    )
    for x in range(n - 7 if applies else 0):
        low, high = _span_of(h_start, x)
        if high - min(low, width - taps - 60) > 60:
            applies = False
            break
    if not applies:
        blocks = 0
    firsts = np.empty(blocks, np.int64)
    bases = np.empty((blocks, _DIGIT_VECTORS), np.int64)
    index = np.empty((blocks, _DIGIT_VECTORS, _DIGIT_BLOCK), np.uint8)
    digits = np.empty((blocks, words, 3, _DIGIT_VECTORS, _DIGIT_LANES), np.uint32)
    one = np.empty((words, 3), np.uint32)
    for b in range(blocks):
        firsts[b] = min(b * _DIGIT_BLOCK, n - _DIGIT_BLOCK)
        for v in range(_DIGIT_VECTORS):
            x = firsts[b] + v * _DIGIT_LANES
            # The last word's 64 bytes end inside the row.
            base = min(_span_of(h_start, x)[0], width - taps - 60)
            bases[b, v] = base
            for lane in range(_DIGIT_LANES):
                for j in range(4):
                    index[b, v, 4 * lane + j] = h_start[x + lane] - base + j
                _tap_digits(h_weight[x + lane], one)
                for m in range(words):
                    for k in range(3):
                        digits[b, m, k, v, lane] = one[m, k]
    planes = np.empty((channels if blocks > 0 and channels > 1 else 0, width), np.uint8)
    pixels = np.empty((channels if blocks > 0 and channels > 1 else 0, n), np.uint8)
    return firsts, bases, index, digits, lead, planes, pixels


@njit(cache=True, inline="always")
def _span_of(start, x):
    """The first and last window start of the eight outputs from ``x`` on."""
    low = high = start[x]
    for lane in range(1, _DIGIT_LANES):
        low, high = min(low, start[x + lane]), max(high, start[x + lane])
    return low, high


@intrinsic
def _window_pixels(typingctx, planes, c, firsts, bases, index, digits, lead, out, o):
    """``out[o, x] = clip8(sum_t w_x[t] * planes[c, start_x + t])`` for all the outputs ``x``
    of a row, uint8, each with a window of its own (:func:`_window_tables`: ``firsts``,
    ``bases``, ``index``, ``digits``, ``lead``) by :func:`_digit_blocks`: eight outputs' words
    of four taps picked out of 64 bytes by one ``vpermi2b``, their own weights' digits in the
    lanes. Compiled only where :data:`_VBMI`."""
    integer = types.int64
    signature = types.void(planes, integer, firsts, bases, index, digits, integer, out, integer)

    def codegen(context, builder, sig, args):
        if not _VBMI:
            return context.get_dummy_value()
        c_, lead_, o_ = args[1], args[6], args[8]
        arrays = _array_args(context, builder, sig, args)
        plane_array, firsts_array, bases_array, index_array, digits_array, out_array = arrays
        i8, i32, i64 = ir.IntType(8), ir.IntType(32), ir.IntType(64)
        window = ir.VectorType(i8, _DIGIT_BLOCK)
        pointer = window.as_pointer()
        vector = ir.VectorType(i32, _DIGIT_LANES)
        kind = ir.FunctionType(window, [window] * 3)
        permute = cgutils.get_or_insert_function(
            builder.module, kind, "llvm.x86.avx512.vpermi2var.qi.256"
        )
        row = _row_bytes(builder, plane_array, c_, ir.Constant(i64, 0))
        out_row = _row_bytes(builder, out_array, o_, ir.Constant(i64, 0))
        firsts_at = builder.bitcast(firsts_array.data, i64.as_pointer())
        bases_at = builder.bitcast(bases_array.data, i64.as_pointer())
        index_at = builder.bitcast(index_array.data, window.as_pointer())
        digits_at = builder.bitcast(digits_array.data, vector.as_pointer())
        words = builder.extract_value(digits_array.shape, 1)
        blocks = builder.extract_value(firsts_array.shape, 0)

        def constant(value):
            return ir.Constant(i64, value)

        def load(block, m, back):
            vectors = []
            for v in range(_DIGIT_VECTORS):
                at = builder.add(builder.mul(block, constant(_DIGIT_VECTORS)), constant(v))
                base = builder.load(builder.gep(bases_at, [at]))
                start = builder.add(base, builder.sub(builder.mul(m, constant(4)), back))
                halves = [
                    builder.bitcast(builder.gep(row, [builder.add(start, constant(h))]), pointer)
                    for h in (0, 32)
                ]
                low, high = (builder.load(half, align=1) for half in halves)
                picks = builder.load(builder.gep(index_at, [at]))
                taps = builder.call(permute, [low, picks, high])
                vectors.append(builder.bitcast(taps, vector))
            return vectors

        def weights(block, m):
            row_of = builder.add(builder.mul(block, words), m)
            per_vector = [[None] * 3 for _ in range(_DIGIT_VECTORS)]
            for k in range(3):
                digit_row = builder.add(builder.mul(row_of, constant(3)), constant(k))
                for v in range(_DIGIT_VECTORS):
                    at = builder.add(builder.mul(digit_row, constant(_DIGIT_VECTORS)), constant(v))
                    per_vector[v][k] = builder.load(builder.gep(digits_at, [at]))
            return per_vector

        def place(block):
            return builder.gep(out_row, [builder.load(builder.gep(firsts_at, [block]))])

        _digit_blocks(builder, blocks, words, lead_, weights, load, place, _IN_ORDER)
        return context.get_dummy_value()

    return signature, codegen


@njit(cache=True)
def _windowed(rows, windows, channels, dst):
    """``dst[r] = `` the horizontal pass of ``rows[r]`` (channels interleaved) by
    :func:`_window_pixels`: each row split into one per channel first, and the channels'
    outputs interleaved after (one channel: from the row into ``dst`` straight)."""
    firsts, bases, index, digits, lead, planes, pixels = windows
    for r in range(rows.shape[0]):
        if channels == 1:
            _window_pixels(rows, r, firsts, bases, index, digits, lead, dst, r)
            continue
        _deinterleave(rows[r], channels, planes)
        for c in range(channels):
            _window_pixels(planes, c, firsts, bases, index, digits, lead, pixels, c)
        _interleave_pixels(pixels, pixels.shape[1], 1, None, dst[r])


@njit(cache=True)
def _digit_taps(planes, first, weight, digits, lead, count, acc, fixed, out):
    """:func:`_byte_taps` where :data:`_VNNI` (``fixed`` is True): blocks of 32 outputs by
    :func:`_digit_pixels`, a last block overlapping the one before where 32 does not divide
    ``count`` (scalar sums of the rest took 0.4 ms of uint8 RGB 2048^2 /4's 1.8 in the taps),
    one channel's straight into ``out``, three channels' into byte rows (``acc``'s memory),
    interleaved after; fewer than 32 outputs by :func:`_byte_taps`."""
    if count < _DIGIT_BLOCK:
        _byte_taps(planes, first, weight, lead, count, acc, fixed, out)
        return
    channels = planes.shape[0]
    pixels = out.reshape(1, -1) if channels == 1 else acc.view(np.uint8)
    blocks = count // _DIGIT_BLOCK
    for c in range(channels):
        _digit_pixels(planes, c, first, digits, lead, 0, blocks, pixels)
        if count % _DIGIT_BLOCK:
            _digit_pixels(planes, c, first, digits, lead, count - _DIGIT_BLOCK, 1, pixels)
    if channels > 1:
        _interleave_pixels(pixels, count, 1, None, out)


@njit(cache=True)
def _interior(info):
    """The periodic outputs ``[lo, hi)`` of a :func:`phases` table (``info``: its first array);
    the outputs before and after are the borders'."""
    return info[0] * info[2], info[0] * (info[2] + info[3])


@njit(cache=True)
def _two_phases_apply(poly):
    """Whether :func:`_two_phases` runs the periodic interior of single-channel rows: x2
    upscaling (unit step, two phases of 2 or 4 taps)."""
    info, which = poly[0], poly[1]
    return info[1] == 1 and info[0] == 2 and which.shape[1] in (2, 4)


@njit(cache=True, fastmath=_FASTMATH)
def _two_phases(values, offset, weight, count, fixed, out):
    """``out[2 * k + j] = _store(sum_t weight[j, t] * values[offset[j, t] + k], fixed)`` for
    ``k < count``, ``j < 2``, 2 or 4 taps: the unit-step (x2 upscaling) interior of
    :func:`_horizontal_phases` for one channel, both phases in one loop, where the phase taps
    and the interleave took two sweeps. Slices, not ``values[offset + k]``: an index that may be
    negative costs a wraparound select per load, and the loop stays scalar. (Interleaved
    channels: one loop writing both phases' pixels ran 1.6x slower than the phase taps and
    :func:`_interleave_pixels`.)"""
    a0, a1, b0, b1 = weight[0, 0], weight[0, 1], weight[1, 0], weight[1, 1]
    p0 = values[offset[0, 0] : offset[0, 0] + count]
    p1 = values[offset[0, 1] : offset[0, 1] + count]
    q0 = values[offset[1, 0] : offset[1, 0] + count]
    q1 = values[offset[1, 1] : offset[1, 1] + count]
    if weight.shape[1] == 2:
        for k in range(count):
            out[2 * k] = _store(a0 * p0[k] + a1 * p1[k], fixed)
            out[2 * k + 1] = _store(b0 * q0[k] + b1 * q1[k], fixed)
        return
    a2, a3, b2, b3 = weight[0, 2], weight[0, 3], weight[1, 2], weight[1, 3]
    p2 = values[offset[0, 2] : offset[0, 2] + count]
    p3 = values[offset[0, 3] : offset[0, 3] + count]
    q2 = values[offset[1, 2] : offset[1, 2] + count]
    q3 = values[offset[1, 3] : offset[1, 3] + count]
    for k in range(count):
        a = (a0 * p0[k] + a1 * p1[k]) + (a2 * p2[k] + a3 * p3[k])
        b = (b0 * q0[k] + b1 * q1[k]) + (b2 * q2[k] + b3 * q3[k])
        out[2 * k] = _store(a, fixed)
        out[2 * k + 1] = _store(b, fixed)


@njit(cache=True, fastmath=_FASTMATH)
def _interleave_pixels(phase_out, count, channels, fixed, out):
    """``out[(P * k + j) * C + c] = _store(phase_out[j, k * C + c], fixed)`` for ``k < count``
    (``P`` phases, ``C`` channels): the phases' pixels interleaved. A constant ``P`` and ``C``
    in each branch, so that the loops vectorize (interleaved store groups)."""
    stride = phase_out.shape[0]
    n = count * channels
    if stride == 1:
        a0 = phase_out[0]
        for k in range(n):
            out[k] = _store(a0[k], fixed)
    elif channels == 1 and stride == 2:
        a0, a1 = phase_out[0], phase_out[1]
        for k in range(count):
            out[2 * k] = _store(a0[k], fixed)
            out[2 * k + 1] = _store(a1[k], fixed)
    elif channels == 1 and stride == 3:
        a0, a1, a2 = phase_out[0], phase_out[1], phase_out[2]
        for k in range(count):
            out[3 * k] = _store(a0[k], fixed)
            out[3 * k + 1] = _store(a1[k], fixed)
            out[3 * k + 2] = _store(a2[k], fixed)
    elif channels == 3 and stride == 2:
        a, b = phase_out[0], phase_out[1]
        for k in range(count):
            i, m = 6 * k, 3 * k
            out[i] = _store(a[m], fixed)
            out[i + 1] = _store(a[m + 1], fixed)
            out[i + 2] = _store(a[m + 2], fixed)
            out[i + 3] = _store(b[m], fixed)
            out[i + 4] = _store(b[m + 1], fixed)
            out[i + 5] = _store(b[m + 2], fixed)
    elif channels == 4 and stride == 2:
        a, b = phase_out[0], phase_out[1]
        for k in range(count):
            i, m = 8 * k, 4 * k
            out[i] = _store(a[m], fixed)
            out[i + 1] = _store(a[m + 1], fixed)
            out[i + 2] = _store(a[m + 2], fixed)
            out[i + 3] = _store(a[m + 3], fixed)
            out[i + 4] = _store(b[m], fixed)
            out[i + 5] = _store(b[m + 1], fixed)
            out[i + 6] = _store(b[m + 2], fixed)
            out[i + 7] = _store(b[m + 3], fixed)
    else:
        for j in range(stride):
            a0 = phase_out[j]
            for k in range(count):
                i, m = (stride * k + j) * channels, k * channels
                for c in range(channels):
                    out[i + c] = _store(a0[m + c], fixed)


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal(rows, start, weight, channels, chunk, lanes, out_lanes, fixed, dst, column):
    """``dst[r]`` from output ``column`` on ``= `` the horizontal pass of ``rows[r]`` (``n`` rows
    of ``W * channels`` values, channels interleaved), ``chunk`` outputs at a time: their input
    span is transposed into ``lanes`` (``(span * channels, block)``, the weights' dtype) so that
    the taps run over ``block`` rows at once, into ``out_lanes`` (``(chunk * channels,
    block)``), transposed back into ``dst``."""
    if weight.shape[1] <= (_GATHER_TAPS if channels == 1 else _GATHER_TAPS_INTERLEAVED):
        _horizontal_gather(rows, start, weight, channels, fixed, dst, column)
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
                if fixed is not None:  # rounded here, over the lanes: vectorized
                    for r in range(block):
                        acc[r] = _store(acc[r], fixed)
        _from_lanes(out_lanes, (j1 - j0) * channels, dst, (column + j0) * channels, None)


@njit(cache=True)
def _buffers(width, h_start, h_weight, poly, channels, block, chunk, dtype, data_dtype, fixed):
    """The horizontal pass's work arrays ``(planes, sub, phase_out, lanes, out_lanes,
    windows)``: where ``poly`` is periodic (:func:`_horizontal_phases`), one row per channel
    where the channels are split, the deinterleaved input (in the input's ``data_dtype``: uint8
    moves a quarter of the bytes int32 would), the phase outputs (``dtype``) and the lanes of
    :func:`_horizontal` for the border outputs; else only the lanes, for all the outputs; and
    the tables of :func:`_windowed` (empty where it does not run)."""
    phases, step, count = poly[0][0], poly[0][1], poly[0][3]
    windows = _window_tables(h_start, h_weight, width, poly, channels, fixed)
    empty = np.empty((0, 0), dtype)
    empty_data = np.empty((0, 0), data_dtype)
    taps = h_weight.shape[1]
    # The lanes span the inputs of the outputs they compute: the borders', or all of them.
    lanes_span = 1
    if count == 0:
        lanes_span = _span(h_start, taps, chunk)
    else:
        lo, hi = _interior(poly[0])
        if lo > 0:
            lanes_span = max(lanes_span, _span(h_start[:lo], taps, chunk))
        if hi < h_start.shape[0]:
            lanes_span = max(lanes_span, _span(h_start[hi:], taps, chunk))
    lanes = np.empty((lanes_span * channels, block + _PAD), dtype)
    out_lanes = np.empty((chunk * channels, block + _PAD), dtype)
    if count == 0:
        return empty_data, empty_data, empty, lanes, out_lanes, windows
    # A group's pixels per deinterleaved row and channel (none at unit step: the taps read the
    # rows in place), and per phase and channel (one channel's x2: its phases in one loop).
    group = _group_rows(width * channels, empty_data.itemsize)
    size = group * (width // step)
    whole = _whole_pixels(poly, channels, empty_data.itemsize)
    planes = empty_data if whole else np.empty((channels, group * width), data_dtype)
    sub = np.empty((0 if whole and step == 1 else step * channels, size), data_dtype)
    fused = channels == 1 and _two_phases_apply(poly)
    phase_out = np.empty((0 if fused else phases * channels, size), dtype)
    return planes, sub, phase_out, lanes, out_lanes, windows


@njit(cache=True)
def _whole_pixels(poly, channels, itemsize):
    """Whether :func:`_horizontal_phases` keeps each pixel's channels side by side (one tap loop
    for all of them): one channel; else at unit step (the rows read in place: uint8 RGB x2
    lanczos3 0.78x) or for 4-byte pixels (deinterleaved as uint32: uint8 RGBA /4 Pillow-exact
    0.58-0.66x), where :func:`_interleave_pixels` has a vectorized loop for the phases and
    channels (one phase, or two of 3 or 4 channels; x3 RGB through its generic loop: 1.1-1.2x
    slower than splitting the channels). Otherwise each channel gets rows of its own."""
    phases, step = poly[0][0], poly[0][1]
    if channels == 1:
        return True
    vectorized = phases == 1 or (phases == 2 and (channels == 3 or channels == 4))
    return vectorized and (step == 1 or channels * itemsize == 4)


@njit(cache=True)
def _group_rows(row_values, itemsize):
    """Rows per group of :func:`_horizontal_phases`: ``_GROUP_BYTES`` of input (at least one
    row)."""
    return max(1, _GROUP_BYTES // (row_values * itemsize))


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal_any(rows, h_start, h_weight, poly, channels, chunk, buffers, fixed, dst):
    """:func:`_windowed` where its tables are not empty, else :func:`_horizontal_phases` where
    ``poly`` is periodic, else :func:`_horizontal`."""
    _, _, _, lanes, out_lanes, windows = buffers
    if windows[0].shape[0] > 0:
        _windowed(rows, windows, channels, dst)
    elif poly[0][3] > 0:
        _horizontal_phases(rows, h_start, h_weight, channels, poly, chunk, buffers, fixed, dst)
    else:
        _horizontal(rows, h_start, h_weight, channels, chunk, lanes, out_lanes, fixed, dst, 0)


@njit(cache=True, inline="always")
def _block_of(item, planes, rows):
    """Item ``item``'s plane and first row, in blocks of ``rows`` rows: every plane's first
    block, then every plane's second, and so on. The last items are then the planes' last
    blocks, often short ones, and the threads finish together: ordered plane by plane, x2
    linear at 2 threads left the caller its last item 50 us after the other thread was done."""
    return item % planes, (item // planes) * rows


@njit(cache=True, fastmath=_FASTMATH, nogil=True)
def _vertical_first(src, out, both, live, block, chunk, sums, limit, claimed, items, linger):
    """``(planes, H, W * C) -> (planes, Ho, Wo * C)`` (``C`` channels interleaved; float data, or
    integer data into a float ``out``, or into an integer ``out`` rounded by :func:`_round_into`
    where ``limit`` is its largest value) in blocks of ``block`` output rows (:func:`_block_of`),
    the blocks ``item < items`` this thread claims (``both``: the two axes' :func:`tables`;
    ``live``: the vertical table's :func:`live_rows`, float data only); ``sums[item]``: each
    block's total."""
    v_start, v_weight, h_start, h_weight, poly = both
    (k_lo, count, first), live_weight = live
    out_rows = out.shape[1]
    channels = out.shape[2] // h_start.shape[0]
    width = src.shape[2] // channels
    # Work arrays once per thread, not once per block.
    dtype = v_weight.dtype
    mid_rows = np.empty((block, src.shape[2]), dtype)
    buffers = _buffers(width, h_start, h_weight, poly, channels, block, chunk, dtype, dtype, None)
    # Integer outputs: the block's float results, rounded while they are in cache.
    float_rows = np.empty((0 if limit is None else block, out.shape[2]), dtype)
    item = _claim(claimed)
    while item < items:
        p, o0 = _block_of(item, out.shape[0], block)
        n = min(block, out_rows - o0)
        mid = mid_rows[:n]
        a, b = max(o0, k_lo), min(o0 + n, k_lo + count)
        if b - a < _LIVE:
            a = b = o0 + n
        for r in range(a - o0):
            _rows(src[p], v_start[o0 + r], v_weight[o0 + r], mid[r])
        if b > a:
            step = live_weight.shape[0]
            _live_rows(src[p], first + step * (a - k_lo), b - a, live_weight, mid, a - o0)
        for r in range(b - o0, n):
            _rows(src[p], v_start[o0 + r], v_weight[o0 + r], mid[r])
        dst = out[p, o0 : o0 + n]
        sums[item] = _horizontal_into(
            mid, both, channels, chunk, buffers, None, limit, float_rows, dst
        )
        item = _claim_next(claimed)
    _linger(claimed, linger)


@njit(cache=True, fastmath=_FASTMATH)
def _horizontal_into(rows, both, channels, chunk, buffers, fixed, limit, float_rows, dst):
    """``dst[:] = `` the horizontal pass of ``rows`` (``both``: the :func:`tables`): straight into
    ``dst`` where ``limit`` is None (floats, or Pillow's uint8 with ``fixed`` True), else into
    ``float_rows`` and rounded into the integer ``dst`` by :func:`_round_into` while in cache.
    Returns the float results' sum (0 for integer results: finite)."""
    _, _, h_start, h_weight, poly = both
    if limit is None:
        _horizontal_any(rows, h_start, h_weight, poly, channels, chunk, buffers, fixed, dst)
        return dst.sum() if fixed is None else 0.0
    values = float_rows[: rows.shape[0]]
    _horizontal_any(rows, h_start, h_weight, poly, channels, chunk, buffers, None, values)
    for r in range(rows.shape[0]):
        _round_into(values[r], None, limit, dst[r])
    return 0.0


@njit(cache=True, fastmath=_FASTMATH, nogil=True)
def _horizontal_only(src, out, both, fixed, block, chunk, sums, limit, claimed, items, linger):
    """The horizontal pass alone, ``(planes, H, W * C) -> (planes, H, Wo * C)`` (``both``'s
    vertical table empty: the rows are kept), in blocks of ``block`` rows straight from ``src``
    (``fixed``, ``limit``: as :func:`_horizontal_first`); ``sums[item]``: each block's total."""
    h_start, h_weight, poly = both[2], both[3], both[4]
    rows = out.shape[1]
    channels = out.shape[2] // h_start.shape[0]
    width = src.shape[2] // channels
    dtype = h_weight.dtype
    buffers = _buffers(
        width, h_start, h_weight, poly, channels, block, chunk, dtype, src.dtype, fixed
    )
    float_rows = np.empty((0 if limit is None else block, out.shape[2]), dtype)
    item = _claim(claimed)
    while item < items:
        p, y0 = _block_of(item, out.shape[0], block)
        y1 = min(y0 + block, rows)
        rows_in, dst = src[p, y0:y1], out[p, y0:y1]
        sums[item] = _horizontal_into(
            rows_in, both, channels, chunk, buffers, fixed, limit, float_rows, dst
        )
        item = _claim_next(claimed)
    _linger(claimed, linger)


@njit(cache=True, fastmath=_FASTMATH)
def _round_into(values, fixed, limit, dst):
    """``dst[:] = values`` each :func:`_rounded`."""
    half = values.dtype.type(0.5)
    for i in range(dst.shape[0]):
        dst[i] = _rounded(values[i], fixed, limit, half)


@njit(cache=True)
def _rounded(value, fixed, limit, half):
    """An integer result from its sum: Pillow's fixed point (:func:`_store`) where ``limit`` is
    None, else a float rounded half up and clamped to ``[0, limit]`` in its own precision
    (``half``: 0.5 of its dtype; as ``np.clip(np.floor(values + 0.5), 0, limit)`` on a float32
    array)."""
    if limit is None:  # numba sums integers in int64: back to int32, as Pillow sums
        return _store(np.int32(value), fixed)
    return min(max(np.floor(value + half), half - half), limit)


@njit(cache=True, fastmath=_FASTMATH, nogil=True)
def _horizontal_first(
    src, out, both, fixed, rows, block, chunk, sums, limit, stream, claimed, items, linger
):
    """``(planes, H, W * C) -> (planes, Ho, Wo * C)`` in blocks of ``rows`` output rows (plane by
    plane), the blocks ``item < items`` this thread claims: the horizontal pass of just the
    input rows they read (``block`` at a time) into a small intermediate, then the vertical
    pass. ``fixed`` True: uint8 data and int32 fixed-point weights, rounded as Pillow does after
    each pass; ``None``: float weights and ``out`` (float data, or integer data read as it is;
    an integer ``out`` is rounded by :func:`_round_into`, ``limit`` its largest value). ``both``:
    the two axes' :func:`tables`; ``sums[item]``: each block's total; ``stream``: see
    :func:`_streamed`."""
    v_start, v_weight, h_start, h_weight, poly = both
    out_rows, out_size = out.shape[1], out.shape[2]
    channels = out_size // h_start.shape[0]
    width = src.shape[2] // channels
    v_taps = v_weight.shape[1]
    # Work arrays once per thread, not once per block; the intermediate grows if a block reads
    # more input rows than the ones before.
    mid_rows = _empty_mid(0, out_size, out, v_weight, limit)
    buffers = _buffers(
        width, h_start, h_weight, poly, channels, block, chunk, h_weight.dtype, src.dtype, fixed
    )
    acc = np.empty(out_size, v_weight.dtype)
    item = _claim(claimed)
    while item < items:
        p, o0 = _block_of(item, out.shape[0], rows)
        n = min(rows, out_rows - o0)
        y0 = v_start[o0 : o0 + n].min()  # not monotonic: see _horizontal
        y1 = v_start[o0 : o0 + n].max() + v_taps
        if mid_rows.shape[0] < y1 - y0:
            mid_rows = _empty_mid(y1 - y0, out_size, out, v_weight, limit)
        mid = mid_rows[: y1 - y0]
        for y in range(y0, y1, block):
            y_end = min(y + block, y1)
            _horizontal_any(
                src[p, y:y_end],
                h_start,
                h_weight,
                poly,
                channels,
                chunk,
                buffers,
                fixed,
                mid[y - y0 : y_end - y0],
            )
        start, weight = v_start[o0 : o0 + n], v_weight[o0 : o0 + n]
        dst = out[p, o0 : o0 + n]
        sums[item] = _vertical_into(mid, y0, start, weight, fixed, limit, acc, stream, dst)
        item = _claim_next(claimed)
    _linger(claimed, linger)


@njit(cache=True, fastmath=_FASTMATH)
def _vertical_into(rows, y0, start, weight, fixed, limit, acc, stream, dst):
    """``dst[r] = `` the vertical pass of ``rows`` (input rows from ``y0`` on) for the windows
    ``start[r]``, ``weight[r]``: floats straight into ``dst`` (``stream`` True: 2 or 4 taps
    stored non-temporally); integer data (``limit``) or Pillow's fixed point (``fixed`` True)
    through the row ``acc``, rounded. Returns the float results' sum (0 for integer results:
    finite)."""
    total = 0.0
    streamed = (
        stream
        and fixed is None
        and limit is None
        and weight.shape[1] in (2, 4)
        and _streams(rows, weight, dst)
    )
    # Pillow's path where :data:`_VNNI`: more than 4 taps by :func:`_digit_rows`.
    taps, width = weight.shape[1], dst.shape[1]
    words = -(-taps // 4)
    by_digits = _VNNI and fixed is not None and taps > 4 and width >= _DIGIT_BLOCK
    by_digits = by_digits and weight.shape[0] > 0 and _fits_digits(weight)
    digits = np.empty((dst.shape[0] if by_digits else 0, words, 3), np.uint32)
    for r in range(digits.shape[0]):
        _tap_digits(weight[r], digits[r])
    blocks, lead = width // _DIGIT_BLOCK, 4 * words - taps
    for r in range(dst.shape[0]):
        if by_digits:  # a last block overlapping the one before where 32 does not divide
            _digit_rows(rows, start[r] - y0, digits, r, lead, 0, blocks, dst)
            if width % _DIGIT_BLOCK:
                _digit_rows(rows, start[r] - y0, digits, r, lead, width - _DIGIT_BLOCK, 1, dst)
            continue
        if streamed:  # no view of the row (see _streamed_rows)
            total += _taps_streamed(rows, start[r] - y0, weight, r, dst, r)
            continue
        row = dst[r]
        if fixed is None and limit is None and weight.shape[1] == 2:
            # Two taps (linear upscaling): the loop here, summed as it stores, not a call to
            # _rows and a pass of row.sum() per output row: x2 linear 0.85-0.90x (a 4-tap loop
            # written the same way ran 1.15x slower than _rows).
            total += _two_taps(rows, start[r] - y0, weight[r, 0], weight[r, 1], row)
        elif fixed is None and limit is None:  # floats: straight into the output
            _rows(rows, start[r] - y0, weight[r], row)
            total += row.sum()
        elif weight.shape[1] in (2, 4):  # integer results (finite: no sum)
            _few_taps_rounded(rows, start[r] - y0, weight[r], fixed, limit, row)
        else:
            _rows(rows, start[r] - y0, weight[r], acc)
            _round_into(acc, fixed, limit, row)
    if streamed:
        _store_fence()
    return total


@njit(cache=True, fastmath=_FASTMATH, nogil=True)
def _vertical_only(src, out, both, fixed, rows, sums, limit, stream, claimed, items, linger):
    """The vertical pass alone, ``(planes, H, W) -> (planes, Ho, W)`` (``both``'s horizontal
    table empty: the columns are kept), in blocks of ``rows`` output rows straight from
    ``src`` (``fixed``, ``limit``, ``stream``: as :func:`_horizontal_first`); ``sums[item]``:
    each block's total."""
    v_start, v_weight = both[0], both[1]
    out_rows = out.shape[1]
    acc = np.empty(out.shape[2], v_weight.dtype)
    item = _claim(claimed)
    while item < items:
        p, o0 = _block_of(item, out.shape[0], rows)
        o1 = min(o0 + rows, out_rows)
        start, weight, dst = v_start[o0:o1], v_weight[o0:o1], out[p, o0:o1]
        sums[item] = _vertical_into(src[p], 0, start, weight, fixed, limit, acc, stream, dst)
        item = _claim_next(claimed)
    _linger(claimed, linger)


def _empty_mid(rows, size, out, weight, limit):
    """The intermediate of :func:`_horizontal_first`: ``(rows, size)`` of ``out``'s dtype
    (floats, or uint8 in Pillow's path, rounded between the passes) where ``limit`` is None,
    else of the weights' (floats for an integer ``out``). Chosen by type at compile time (an
    ``if`` on ``limit`` would type both arrays and fail to unify them)."""


@overload(_empty_mid)
def _empty_mid_typed(rows, size, out, weight, limit):
    if isinstance(limit, types.NoneType):
        return lambda rows, size, out, weight, limit: np.empty((rows, size), out.dtype)
    return lambda rows, size, out, weight, limit: np.empty((rows, size), weight.dtype)


@njit(cache=True)
def _span(start, taps, chunk):
    """The widest input span of ``chunk`` consecutive outputs."""
    widest = 0
    for j0 in range(0, start.shape[0], chunk):
        j1 = min(j0 + chunk, start.shape[0])
        widest = max(widest, start[j0:j1].max() + taps - start[j0:j1].min())
    return widest


def resample_2d(
    x: np.ndarray,
    v_taps: Taps | None,
    h_taps: Taps | None,
    rounded: bool = False,
    float64: bool = False,
) -> np.ndarray | None:
    """``x`` ``(planes, H, W)`` or ``(planes, H, W, C)`` (channels interleaved, as in HWC
    images), contiguous: both axes resampled (or one, the other's table ``None``: its pass is
    skipped; not both), or ``None`` if the result is not finite (a NaN or
    infinity in ``x``: the tensor engine then keeps it to the outputs whose nonzero taps cover
    it; here zero weights would spread it). float32/float64 in float32/float64 arithmetic;
    uint8/uint16 read as they are, in float32 arithmetic, and a float32 result, or with
    ``rounded`` the result in their dtype, rounded half up and clamped as each block is done
    (no float32 result: 0.85x the time of rounding it with NumPy after, 1 thread); ``float64``:
    integers in float64 arithmetic (MATLAB's uint8 passes, rounded after each). Set up once
    per shape and tables (:func:`prepare_2d`)."""
    return prepare_2d(x.shape, x.dtype, v_taps, h_taps, rounded, float64)(x)


@lru_cache(maxsize=64)
def prepare_2d(
    shape: tuple[int, ...],
    dtype: np.dtype,
    v_taps: Taps | None,
    h_taps: Taps | None,
    rounded: bool = False,
    float64: bool = False,
) -> Callable[[np.ndarray], np.ndarray | None]:
    """:func:`resample_2d` of inputs of ``shape`` and ``dtype``, its set-up done (the tables,
    the output's shape, the order of the passes, the blocks the threads claim): the function
    that runs it on such an input. Each call then allocates the output and runs the kernels;
    the set-up in Python took more than the kernels of small inputs, and 0.2-0.4 ms of a 2 ms
    call after other libraries' work had left it out of the CPU's caches."""
    planes, height, width = shape[:3]
    channels = shape[3] if len(shape) == 4 else 1
    sums = np.dtype(np.float64) if float64 else _sum_dtype(dtype)
    both = tables(v_taps, h_taps, height, width, sums)
    out_h, out_w = _out_size(both, height, width)
    limit = sums.type(np.iinfo(dtype).max) if rounded and dtype.kind == "u" else None
    out_shape, out_dtype = (planes, out_h, out_w * channels), sums if limit is None else dtype
    rows = (planes, height, width * channels)
    live = no_live_rows(sums)
    if v_taps is not None and dtype == sums:  # float sums of float data (integers: _rows)
        live = live_rows(v_taps, height, sums)
        if live[1].shape[0] * (2 * _LIVE - 1) * rows[2] * dtype.itemsize > _LIVE_BYTES:
            live = no_live_rows(sums)
    run = _planes_run(rows, dtype, out_shape, out_dtype, both, limit, live, stream=True)
    result = (planes, out_h, out_w, *shape[3:])

    def resample(x: np.ndarray) -> np.ndarray | None:
        out = _output(out_shape, out_dtype)
        if not run(x.reshape(rows), out):
            return None
        return out.reshape(result)

    return resample


def _sum_dtype(dtype: np.dtype) -> np.dtype:
    """The weights' and the result's dtype for data of ``dtype``: floats their own, integers
    float32."""
    return dtype if dtype.kind == "f" else np.dtype(np.float32)


def _out_size(both: Tables, height: int, width: int) -> tuple[int, int]:
    """The output's height and width for the :func:`tables` ``both`` (an empty table: kept)."""
    return both[0].shape[0] or height, both[2].shape[0] or width


# A prepared kernel call: ``run(x, out)`` fills ``out`` from ``x`` (arrays of the shapes and
# dtypes it was set up for) and returns whether the result is finite (its blocks' sums are).
Run = Callable[[np.ndarray, np.ndarray], bool]


def _launch(
    kernel: Callable[..., Any],
    items: int,
    work: int,
    before: tuple[Any, ...],
    after: tuple[Any, ...],
) -> Run:
    """``kernel(x, out, *before, sums, *after, claimed, items)`` on threads
    (:func:`_in_parallel`, ``work`` its size), its compile check on the first run only."""
    first = [True]

    def run(x: np.ndarray, out: np.ndarray) -> bool:
        sums = np.empty(items)
        _in_parallel(kernel, items, work, x, out, *before, sums, *after, announce=first[0])
        first[0] = False
        return _finite(sums)

    return run


@njit(cache=True)
def _finite(values):
    """``np.isfinite(values).all()`` in a third of its time (NumPy's two calls from Python)."""
    for value in values:  # noqa: SIM110 (a loop: numba's all() of a generator is no faster)
        if not np.isfinite(value):
            return False
    return True


def _planes(
    x: np.ndarray,
    both: Tables,
    out: np.ndarray,
    limit: np.floating | None = None,
    live: tuple[np.ndarray, np.ndarray] | None = None,
) -> bool:
    """``out[:] = `` the last two axes of ``x`` resampled (:func:`_planes_run`, an
    intermediate: not streamed); whether the result is finite."""
    run = _planes_run(x.shape, x.dtype, out.shape, out.dtype, both, limit, live, stream=False)
    return run(x, out)


def _planes_run(
    x_shape: tuple[int, ...],
    x_dtype: np.dtype,
    out_shape: tuple[int, ...],
    out_dtype: np.dtype,
    both: Tables,
    limit: np.floating | None,
    live: tuple[np.ndarray, np.ndarray] | None,
    stream: bool,
) -> Run:
    """The run that fills ``out`` ``(planes, Ho, Wo * C)`` with the last two axes of ``x``
    ``(planes, H, W * C)`` (``C = Wo * C // Wo`` channels interleaved) resampled (``both``:
    their :func:`tables`), in the cheaper order (``limit``, ``live``: see
    :func:`_vertical_first`; ``None``: no strips). ``stream``: ``out`` is a result that starts
    on a 64-byte line (:func:`_output`), not an intermediate read again soon: a large one may
    be stored non-temporally (:func:`_streamed`)."""
    planes, height, row = x_shape
    v_start, v_weight, h_start, h_weight, poly = both
    if v_start.size == 0 or h_start.size == 0:
        return _one_axis_run(x_shape, x_dtype, out_shape, out_dtype, both, None, limit, stream)
    out_h, out_w = v_start.shape[0], h_start.shape[0]
    channels = out_shape[2] // out_w
    width = row // channels  # pixels (the channels scale every term)
    # The cost of each order: multiply-adds, and the values the horizontal pass moves in and out
    # (transposed or, for a periodic table, deinterleaved and interleaved).
    v_taps, h_taps = v_weight.shape[1], h_weight.shape[1]
    cost = _PHASE_COST if poly[0][3] > 0 else _TRANSPOSE_COST
    vertical_first = out_h * (width * (v_taps + cost) + out_w * (h_taps + cost))
    horizontal_first = height * (width * cost + out_w * (h_taps + cost)) + out_h * out_w * v_taps
    if vertical_first <= horizontal_first:
        block = _block_rows(row * v_weight.itemsize, poly)
        live = no_live_rows(v_weight.dtype) if live is None else live
        work = planes * channels * vertical_first
        items = planes * -(-out_h // block)
        return _launch(_vertical_first, items, work, (both, live, block, _CHUNK), (limit,))
    return _horizontal_first_run(x_shape, out_shape, out_dtype, both, None, limit, stream)


def _one_axis_run(
    x_shape: tuple[int, ...],
    x_dtype: np.dtype,
    out_shape: tuple[int, ...],
    out_dtype: np.dtype,
    both: Tables,
    fixed: bool | None,
    limit: np.floating | None,
    stream: bool,
) -> Run:
    """The run of the pass of the one axis ``both`` resamples (the other's table empty) from
    ``x`` straight into ``out`` (``fixed``, ``limit``: see :func:`_horizontal_first`;
    ``stream``: see :func:`_planes_run`)."""
    planes, height, row = x_shape
    v_start, v_weight, _, h_weight, poly = both
    if v_start.size == 0:  # rows kept: the horizontal pass
        # Long rows (1-D signals) one at a time: the block's sum then reads it from L2, not
        # L3 or DRAM (64 x 2 x 48000 x2 linear 0.91-0.95x, /3 cubic 0.98x against 32 rows).
        block = _block_rows(out_shape[2] * h_weight.itemsize, poly, least=1)
        work = planes * height * (row + out_shape[2] * h_weight.shape[1])
        items = planes * -(-height // block)
        return _launch(_horizontal_only, items, work, (both, fixed, block, _CHUNK), (limit,))
    # Columns kept: the vertical pass, over whole rows.
    out_h = v_start.shape[0]
    rows = min(out_h, max(1, _ONE_AXIS_VALUES // row))
    work = planes * out_h * row * v_weight.shape[1]
    stream = stream and _streamed(x_dtype, out_dtype, out_shape, fixed)
    items = planes * -(-out_h // rows)
    return _launch(_vertical_only, items, work, (both, fixed, rows), (limit, stream))


def _block_rows(row_bytes: int, poly: tuple[np.ndarray, ...], least: int = 32) -> int:
    """Rows per block of the intermediate (rows of ``row_bytes``): ``_BLOCK`` where the
    horizontal pass transposes (the rows are its lanes), else as many as fit in
    ``_MID_BYTES`` (between ``least`` and ``_BLOCK``)."""
    if poly[0][3] == 0:
        return _BLOCK
    return max(least, min(_BLOCK, _MID_BYTES // row_bytes))


def resample_3d(
    x: np.ndarray, d_taps: Taps, v_taps: Taps | None, h_taps: Taps | None
) -> np.ndarray | None:
    """``x`` ``(volumes, D, H, W)``, contiguous: all three axes resampled, or ``None`` as
    :func:`resample_2d` (integer volumes likewise read as they are, float32 result). Blocks of
    output slices: the 2-D pass of the input slices a block reads that the block before did not
    (each input slice once), then the depth pass (:func:`_rows` over whole slices). The
    intermediate is the slices of one block (about ``_VOLUME_BLOCK_BYTES``), not the whole volume
    resampled in 2-D."""
    volumes, depth, height, width = x.shape
    dtype = _sum_dtype(x.dtype)
    both = tables(v_taps, h_taps, height, width, dtype)
    out_h, out_w = _out_size(both, height, width)
    d_start, d_weight = windows(d_taps, depth, dtype)
    out_d, taps = d_weight.shape
    plane = out_h * out_w
    out = _output((volumes, out_d, out_h, out_w), dtype)
    stream = _streamed(dtype, dtype, (volumes * out_d, plane), None)
    slices = max(2 * taps, _VOLUME_BLOCK_BYTES // (plane * dtype.itemsize))
    per_block = max(1, (slices - taps) * out_d // depth)
    spans = [
        (o0, min(o0 + per_block, out_d), int(d_start[o0 : o0 + per_block].min()))
        for o0 in range(0, out_d, per_block)
    ]
    widest = max(int(d_start[o0:o1].max()) + taps - y0 for o0, o1, y0 in spans)
    # Two buffers, swapped: a block's slices are copied from the one before where they overlap.
    mid = _scratch(0, (widest, out_h, out_w), dtype)
    before = _scratch(1, mid.shape, dtype) if len(spans) > 1 else mid
    for v in range(volumes):
        done0 = done1 = 0  # the input slices in ``before``: [done0, done1)
        for o0, o1, y0 in spans:
            y1 = int(d_start[o0:o1].max()) + taps
            kept0, kept1 = max(y0, done0), min(y1, done1)
            if kept0 < kept1:
                mid[kept0 - y0 : kept1 - y0] = before[kept0 - done0 : kept1 - done0]
            else:
                kept0 = kept1 = y0
            for a, b in ((y0, kept0), (kept1, y1)):
                if a < b and not _planes(x[v, a:b], both, mid[a - y0 : b - y0]):
                    return None
            _in_parallel(
                _depth,
                o1 - o0,
                (o1 - o0) * plane * taps,
                mid[: y1 - y0].reshape(y1 - y0, plane),
                d_start[o0:o1] - y0,
                d_weight[o0:o1],
                out[v, o0:o1].reshape(o1 - o0, plane),
                stream,
            )
            mid, before, done0, done1 = before, mid, y0, y1
    return out


# Per calling thread, kept between calls: fresh pages fault at ~2.5 us each on this machine (0.5 k
# faults, 1.3 ms, per call on a 128^3 volume when the intermediate was allocated per call).
_SCRATCH = threading.local()


def _scratch(which: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Work array number ``which`` of this thread, grown to ``shape`` if it is smaller."""
    size = int(np.prod(shape)) * dtype.itemsize
    buffers = _SCRATCH.__dict__.setdefault("buffers", {})
    if which not in buffers or buffers[which].size < size:
        buffers[which] = np.empty(size, np.uint8)
    return buffers[which][:size].view(dtype).reshape(shape)


@njit(cache=True, fastmath=_FASTMATH, nogil=True)
def _depth(mid, start, weight, out, stream, claimed, items, linger):
    """``out[o] = sum_k weight[o, k] * mid[start[o] + k]`` (whole slices as rows) for the outputs
    ``o < items`` this thread claims; ``stream`` True: 2 or 4 taps stored non-temporally
    (:func:`_streamed`)."""
    streamed = stream and weight.shape[1] in (2, 4) and _streams(mid, weight, out)
    o = _claim(claimed)
    while o < items:
        if streamed:
            _taps_streamed(mid, start[o], weight, o, out, o)
            _store_fence()
        else:
            _rows(mid, start[o], weight[o], out[o])
        o = _claim_next(claimed)
    _linger(claimed, linger)


def resample_pil_uint8(x: np.ndarray, v_taps: Taps | None, h_taps: Taps | None) -> np.ndarray:
    """``x`` uint8 ``(planes, H, W, C)``, contiguous; ``*_taps``: Pillow's fixed-point tables
    (integer weights scaled by ``2**PIL_PRECISION_BITS``; ``None``: the axis is kept, its pass
    skipped, as Pillow does). Pillow's passes and rounding, exactly. Set up once per shape and
    tables (:func:`prepare_pil_uint8`)."""
    return prepare_pil_uint8(x.shape, v_taps, h_taps)(x)


@lru_cache(maxsize=64)
def prepare_pil_uint8(
    shape: tuple[int, ...], v_taps: Taps | None, h_taps: Taps | None
) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`resample_pil_uint8` of inputs of ``shape``, set up (as :func:`prepare_2d`)."""
    planes, height, width, channels = shape
    both = tables(v_taps, h_taps, height, width, np.dtype(np.int32))
    out_h, out_w = _out_size(both, height, width)
    rows, out_shape = (planes, height, width * channels), (planes, out_h, out_w * channels)
    uint8 = np.dtype(np.uint8)
    if v_taps is None or h_taps is None:
        run = _one_axis_run(rows, uint8, out_shape, uint8, both, True, None, stream=False)
    else:
        run = _horizontal_first_run(rows, out_shape, uint8, both, True, None, stream=False)

    def resample(x: np.ndarray) -> np.ndarray:
        out = np.empty(out_shape, uint8)
        run(x.reshape(rows), out)
        return out.reshape(planes, out_h, out_w, channels)

    return resample


def _horizontal_first_run(
    x_shape: tuple[int, ...],
    out_shape: tuple[int, ...],
    out_dtype: np.dtype,
    both: Tables,
    fixed: bool | None,
    limit: np.floating | None,
    stream: bool,
) -> Run:
    """The run of :func:`_horizontal_first` with blocks of output rows that read about
    :func:`_block_rows` input rows each (a few rows are read twice, at the blocks' edges;
    ``stream``: see :func:`_planes_run`)."""
    out_h, in_h, v_taps = out_shape[1], x_shape[1], both[1].shape[1]
    mid_bytes = out_dtype.itemsize if fixed else both[1].itemsize  # uint8 in Pillow's path
    block = _block_rows(out_shape[2] * mid_bytes, both[4])
    rows = min(out_h, max(8, int((block - v_taps) * out_h / in_h)))
    work = x_shape[0] * out_shape[2] * (in_h * both[3].shape[1] + out_h * v_taps)
    # The vertical pass reads the intermediate: floats of out's dtype.
    stream = stream and _streamed(out_dtype, out_dtype, out_shape, fixed)
    items = x_shape[0] * -(-out_h // rows)
    return _launch(
        _horizontal_first, items, work, (both, fixed, rows, block, _CHUNK), (limit, stream)
    )


def _streamed(
    rows: np.dtype, out: np.dtype, out_shape: tuple[int, ...], fixed: bool | None
) -> bool:
    """Whether a vertical pass of 2 or 4 taps from float ``rows`` stores an output of
    ``out_shape`` and dtype ``out`` non-temporally (:func:`_taps_streamed`), that output
    starting on a 64-byte line (:func:`_output`): float rows and output of one dtype (not
    Pillow's fixed point, not rounded to integers), of ``_STREAM_BYTES`` or more, every row
    whole lines. Rows off a boundary, their first and last lines stored plainly, made the
    streamed pass 1.25-1.29x slower than plain stores, where aligned rows took 0.67-0.80x."""
    if fixed is not None or out.kind != "f" or rows != out:
        return False
    row_bytes = out_shape[-1] * out.itemsize
    return row_bytes * math.prod(out_shape[:-1]) >= _STREAM_BYTES and row_bytes % 64 == 0


def _output(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An empty array, on a 64-byte boundary where it is ``_STREAM_BYTES`` or more (NumPy's
    large arrays start 16 bytes past one: see :func:`_streamed`)."""
    nbytes = math.prod(shape) * dtype.itemsize  # (np.prod: 4 us a call)
    if nbytes < _STREAM_BYTES:
        return np.empty(shape, dtype)
    raw = np.empty(nbytes + 64, np.uint8)
    return np.ndarray(shape, dtype, raw, -_address(raw) % 64)


@njit(cache=True)
def _address(array):
    """``array.ctypes.data`` in half its time (NumPy builds a ctypes object for it)."""
    return array.ctypes.data


# (kernel, kinds of its arguments) already checked in this process by _announce_compile.
_CHECKED: set[tuple[str, tuple[Any, ...]]] = set()


def _announce_compile(kernel: Any, args: tuple[Any, ...]) -> None:
    """Warn before a call that makes numba compile ``kernel`` (15-20 s per signature on an idle
    core, ~25 s on a loaded one; once per machine: the machine code is cached on disk) instead
    of a silent wait. Checked once per kernel and kind of arguments (dtypes, dimensions, layout)
    in a process: ~3 us a call."""
    key = (kernel.__name__, tuple(_kind(a) for a in args))
    if key in _CHECKED:
        return
    _CHECKED.add(key)
    if _compiles(kernel, args):
        warnings.warn(
            f"resamplers: compiling the CPU resize kernel {kernel.__name__} for {args[0].dtype} "
            "data on first use: 10-40 s, once per machine (numba caches it on disk)",
            stacklevel=2,
        )


def _kind(value: Any) -> Any:
    """What of an argument decides numba's signature (the tables in a tuple take their dtype
    from the data's)."""
    if isinstance(value, np.ndarray):
        return value.dtype.str, value.ndim, value.flags.c_contiguous, value.flags.writeable
    return type(value)


def _compiles(kernel: Any, args: tuple[Any, ...]) -> bool:
    """Whether ``kernel(*args)`` compiles: its signature neither loaded nor in numba's disk
    cache. Reads numba's private cache attributes: ``False`` if they change."""
    try:
        signature = tuple(kernel.typeof_pyval(a) for a in args)
        if signature in kernel.overloads:
            return False
        cache = kernel._cache
        key = cache._index_key(signature, kernel.targetctx.codegen())
        return key not in cache._cache_file._load_index()
    except AttributeError:
        return False


# --- nearest neighbour: gathers of bytes ---------------------------------------------------


def _unaligned_copy(bits: int) -> Any:
    """An intrinsic ``copy(dst, d, src, s)``: the ``bits // 8`` bytes of the uint8 array ``src``
    from byte ``s`` on to ``dst`` from byte ``d``, as one unaligned load and store (a pixel of
    any dtype and channels moves in one to three of them, not byte by byte)."""
    width = ir.IntType(bits)

    @intrinsic
    def copy(typingctx, dst, d, src, s):
        def codegen(context, builder, signature, args):
            dst_array = context.make_array(signature.args[0])(context, builder, args[0])
            src_array = context.make_array(signature.args[2])(context, builder, args[2])
            source = builder.bitcast(builder.gep(src_array.data, [args[3]]), width.as_pointer())
            target = builder.bitcast(builder.gep(dst_array.data, [args[1]]), width.as_pointer())
            builder.store(builder.load(source, align=1), target, align=1)
            return context.get_dummy_value()

        return types.void(dst, d, src, s), codegen

    return copy


_copy2, _copy4, _copy8 = _unaligned_copy(16), _unaligned_copy(32), _unaligned_copy(64)


@njit(cache=True)
def _copy_pixel(dst, d, src, s, unit):
    """``dst[d : d + unit] = src[s : s + unit]`` in 8-, 4-, 2- and 1-byte moves."""
    k = 0
    while k + 8 <= unit:
        _copy8(dst, d + k, src, s + k)
        k += 8
    if k + 4 <= unit:
        _copy4(dst, d + k, src, s + k)
        k += 4
    if k + 2 <= unit:
        _copy2(dst, d + k, src, s + k)
        k += 2
    if k < unit:
        dst[d + k] = src[s + k]


@njit(cache=True)
def _gather_row(row, offsets, unit, dst):
    """``dst``'s pixel ``j`` (``unit`` bytes) = ``row``'s bytes from ``offsets[j]`` on. The
    common pixel sizes in one move each: 3-byte pixels (uint8 RGB) as 4-byte moves whose last
    byte the next pixel overwrites, where the row has that byte."""
    n = offsets.shape[0]
    if unit == 1:
        for j in range(n):
            dst[j] = row[offsets[j]]
    elif unit == 2:
        for j in range(n):
            _copy2(dst, 2 * j, row, offsets[j])
    elif unit == 4:
        for j in range(n):
            _copy4(dst, 4 * j, row, offsets[j])
    elif unit == 8:
        for j in range(n):
            _copy8(dst, 8 * j, row, offsets[j])
    elif unit == 3:
        end = row.shape[0] - 4
        for j in range(n - 1):
            s = offsets[j]
            if s <= end:
                _copy4(dst, 3 * j, row, s)
            else:
                _copy_pixel(dst, 3 * j, row, s, 3)
        if n > 0:
            _copy_pixel(dst, 3 * (n - 1), row, offsets[n - 1], 3)
    else:
        for j in range(n):
            _copy_pixel(dst, unit * j, row, offsets[j], unit)


@njit(cache=True)
def _double_row(row, unit, dst):
    """``dst`` = every pixel of ``row`` twice (x2 upscaling), for pixels of 1, 2, 3, 4 or 8
    bytes: typed loads and stores that LLVM vectorizes with shuffles."""
    if unit == 1:
        _double_typed(row, dst)
    elif unit == 3:
        for i in range(row.shape[0] // 3):
            a, b, c = row[3 * i], row[3 * i + 1], row[3 * i + 2]
            dst[6 * i] = a
            dst[6 * i + 1] = b
            dst[6 * i + 2] = c
            dst[6 * i + 3] = a
            dst[6 * i + 4] = b
            dst[6 * i + 5] = c
    elif unit == 2:
        _double_typed(row.view(np.uint16), dst.view(np.uint16))
    elif unit == 4:
        _double_typed(row.view(np.uint32), dst.view(np.uint32))
    else:
        _double_typed(row.view(np.uint64), dst.view(np.uint64))


@njit(cache=True)
def _double_typed(row, dst):
    """``dst[2 * i] = dst[2 * i + 1] = row[i]``."""
    for i in range(row.shape[0]):
        v = row[i]
        dst[2 * i] = v
        dst[2 * i + 1] = v


@njit(cache=True, nogil=True)
def _gather_rows(src, out, rows, offsets, unit, doubled, block, claimed, items, linger):
    """``out[p, r]`` (bytes, pixels of ``unit`` bytes) = row ``rows[r]`` of ``src[p]`` gathered
    at the byte ``offsets`` (nearest-neighbour sampling), in blocks of ``block`` output rows
    (:func:`_block_of`), the blocks ``item < items`` this thread claims. An output row with the
    same source as the one before (upscaling) is a copy of it, in cache."""
    out_rows = out.shape[1]
    item = _claim(claimed)
    while item < items:
        p, r0 = _block_of(item, out.shape[0], block)
        for r in range(r0, min(r0 + block, out_rows)):
            if r > r0 and rows[r] == rows[r - 1]:
                # A loop, not a slice assignment: numba copies overlapping slices through a
                # temporary array (one allocation per row).
                previous, row = out[p, r - 1], out[p, r]
                for i in range(row.shape[0]):
                    row[i] = previous[i]
            elif doubled:
                _double_row(src[p, rows[r]], unit, out[p, r])
            else:
                _gather_row(src[p, rows[r]], offsets, unit, out[p, r])
        item = _claim_next(claimed)
    _linger(claimed, linger)


def gather(x: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Nearest-neighbour sampling: ``out[p, r, j] = x[p, rows[r], columns[j]]`` for ``x``
    ``(planes, H, W, unit)`` bytes (uint8, contiguous: any dtype and interleaved channels,
    viewed as bytes); returns ``(planes, len(rows), len(columns), unit)`` uint8."""
    planes, _, width, unit = x.shape
    out = np.empty((planes, rows.shape[0], columns.shape[0] * unit), np.uint8)
    offsets = columns.astype(np.int64) * unit
    block = max(1, _GATHER_BYTES // max(1, out.shape[2]))
    items = planes * -(-rows.shape[0] // block)
    src = x.reshape(planes, x.shape[1], width * unit)
    doubled = unit in (1, 2, 3, 4, 8) and np.array_equal(columns, np.arange(2 * width) // 2)
    args = (src, out, rows.astype(np.int64, copy=False), offsets, unit, doubled, block)
    _in_parallel(_gather_rows, items, out.size, *args)
    return out.reshape(planes, rows.shape[0], columns.shape[0], unit)
