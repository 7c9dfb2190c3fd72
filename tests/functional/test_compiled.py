"""The compiled (numba) kernels against the tensor engine, on real images: the same tables, so
the same results (floats within rounding: 1e-5 in float32 for values in [0, 1], 1e-12 in
float64; uint8 ``compat="pil"`` bit-exact, and equal to Pillow); and the cases they must leave to
the engine (NaN/inf inputs, autograd)."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import warnings
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from PIL import Image

import resamplers
from resamplers.functional.compat import PIL_PRECISION_BITS, Axis, make_plan, output_size
from resamplers.functional.resize import _run

compiled = pytest.importorskip("resamplers.functional._compiled")
resize_module = importlib.import_module("resamplers.functional.resize")  # not the function

PIL_FILTERS = {
    "box": Image.BOX,
    "linear": Image.BILINEAR,
    "hamming": Image.HAMMING,
    "cubic": Image.BICUBIC,
    "lanczos3": Image.LANCZOS,
}
# Integer and non-integer factors, down and up, and one axis down with the other up; x3 up puts
# every third output on an input sample, where the windows of its neighbours start lower.
SIZES = [(40, 48), (80, 96), (53, 37), (100, 333), (320, 384), (480, 576), (211, 250), (97, 300)]
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-12}


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The names of the compiled entry points that ``resize`` calls."""
    seen: list[str] = []
    for name in ("resample_2d", "resample_3d", "resample_pil_uint8", "gather"):
        original = getattr(compiled, name)

        def spy(*args, _original=original, _name=name):
            seen.append(_name)
            return _original(*args)

        monkeypatch.setattr(compiled, name, spy)
    return seen


def _image(astronaut, dtype: torch.dtype) -> torch.Tensor:
    return torch.from_numpy(astronaut).permute(2, 0, 1)[None].to(dtype) / 255


def _both(x: torch.Tensor, size, method, compat=None) -> tuple[torch.Tensor, torch.Tensor]:
    """The compiled path and the tensor engine, on the same plan."""
    axes = tuple(Axis(n, m, None) for n, m in zip(x.shape[2:], size, strict=True))
    plan = make_plan(compat, method, axes, True, False)
    spatial = tuple(range(2, x.ndim))
    return _run(x, spatial, plan, method, compiled=True), _run(x, spatial, plan, method)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3", "box", "hamming", "area"])
def test_float_equals_engine(astronaut, calls, method, size, dtype) -> None:
    fast, engine = _both(_image(astronaut, dtype), size, method)
    assert calls == ["resample_2d"]
    assert fast.dtype == dtype
    torch.testing.assert_close(fast, engine, atol=TOLERANCE[dtype], rtol=0)


@pytest.mark.parametrize(
    ("compat", "method"),
    [("opencv", "linear"), ("opencv", "cubic"), ("opencv", "lanczos4"), ("matlab", "cubic")],
)
@pytest.mark.parametrize("size", [(40, 48), (53, 37), (320, 384), (480, 576)])
def test_float_presets_equal_engine(astronaut, calls, compat, method, size) -> None:
    fast, engine = _both(_image(astronaut, torch.float32), size, method, compat)
    assert calls == ["resample_2d"]
    torch.testing.assert_close(fast, engine, atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    ("shape", "size"),
    [
        ((1, 2, 24, 40, 36), (12, 20, 18)),
        ((2, 1, 9, 30, 20), (9, 45, 31)),
        ((1, 1, 8, 50, 40), (20, 25, 16)),
    ],
)
def test_3d_equals_engine(calls, shape, size) -> None:
    """Volumes: all three axes compiled (only the last two where the depth keeps its size)."""
    x = torch.rand(*shape, generator=torch.Generator().manual_seed(0))
    fast, engine = _both(x, size, "cubic")
    assert calls == ["resample_3d" if size[0] != shape[2] else "resample_2d"]
    torch.testing.assert_close(fast, engine, atol=1e-5, rtol=0)


@pytest.mark.parametrize("taps", [1, 3, 7, 8, 12, 16, 20, 24, 32, 40, 48])
def test_rows_sums_every_tap_once(taps) -> None:
    """The vertical pass's loop against NumPy, for tap counts in contiguous sweeps and in the
    strided orders of ``_sweep_rows`` (16, 32, 48: two, four, six strided sweeps; 24, 40: one
    contiguous sweep, then strided)."""
    gen = np.random.default_rng(taps)
    src = gen.random((taps + 9, 37))
    weight = gen.standard_normal(taps)
    acc = np.empty(37)
    compiled._rows(src, 5, weight, acc)
    np.testing.assert_allclose(acc, weight @ src[5 : 5 + taps], rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("step", "taps"), [(2, 12), (3, 17), (4, 24), (4, 21)])
@pytest.mark.parametrize("outputs", [6, 7, 13])
def test_live_rows_strips_sum_every_tap_once(dtype, step, taps, outputs) -> None:
    """The register-tiled strips of the vertical pass (``_live_rows``: six outputs' sums live,
    warm-up, steady loop and drain, groups of six with the last one shifted back) against
    NumPy: windows of ``taps <= 6 * step`` (zero-padded; the rows they span end the input),
    rows of 16 + 8 + 3 float32 values (a 64-byte strip, one vector, three single values;
    float64: 8 + 4 + ...), a first row and a first output off zero."""
    gen = np.random.default_rng(step * taps + outputs)
    width, r0, o0 = 27, 3, 2
    # The padded windows (six steps) read up to here: the interior that live_rows keeps.
    src = gen.standard_normal((r0 + step * (outputs + 5), width)).astype(dtype)
    weight = gen.standard_normal(taps)
    live = np.zeros(6 * step)
    live[:taps] = weight
    live = np.ascontiguousarray(live.reshape(6, step).T.astype(dtype))
    out = np.full((o0 + outputs + 1, width), np.nan, dtype)
    compiled._live_rows(src, r0, outputs, live, out, o0)
    rows = r0 + step * np.arange(outputs)[:, None] + np.arange(taps)
    expected = np.einsum("k,tkx->tx", weight.astype(dtype), src[rows])
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out[o0 : o0 + outputs], expected, rtol=0, atol=tolerance)
    assert np.isnan(out[:o0]).all() and np.isnan(out[o0 + outputs :]).all()


@pytest.mark.parametrize(
    ("shape", "size", "dtype", "strips"),
    [
        ((2, 3, 256, 96), (128, 48), torch.float32, True),  # /2, planar rows of 96
        ((1, 2, 255, 512), (85, 170), torch.float32, True),  # /3, rows of 512
        ((2, 3, 256, 128), (64, 32), torch.float32, True),  # /4
        ((1, 2, 256, 256), (64, 64), torch.float64, True),  # /4, 2 KB rows
        ((1, 2, 256, 512), (32, 64), torch.float32, False),  # /8: a group reads 88 rows of 2 KB
        ((1, 1, 256, 2048), (64, 512), torch.float32, False),  # rows of 8 KB
    ],
)
def test_lanczos3_vertical_pass_runs_in_strips(calls, shape, size, dtype, strips) -> None:
    """Lanczos3 at integer factors (one phase, windows of six steps) runs its vertical pass in
    the register-tiled strips where a group's rows fit in ``_LIVE_BYTES``, and equals the
    engine; a NaN in the input still sends the resize to the engine."""
    taps = make_plan(None, "lanczos3", (Axis(shape[2], size[0], None),), True, False).taps[0]
    np_dtype = np.dtype(str(dtype).removeprefix("torch."))
    info, live = compiled.live_rows(taps, shape[2], np_dtype)
    row_bytes = shape[3] * np_dtype.itemsize
    assert info[1] > 6 and live.shape == (shape[2] // size[0], 6)
    assert (live.shape[0] * 11 * row_bytes <= compiled._LIVE_BYTES) == strips
    x = torch.rand(shape, generator=torch.Generator().manual_seed(shape[2]), dtype=dtype)
    fast, engine = _both(x, size, "lanczos3")
    assert calls == ["resample_2d"]
    torch.testing.assert_close(fast, engine, atol=TOLERANCE[dtype], rtol=0)
    x[0, 0, shape[2] // 2, 7] = float("nan")
    planes = x.reshape(-1, *shape[2:]).numpy()
    assert compiled.resample_2d(planes, *_plan_taps_sized(shape[2:], size)) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("taps", [2, 4])
@pytest.mark.parametrize("offset", [0, 1, 5, 15])
@pytest.mark.parametrize("length", [3, 16, 37, 100, 1000])
def test_streamed_rows_store_every_value_once(dtype, taps, offset, length) -> None:
    """The non-temporal vertical pass (``_taps_streamed``: plain stores up to the first 64-byte
    boundary, whole lines streamed, plain stores after) against NumPy, for a row starting
    ``offset`` values past a boundary and of every length from head-only to many lines; nothing
    written outside the row (the rows around it, the values around them); the returned sum is
    the row's."""
    gen = np.random.default_rng(taps * length + offset)
    src = gen.standard_normal((taps + 5, length + 7)).astype(dtype)
    weight = gen.standard_normal((3, taps)).astype(dtype)
    raw = np.full(4 * length + 200, np.nan, dtype)
    # On a 64-byte boundary (16 values of either dtype are), the row before it inside raw.
    base = (-raw.ctypes.data % 64) // raw.itemsize + 16 * (length // 16 + 2)
    out = raw[base + offset - length : base + offset + 2 * length].reshape(3, length)
    total = compiled._taps_streamed(src, 2, weight, 1, out, 1)
    expected = weight[1] @ src[2 : 2 + taps, :length]
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out[1], expected, rtol=0, atol=tolerance)
    assert np.isnan(raw[: base + offset]).all() and np.isnan(raw[base + offset + length :]).all()
    assert total == pytest.approx(float(out[1].astype(np.float64).sum()), abs=length * tolerance)


# Outputs of at least _STREAM_BYTES whose rows start on 64-byte boundaries, their vertical pass
# of 2 or 4 taps stored non-temporally: horizontal pass first (upscales), the vertical pass
# alone (height), float64. Not streamed: rows of 666 floats (off the boundaries), a small
# output, integers read as they are into a float32 result (the rows are not the output's dtype).
STREAMED_CASES = [
    ((2, 3, 256, 256), (512, 512), "linear", torch.float32, True),
    ((2, 3, 256, 256), (512, 512), "cubic", torch.float32, True),
    ((1, 4, 300, 320), (600, 640), "linear", torch.float32, True),
    ((4, 3, 256, 256), (512, 256), "linear", torch.float32, True),
    ((4, 3, 256, 256), (512, 256), "cubic", torch.float32, True),
    ((1, 3, 256, 256), (512, 512), "cubic", torch.float64, True),
    ((1, 4, 300, 333), (600, 666), "linear", torch.float32, False),
    ((1, 3, 128, 128), (256, 256), "linear", torch.float32, False),
    ((4, 3, 256, 256), (512, 256), "linear", torch.uint8, False),
]


@pytest.mark.parametrize(("shape", "size", "method", "dtype", "streamed"), STREAMED_CASES)
def test_large_outputs_are_streamed_and_equal_engine(
    calls, monkeypatch, shape, size, method, dtype, streamed
) -> None:
    """Float outputs of ``_STREAM_BYTES`` or more with rows on 64-byte boundaries take the
    streamed vertical pass and equal the engine; a NaN in the input still shows in the streamed
    rows' sums and sends the resize to the engine."""
    flags: list[bool] = []
    in_parallel = compiled._in_parallel

    def spy(kernel, items, work, *args, **options):
        if kernel in (compiled._horizontal_first, compiled._vertical_only):
            flags.append(args[-1])
        return in_parallel(kernel, items, work, *args, **options)

    monkeypatch.setattr(compiled, "_in_parallel", spy)
    gen = torch.Generator().manual_seed(shape[2])
    x = torch.randint(0, 256, shape, generator=gen).to(dtype)
    if dtype.is_floating_point:
        x = torch.rand(shape, generator=gen, dtype=dtype)
    fast, engine = _both(x, size, method)
    assert calls == ["resample_2d"] and flags == [streamed]
    torch.testing.assert_close(fast, engine, atol=TOLERANCE.get(dtype, 1e-4), rtol=0)
    if dtype.is_floating_point:
        x[-1, -1, shape[2] // 3, 5] = float("nan")
        planes = x.reshape(-1, *shape[2:]).numpy()
        assert compiled.resample_2d(planes, *_plan_taps_sized(shape[2:], size, method)) is None


@pytest.mark.parametrize(
    ("size", "method", "streamed"),
    [
        ((64, 128, 128), "linear", True),  # slices of 128^2 floats: whole lines
        ((64, 128, 128), "cubic", True),
        ((64, 130, 126), "linear", False),  # 130 x 126 floats: slices off the lines
        ((40, 128, 128), "lanczos3", False),  # 8+ taps along the depth
    ],
)
def test_volumes_depth_pass_is_streamed(calls, monkeypatch, size, method, streamed) -> None:
    """A volume's depth pass of 2 or 4 taps into an output of ``_STREAM_BYTES`` or more whose
    slices are whole cache lines stores them non-temporally, and equals the engine."""
    flags: list[bool] = []
    in_parallel = compiled._in_parallel

    def spy(kernel, items, work, *args, **options):
        if kernel is compiled._depth:
            flags.append(args[-1] and args[2].shape[1] in (2, 4))
        return in_parallel(kernel, items, work, *args, **options)

    monkeypatch.setattr(compiled, "_in_parallel", spy)
    x = torch.rand(1, 2, 32, 64, 64, generator=torch.Generator().manual_seed(3))
    fast, engine = _both(x, size, method)
    assert calls == ["resample_3d"] and flags and set(flags) == {streamed}
    torch.testing.assert_close(fast, engine, atol=1e-5, rtol=0)


@pytest.mark.parametrize("shape", [(4, 512, 512), (1, 1000, 1111), (2, 3, 700, 700)])
def test_large_outputs_start_on_a_cache_line(shape) -> None:
    """The kernels' outputs of ``_STREAM_BYTES`` or more start on a 64-byte boundary (NumPy's
    start 16 bytes past one), are writable and C-contiguous."""
    out = compiled._output(shape, np.dtype(np.float32))
    assert out.nbytes >= compiled._STREAM_BYTES
    assert out.shape == shape and out.dtype == np.float32 and out.flags.c_contiguous
    assert out.flags.writeable and out.ctypes.data % 64 == 0


def test_items_are_counted_as_they_are_done() -> None:
    """A kernel's threads count each item they finish (``claimed[1]``) as they claim the next:
    the caller, done with its own, spins on that count (``_items_done``) instead of sleeping on
    the other threads' calls."""
    start, weight = compiled.windows(_plan_taps(64, 24)[0], 64, np.dtype(np.float32))
    mid = np.random.default_rng(0).random((64, 50), dtype=np.float32)
    out = np.empty((24, 50), np.float32)
    claimed = np.zeros(3, np.int64)
    assert not compiled._items_done(claimed, 24, 100)
    compiled._depth(mid, start, weight, out, False, claimed, 24, False)
    # 24 items and the claim that found none left; 24 done; (the caller not back: no linger)
    np.testing.assert_array_equal(claimed, [25, 24, 0])
    assert compiled._items_done(claimed, 24, 1)
    claimed[1] = 23
    assert not compiled._items_done(claimed, 24, 100)


def test_pool_threads_linger_until_the_caller_is_back(monkeypatch) -> None:
    """The pool's threads run their share with ``linger`` (the caller's without), and wait at
    its end until the caller is back in Python (``claimed[2]``, set before it spins on the
    items done) or, if it never comes, for ``_SPINS`` checks: the result is the same."""
    start, weight = compiled.windows(_plan_taps(64, 24)[0], 64, np.dtype(np.float32))
    mid = np.random.default_rng(1).random((64, 500), dtype=np.float32)
    want = np.empty((24, 500), np.float32)
    claimed = np.zeros(3, np.int64)
    compiled._depth(mid, start, weight, want, False, claimed, 24, True)  # no caller: it ends
    assert claimed.tolist() == [25, 24, 0]
    shares: list[tuple] = []
    submit = compiled._submit

    def spy(jobs, kernel, *args):
        shares.append(args[-3:])
        return submit(jobs, kernel, *args)

    monkeypatch.setattr(compiled, "_submit", spy)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        out = np.empty_like(want)
        compiled._in_parallel(compiled._depth, 24, 1 << 30, mid, start, weight, out, False)
    finally:
        torch.set_num_threads(before)
    (counters, items, linger), = shares
    assert items == 24 and linger and counters.tolist()[1:] == [24, 1]
    np.testing.assert_array_equal(out, want)


def test_pool_threads_keep_no_arrays_after_a_call(monkeypatch) -> None:
    """Once a pool thread's share of a call is over, it holds none of the call's arrays (a
    thread that kept its last call's arguments held a 24 MiB output alive until the next)."""
    start, weight = compiled.windows(_plan_taps(64, 24)[0], 64, np.dtype(np.float32))
    mid = np.random.default_rng(2).random((64, 500), dtype=np.float32)
    out = np.empty((24, 500), np.float32)
    kept = weakref.ref(out)
    shares: list[list] = []
    submit = compiled._submit

    def spy(*args):
        shares.append(submit(*args))
        return shares[-1]

    monkeypatch.setattr(compiled, "_submit", spy)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        compiled._in_parallel(compiled._depth, 24, 1 << 30, mid, start, weight, out, False)
    finally:
        torch.set_num_threads(before)
    compiled._wait(shares[0])  # the pool thread's share is over
    del out
    for _ in range(2000):  # (until it is back waiting for the next call: at most 2 s)
        if kept() is None:
            break
        time.sleep(0.001)
    assert kept() is None


@pytest.mark.parametrize(("planes", "rows", "block"), [(3, 10, 4), (1, 7, 7), (5, 9, 2)])
def test_blocks_are_claimed_across_planes_first(planes, rows, block) -> None:
    """Items name every plane's block once, every plane's first block before any second one:
    the planes' last blocks, which may be short, come last."""
    per_plane = -(-rows // block)
    blocks = [compiled._block_of(item, planes, block) for item in range(planes * per_plane)]
    assert sorted(blocks) == [(p, b * block) for p in range(planes) for b in range(per_plane)]
    assert [o for _, o in blocks] == sorted(o for _, o in blocks)
    assert {o for _, o in blocks[-planes:]} == {(per_plane - 1) * block}


def _plan_taps_sized(shape, size, method: str = "lanczos3"):
    axes = tuple(Axis(n, m, None) for n, m in zip(shape, size, strict=True))
    return make_plan(None, method, axes, True, False).taps


def test_fixed_point_store_is_pillows_clip8() -> None:
    """``_store``'s fixed-point rounding (``((sum >> 21) + 1) >> 1``, clamped) against Pillow's
    ``clip8`` formula ``(sum + 2**21) >> 22`` in int64, over vectorized loops
    (``_interleave_pixels``: 1 or 3 phases of one channel, 2 of 3 channels): every half-way
    point from -2 to 257 and its neighbours, and the int32 extremes."""
    half = 1 << (PIL_PRECISION_BITS - 1)
    levels = np.arange(-2, 258, dtype=np.int64) << PIL_PRECISION_BITS
    near = (levels[:, None] + half + np.arange(-2, 3)).ravel()
    sums = np.concatenate([near, [-(2**31), 2**31 - 1, 0, -1]])
    sums = np.concatenate([sums, np.random.default_rng(0).integers(-(2**31), 2**31, 3000)])
    expected = np.clip((sums + half) >> PIL_PRECISION_BITS, 0, 255).astype(np.uint8)
    for stride, channels in [(1, 1), (3, 1), (2, 3)]:
        count = -(-sums.size // (stride * channels))
        pixels = np.resize(sums, count * stride * channels).astype(np.int32)
        phase_out = pixels.reshape(count, stride, channels).transpose(1, 0, 2).reshape(stride, -1)
        out = np.empty(pixels.size, np.uint8)
        compiled._interleave_pixels(np.ascontiguousarray(phase_out), count, channels, True, out)
        np.testing.assert_array_equal(out[: sums.size], expected)


@pytest.mark.parametrize(
    ("side", "out", "method"),
    [(256, 64, "cubic"), (256, 64, "lanczos3"), (256, 32, "cubic"), (250, 25, "cubic")],
)
def test_strided_sweeps_equal_engine(calls, side, out, method) -> None:
    """Downscales whose vertical tables run in strided sweeps (16, 24, 32 and 40 taps)."""
    taps = make_plan(None, method, (Axis(side, out, None),), True, False).taps[0]
    assert compiled.windows(taps, side, np.dtype(np.float32))[1].shape[1] % 8 == 0
    x = torch.rand(2, 3, side, side, generator=torch.Generator().manual_seed(side * out))
    fast, engine = _both(x, (out, out), method)
    assert calls == ["resample_2d"]
    torch.testing.assert_close(fast, engine, atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    ("depth", "out_depth", "method"),
    [
        (64, 16, "cubic"),
        (45, 15, "lanczos3"),
        (30, 77, "cubic"),
        (21, 63, "linear"),
        (50, 33, "box"),
    ],
)
def test_3d_in_blocks_of_slices(monkeypatch, depth, out_depth, method) -> None:
    """With blocks of a few slices (the smallest the block size allows), the slices that two
    blocks share are carried over, not recomputed: the result still equals the engine's, down
    and up, on integer and other factors (x3 up: windows that do not start in order)."""
    monkeypatch.setattr(compiled, "_VOLUME_BLOCK_BYTES", 1)
    computed = []
    planes = compiled._planes

    def count(x, both, out):
        computed.append(x.shape[0])
        return planes(x, both, out)

    monkeypatch.setattr(compiled, "_planes", count)
    x = torch.rand(2, 1, depth, 20, 18, dtype=torch.float64)
    fast, engine = _both(x, (out_depth, 10, 27), method)
    torch.testing.assert_close(fast, engine, atol=TOLERANCE[torch.float64], rtol=0)
    assert len(computed) > 4  # several blocks per volume
    assert sum(computed) == 2 * depth  # two volumes: each input slice resampled in 2-D once


def test_3d_calls_from_many_threads(monkeypatch) -> None:
    """Each calling thread has its own work buffers: concurrent volumes equal sequential ones."""
    monkeypatch.setattr(compiled, "_VOLUME_BLOCK_BYTES", 20_000)  # a few blocks each
    gen = torch.Generator().manual_seed(3)
    volumes = [torch.rand(1, 1, 40 + 8 * i, 30, 26, generator=gen) for i in range(4)]
    alone = [resamplers.resize(v, size=(17, 15, 40), method="cubic") for v in volumes]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda v: resamplers.resize(v, size=(17, 15, 40)), volumes * 3))
    for got, want in zip(together, alone * 3, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.uint16])
def test_3d_integer_volumes_are_read_as_they_are(monkeypatch, dtype) -> None:
    """Integer volumes reach the kernels in their own dtype (no float32 copy) and come out as
    the float32 resize rounded once (within 1 level)."""
    seen: list[np.dtype] = []
    original = compiled.resample_3d

    def spy(x, *taps):
        seen.append(x.dtype)
        return original(x, *taps)

    monkeypatch.setattr(compiled, "resample_3d", spy)
    high = 255 if dtype == torch.uint8 else 65535
    volume = (torch.rand(1, 1, 40, 36, 30) * high).round().to(dtype)
    got = resamplers.resize(volume, size=(15, 50, 22), method="cubic")
    want = resamplers.resize(volume.float(), size=(15, 50, 22), method="cubic")
    want = torch.floor(want + 0.5).clamp(0, high)
    assert got.dtype == dtype
    diff = (got.double() - want.double()).abs()
    assert diff.max() <= 1 and (diff == 0).double().mean() > 0.99
    assert seen == [np.dtype(str(dtype).removeprefix("torch.")), np.dtype(np.float32)]


def test_3d_non_finite_input_takes_the_engine() -> None:
    x = torch.rand(1, 1, 16, 20, 20, dtype=torch.float64)
    x[0, 0, 9, 3, 4] = float("nan")
    out = resamplers.resize(x, size=(8, 10, 10), method="cubic")
    engine = _both(x, (8, 10, 10), "cubic")[1]
    torch.testing.assert_close(out, engine, equal_nan=True)
    assert 0 < int(out.isnan().sum()) <= 4**3


# Periodic horizontal tables (``to_polyphase``) take the pass along the rows (deinterleaved by
# the step, the phases interleaved back): (input, output) widths for /2, /3, /4, /8, x2, x3, x4,
# 2/3 and 3/2, odd sizes, and small ones where the border outputs are most of the row.
PERIODIC = [
    (64, 32),
    (45, 15),
    (96, 24),
    (128, 16),
    (31, 62),
    (21, 63),
    (16, 64),
    (90, 60),
    (40, 60),
    (24, 6),
    (9, 27),
]


def _periodic(method: str, width: int, out_w: int, compat: str | None = None) -> bool:
    """Whether the horizontal table (Pillow's fixed point for ``compat="pil"``) is periodic."""
    taps = make_plan(compat, method, (Axis(width, out_w, None),), True, False).taps[0]
    if compat == "pil":
        taps = resize_module._pil_fixed_point(taps)
    return int(compiled.phases(taps, width, np.dtype(np.float64))[0][3]) > 0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(("width", "out_w"), PERIODIC)
@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3"])
def test_periodic_rows_equal_engine(calls, method, width, out_w, dtype) -> None:
    """Both orders: the heights scale as the widths (vertical pass first on a downscale,
    horizontal first on an upscale) or the other way."""
    assert _periodic(method, width, out_w)
    gen = torch.Generator().manual_seed(width * out_w)
    for height, out_h in [(width, out_w), (out_w + 7, width + 3)]:
        x = torch.rand(2, 3, height, width, dtype=dtype, generator=gen)
        fast, engine = _both(x, (out_h, out_w), method)
        torch.testing.assert_close(fast, engine, atol=TOLERANCE[dtype], rtol=0)
    assert calls == ["resample_2d"] * 2


@pytest.mark.parametrize(("width", "out_w"), PERIODIC)
@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3"])
def test_periodic_pil_uint8_is_bit_exact(astronaut, camera, calls, method, width, out_w) -> None:
    """Channels interleaved (RGB) and not (grayscale), against Pillow."""
    assert _periodic(method, width, out_w, "pil")
    for img in (astronaut[: width + 5, :width], camera[:width, :width]):
        size = (out_w, img.shape[0] * 2 // 3)
        expected = np.asarray(Image.fromarray(img).resize(size, PIL_FILTERS[method]))
        got = resamplers.resize(img, size=size[::-1], method=method, compat="pil")
        np.testing.assert_array_equal(got, expected)
    assert calls == ["resample_pil_uint8"] * 2


def _digit_taps(planes, first, word_weight, lead, count, acc, fixed, out) -> None:
    taps = np.concatenate([word_weight[:-1].reshape(-1), word_weight[-1, lead:]])
    digits = np.empty((word_weight.shape[0], 3), np.uint32)
    compiled._tap_digits(taps, digits)
    compiled._digit_taps(planes, first, word_weight, digits, lead, count, acc, fixed, out)


@pytest.mark.parametrize("taps", [5, 6, 7, 8, 9, 13, 14, 16, 23])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("count", [50, 64])
@pytest.mark.parametrize(
    "kernel",
    [
        pytest.param(compiled._byte_taps, id="shifts"),
        pytest.param(
            _digit_taps,
            id="vnni",
            marks=pytest.mark.skipif(not compiled._VNNI, reason="no 256-bit VNNI here"),
        ),
    ],
)
def test_byte_taps_sum_every_sample_once(taps, channels, count, kernel) -> None:
    """``_byte_taps`` (samples read as the bytes of uint32 words, at any byte offset) and
    ``_digit_taps`` (the same words times signed-byte weight digits, ``vpdpbusd``) against
    NumPy in int64, rounded as Pillow's ``clip8``: every tail (a last word of 1-3 taps, read
    ending at the last tap) and a first sample off word alignment, on random samples and
    weights of both signs; whole blocks of 32 outputs and a rest; the planes end at the last
    output's last tap (nothing read past it)."""
    gen = np.random.default_rng(taps * channels)
    first = 3
    planes = gen.integers(0, 256, (channels, first + 4 * (count - 1) + taps), dtype=np.uint8)
    # Sums within int32, as Pillow's normalized weights keep them: sum |w| * 255 < 2**31.
    weight = gen.integers(-(1 << 21) // taps, (1 << 23) // taps, taps).astype(np.int32)
    word_weight, lead = compiled._word_weights(weight, True)
    assert word_weight.shape == (-(-taps // 4), 4) and lead == -taps % 4
    acc = np.empty((channels, count), np.int32)
    out = np.empty(count * channels, np.uint8)
    kernel(planes, first, word_weight, lead, count, acc, True, out)
    windows = np.lib.stride_tricks.sliding_window_view(planes[:, first:], taps, axis=1)[:, ::4]
    sums = (windows[:, :count].astype(np.int64) * weight).sum(axis=2)
    half = 1 << (PIL_PRECISION_BITS - 1)
    expected = np.clip((sums + half) >> PIL_PRECISION_BITS, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(out.reshape(count, channels), expected.T)


@pytest.mark.parametrize("weight", [0, 1, -1, 127, -128, 128, -129, 1 << 22, -(1 << 22), 8_000_000])
def test_tap_digits_rebuild_each_weight(weight) -> None:
    """``_tap_digits``: signed base-256 digits that rebuild each weight exactly, four taps to a
    word in tap order (little-endian bytes), the last word ending at the last tap."""
    taps = np.array([weight, 1, -2, 3, 5, -7], np.int32)  # two words, the second from tap 2
    digits = np.empty((2, 3), np.uint32)
    compiled._tap_digits(taps, digits)
    places = np.array([1, 256, 65536])[None, :, None]
    rebuilt = (digits.view(np.int8).reshape(2, 3, 4).astype(np.int64) * places).sum(axis=1)
    np.testing.assert_array_equal(rebuilt, [[weight, 1, -2, 3], [0, 0, 5, -7]])


def test_weights_beyond_three_digits_take_the_multiplies() -> None:
    """A weight beyond three signed base-256 digits (a custom kernel's, about twice a
    normalized weight of 1) is summed by the 32-bit multiplies, not ``vpdpbusd``: the vertical
    pass still equals NumPy in int64 (Pillow's ``clip8``)."""
    limit = (1 << 23) - (1 << 15) - 129
    assert compiled._fits_digits(np.array([limit, -limit], np.int32))
    assert not compiled._fits_digits(np.array([limit + 1], np.int32))
    gen = np.random.default_rng(5)
    rows = gen.integers(0, 200, (12, 64), dtype=np.uint8)
    weight = gen.integers(-1000, 1000, (4, 9)).astype(np.int32)
    weight[:, 4] = limit + 40000  # sums stay within int32: 200 * 8.4e6 < 2**31
    out, acc = np.zeros((4, 64), np.uint8), np.empty(64, np.int32)
    compiled._vertical_into(rows, 0, np.arange(4), weight, True, None, acc, False, out)
    windows = np.stack([rows[r : r + 9] for r in range(4)]).astype(np.int64)
    sums = (windows * weight[:, :, None]).sum(axis=1)
    half = 1 << (PIL_PRECISION_BITS - 1)
    np.testing.assert_array_equal(out, np.clip((sums + half) >> PIL_PRECISION_BITS, 0, 255))


@pytest.mark.skipif(not compiled._VNNI, reason="no 256-bit VNNI here")
@pytest.mark.parametrize("taps", [5, 7, 8, 17, 25])
@pytest.mark.parametrize("width", [32, 77, 96])
def test_digit_rows_sum_every_row_once(taps, width) -> None:
    """Pillow's vertical pass of more than 4 taps (``_vertical_into``) by ``_digit_rows`` (four
    rows' bytes transposed into words, ``vpdpbusd`` on weight digits) against NumPy in int64,
    rounded as Pillow's ``clip8``: widths of whole 32-column blocks and a rest (a last block
    overlapping), every tail of the last four rows, the window at the bottom row (nothing read
    past it)."""
    gen = np.random.default_rng(taps * width)
    rows = gen.integers(0, 256, (taps + 3, width), dtype=np.uint8)
    weight = gen.integers(-(1 << 21) // taps, (1 << 23) // taps, (4, taps)).astype(np.int32)
    out = np.zeros((4, width), np.uint8)
    acc = np.empty(width, np.int32)
    # Output row r reads rows r .. r + taps - 1 (the last at the bottom).
    compiled._vertical_into(rows, 0, np.arange(4), weight, True, None, acc, False, out)
    windows = np.stack([rows[r : r + taps] for r in range(4)]).astype(np.int64)
    sums = (windows * weight[:, :, None]).sum(axis=1)
    half = 1 << (PIL_PRECISION_BITS - 1)
    np.testing.assert_array_equal(out, np.clip((sums + half) >> PIL_PRECISION_BITS, 0, 255))


@pytest.mark.skipif(not compiled._VBMI, reason="no VBMI/VNNI here")
@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3"])
def test_pil_uint8_windows_by_byte_permutes(astronaut, camera, method) -> None:
    """Pillow's horizontal pass where each output's window is its own (any factor down to ~/8:
    /2, /3, /8, non-integer; gray, RGB, RGBA) runs ``_windowed`` (eight outputs' four taps
    picked out of 64 bytes, their own weights' digits) where its windows have more than 4 taps,
    bit-exact to Pillow; /4 keeps the bytes of words, widths too narrow for 64-byte windows
    the lanes."""
    for width, out_w, channels, expected in [
        (512, 256, 3, True), (512, 170, 3, True), (512, 64, 1, True), (512, 300, 4, True),
        (512, 128, 3, False), (60, 20, 3, False),
    ]:
        taps = resize_module._pil_fixed_point(
            make_plan("pil", method, (Axis(width, out_w, None),), True, False).taps[0]
        )
        start, weight = compiled.windows(taps, width, np.dtype(np.int32))
        poly = compiled.phases(taps, width, np.dtype(np.int32))
        tables = compiled._window_tables(start, weight, width, poly, channels, True)
        runs = expected and weight.shape[1] > 4  # 4 taps or fewer: their own loops
        assert (tables[0].shape[0] > 0) == runs, (width, out_w, channels)
    sizes = [(80, 96), (53, 64), (20, 24), (100, 77), (40, 150)]
    for img in (astronaut, camera):
        for size in sizes:
            want = np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[method]))
            got = resamplers.resize(img, size=size, method=method, compat="pil")
            np.testing.assert_array_equal(got, want)
    # RGBA: Pillow premultiplies the colours by alpha; ours keeps channels apart, so its four
    # channels equal the RGB and the gray results.
    rgba = np.concatenate([astronaut, astronaut[..., 1:2]], axis=2)
    for size in sizes:
        got = resamplers.resize(rgba, size=size, method=method, compat="pil")
        rgb = resamplers.resize(astronaut, size=size, method=method, compat="pil")
        alpha = resamplers.resize(rgba[..., 3].copy(), size=size, method=method, compat="pil")
        np.testing.assert_array_equal(got, np.concatenate([rgb, alpha[..., None]], axis=2))


# A Haswell-class CPU for numba (AVX2, no VNNI): the kernels' fallbacks, compiled in a child.
_NO_VNNI = {
    "NUMBA_CPU_NAME": "haswell",
    "NUMBA_CPU_FEATURES": "+avx2,+avx,+fma,+sse4.2,+sse4.1,+ssse3,+popcnt,+bmi,+bmi2,+f16c,+lzcnt",
}
_PIL_IN_CHILD = """
import sys
import numpy as np
from PIL import Image
import resamplers
from resamplers.functional import _compiled
assert not _compiled._VNNI
filters = {"linear": Image.BILINEAR, "cubic": Image.BICUBIC, "lanczos3": Image.LANCZOS}
for path in sys.argv[1:]:
    img = np.load(path)
    for method, pil in filters.items():
        for size in [(img.shape[0] // 4, img.shape[1] // 4), (img.shape[0] // 3, 128)]:
            want = np.asarray(Image.fromarray(img).resize(size[::-1], pil))
            got = resamplers.resize(img, size=size, method=method, compat="pil")
            assert np.array_equal(got, want), (path, method, size)
print("equal to Pillow")
"""


@pytest.mark.skipif(not compiled._VNNI, reason="no VNNI here: the suite runs the fallbacks")
def test_pil_uint8_without_vnni_equals_pillow(astronaut, camera, tmp_path) -> None:
    """Where numba compiles for a CPU without 256-bit VNNI (a child told it is a Haswell),
    Pillow's path takes ``_byte_taps`` and the 32-bit multiplies instead of ``vpdpbusd``: its
    /4 and /3 of RGB and gray equal Pillow's."""
    paths = []
    for name, img in (("astronaut", astronaut), ("camera", camera)):
        paths.append(str(tmp_path / f"{name}.npy"))
        np.save(paths[-1], img)
    env = {**os.environ, **_NO_VNNI, "PYTHONWARNINGS": "ignore"}
    child = subprocess.run(
        [sys.executable, "-c", _PIL_IN_CHILD, *paths],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert "equal to Pillow" in child.stdout


@pytest.mark.parametrize("method", list(PIL_FILTERS))
def test_pil_uint8_downscale_by_4_reads_bytes_of_words(astronaut, camera, calls, method) -> None:
    """Pillow's /4 of gray and RGB rows (a group of several rows per call) takes
    ``_byte_taps`` where a phase has more than 4 taps (all but box), bit-exact to Pillow; RGBA
    and /2 keep the deinterleave."""
    for width, out_w, channels in [(512, 128, 1), (512, 128, 3), (512, 128, 4), (512, 256, 3)]:
        taps = resize_module._pil_fixed_point(
            make_plan("pil", method, (Axis(width, out_w, None),), True, False).taps[0]
        )
        poly = compiled.phases(taps, width, np.dtype(np.int32))
        expected_path = method != "box" and out_w == 128 and channels != 4
        assert compiled._samples_in_words(poly, channels, 1) == expected_path
    for img in (astronaut, camera):
        for size in [(128, 128), (512, 128), (100, 128)]:
            want = np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[method]))
            got = resamplers.resize(img, size=size, method=method, compat="pil")
            np.testing.assert_array_equal(got, want)
    assert calls == ["resample_pil_uint8"] * 6


def test_resize_takes_the_compiled_path(astronaut, calls) -> None:
    x = _image(astronaut, torch.float32)
    engine = _run(x, (2, 3), make_plan(None, "cubic", _axes(x, (40, 48)), True, False), "cubic")
    out = resamplers.resize(x, size=(40, 48), method="cubic")
    assert calls == ["resample_2d"]
    torch.testing.assert_close(out, engine, atol=1e-5, rtol=0)
    resamplers.resize(x, size=(40, 48), method="cubic", compat="torch")  # F.interpolate's own
    assert calls == ["resample_2d"]


@pytest.mark.parametrize("size", [*SIZES, (1024, 1024)])
@pytest.mark.parametrize("method", list(PIL_FILTERS))
def test_pil_uint8_is_bit_exact(astronaut, camera, calls, method, size) -> None:
    for img in (astronaut, camera):
        expected = np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[method]))
        got = resamplers.resize(img, size=size, method=method, compat="pil")
        np.testing.assert_array_equal(got, expected)
    assert calls == ["resample_pil_uint8"] * 2


def test_pil_uint8_layouts(astronaut, calls) -> None:
    """HWC arrays, NCHW and channels_last tensors: the same bytes, each layout kept."""
    expected = np.array(Image.fromarray(astronaut).resize((48, 40), Image.BICUBIC))
    nchw = torch.from_numpy(astronaut).permute(2, 0, 1)[None].repeat(2, 1, 1, 1).contiguous()
    channels_last = nchw.contiguous(memory_format=torch.channels_last)
    for x in (nchw, channels_last, nchw[:, :, ::2].mT, channels_last[..., ::2]):
        out = resamplers.resize(x, size=(40, 48), compat="pil")
        fmt = torch.channels_last
        assert x.is_contiguous(memory_format=fmt) == out.is_contiguous(memory_format=fmt)
        plan = make_plan("pil", "cubic", _axes(x, (40, 48)), True, False)
        torch.testing.assert_close(out, _run(x, (2, 3), plan, "cubic"), atol=0, rtol=0)
    torch.testing.assert_close(
        resamplers.resize(nchw, size=(40, 48), compat="pil")[1].permute(1, 2, 0),
        torch.from_numpy(expected),
        atol=0,
        rtol=0,
    )
    assert calls == ["resample_pil_uint8"] * 5


def _axes(x: torch.Tensor, size) -> tuple[Axis, ...]:
    return tuple(Axis(n, m, None) for n, m in zip(x.shape[2:], size, strict=True))


def test_default_uint8_rounds_as_the_engine(astronaut, calls) -> None:
    """Integer images outside compat="pil" run in float32, rounded once at the end."""
    x = torch.from_numpy(astronaut).permute(2, 0, 1)[None]
    for size in [(40, 48), (211, 250)]:
        fast, engine = _both(x, size, "cubic")
        assert int((fast.int() - engine.int()).abs().max()) <= 1  # a sum on a .5 boundary
    assert calls == ["resample_2d"] * 2


@pytest.mark.parametrize("size", [(40, 48), (211, 250), (53, 37), (100, 333)])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_integer_images_are_read_in_place(astronaut, camera, monkeypatch, size, dtype) -> None:
    """HWC and gray uint8/uint16 images go to the kernels as they are (no float copy of the
    image), in either order of the passes (down, up, mixed), channels interleaved; the result is
    the float32 resize rounded once (within 1 level: float32 sums in another order can land on
    the other side of .5)."""
    seen: list[bool] = []
    original = compiled.resample_2d

    def spy(x, *taps):
        if x.dtype == dtype:  # not the float32 reference
            seen.append(any(np.shares_memory(x, image) for image in images))
        return original(x, *taps)

    monkeypatch.setattr(compiled, "resample_2d", spy)
    scale = 257 if dtype == np.uint16 else 1
    images = [np.ascontiguousarray(astronaut.astype(dtype) * scale), camera.astype(dtype) * scale]
    for image in images:
        got = resamplers.resize(image, size=size, method="cubic")
        high = np.iinfo(dtype).max
        want = resamplers.resize(image.astype(np.float32), size=size, method="cubic")
        want = np.clip(np.floor(want + 0.5), 0, high)
        assert got.dtype == dtype and got.shape == want.shape
        diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
        # uint16 values carry ~0.01 of float32 rounding error: more of them fall near .5.
        assert diff.max() <= 1 and (diff == 0).mean() > (0.999 if dtype == np.uint8 else 0.99)
    assert seen == [True, True]


@pytest.mark.parametrize("method", ["linear", "cubic"])
@pytest.mark.parametrize("size", [(40, 48), (320, 384), (53, 37), (100, 333), (1024, 1024)])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_integer_results_are_rounded_in_the_kernels(astronaut, size, dtype, method) -> None:
    """``rounded``: the kernels round each block of integer data as it is done (half up,
    clamped: cubic overshoots both ends here), exactly as rounding the float32 result after, in
    either order of the passes (x2: the vertical pass's 2 or 4 taps rounded as they are
    summed); the result is in the data's dtype (no float32 result)."""
    high = np.iinfo(dtype).max
    image = (astronaut.astype(dtype) * (high // 255))[None]
    image[0, 20:140, 20:170] = 0  # a black frame around a white square: steps that ring
    image[0, 50:110, 60:130] = high
    axes = tuple(Axis(n, m, None) for n, m in zip(image.shape[1:3], size, strict=True))
    taps = make_plan(None, method, axes, True, False).taps
    floats = compiled.resample_2d(image, *taps)
    assert floats.dtype == np.float32
    assert method == "linear" or ((floats < 0).any() and (floats > high).any())
    want = np.clip(np.floor(floats + np.float32(0.5)), 0, high).astype(dtype)
    got = compiled.resample_2d(image, *taps, True)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, want)


def test_numpy_images_skip_torch(astronaut, monkeypatch) -> None:
    """NumPy images go to the kernels and back with no torch op (each costs 30-60 us on caches
    that the last call's data evicted); tensors with one, for the result. Read-only arrays
    (numba would compile other variants for them) go through a tensor: the same result."""
    made: list[tuple[int, ...]] = []
    from_numpy = torch.from_numpy
    monkeypatch.setattr(torch, "from_numpy", lambda a: made.append(a.shape) or from_numpy(a))
    image = np.ascontiguousarray(astronaut)
    frozen = image.copy()
    frozen.flags.writeable = False
    for compat in (None, "pil"):
        got = resamplers.resize(image, size=(100, 130), compat=compat)
        assert isinstance(got, np.ndarray) and got.dtype == np.uint8 and made == []
        again = resamplers.resize(frozen, size=(100, 130), compat=compat)
        np.testing.assert_array_equal(again, got)
        assert made
        made.clear()
    x = from_numpy(image).permute(2, 0, 1)[None].float()
    resamplers.resize(x, size=(100, 130))
    assert made == [(1, 3, 100, 130)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", SIZES)
def test_float_hwc_images_are_read_in_place(astronaut, monkeypatch, size, dtype) -> None:
    """HWC float images and channels_last tensors go to the kernels as they are (channels
    interleaved, no copy to planes) and equal the planar path."""
    image = (astronaut / 255).astype(dtype)
    seen: list[bool] = []
    original = compiled.resample_2d

    def spy(x, *taps):
        seen.append(x.ndim == 4 and x.shape[3] == 3 and np.shares_memory(x, image))
        return original(x, *taps)

    monkeypatch.setattr(compiled, "resample_2d", spy)
    channels_last = torch.from_numpy(image).permute(2, 0, 1)[None]
    planar = resamplers.resize(channels_last.contiguous(), size=size, method="cubic")
    got_hwc = resamplers.resize(image, size=size, method="cubic")
    got_cl = resamplers.resize(channels_last, size=size, method="cubic")
    tolerance = TOLERANCE[torch.float32 if dtype == np.float32 else torch.float64]
    torch.testing.assert_close(got_cl, planar, atol=tolerance, rtol=0)
    np.testing.assert_allclose(got_hwc, planar[0].permute(1, 2, 0).numpy(), atol=tolerance, rtol=0)
    assert seen == [False, True, True]  # the planar tensor, then in place twice


@pytest.mark.parametrize("size", [(341, 170), (700, 600), (53, 1000)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_few_taps_on_interleaved_channels_equal_engine(astronaut, calls, size, dtype) -> None:
    """Two-tap horizontal tables (OpenCV's linear, not periodic) on HWC RGB images gather each
    value's inputs along the interleaved row (no transposes): equal to the engine."""
    image = astronaut if dtype == np.uint8 else (astronaut / 255).astype(dtype)
    axes = tuple(Axis(n, m, None) for n, m in zip(image.shape[:2], size, strict=True))
    plan = make_plan("opencv", "linear", axes, True, False)
    assert all(taps.weight.shape[1] == 2 for taps in plan.taps)
    got = resamplers.resize(image, size=size, method="linear", compat="opencv")
    _assert_equals_engine(got, _run(torch.from_numpy(image).float(), (0, 1), plan, "linear"))
    assert calls == ["resample_2d"]


def _assert_equals_engine(got: np.ndarray, floats: torch.Tensor) -> None:
    """``got`` (uint8 or float32) against the engine's float32 result: uint8 rounded once, as
    the engine rounds (a float32 sum on a .5 boundary may round either way: within 1 level, on
    under 0.1 % of the values), float32 within ``TOLERANCE``."""
    if got.dtype == np.uint8:
        expected = floats.add(0.5).floor().clamp(0, 255).to(torch.uint8).numpy()
        differ = got.astype(int) - expected
        assert np.abs(differ).max() <= 1 and np.count_nonzero(differ) < 1e-3 * differ.size
    else:
        np.testing.assert_allclose(got, floats.numpy(), atol=TOLERANCE[torch.float32], rtol=0)


# (input width, output width): x2 (two phases at unit step), x3, /4 (one phase), 3 -> 2 (two
# phases, step 3)
INTERLEAVED_PERIODIC = [(97, 194), (65, 195), (96, 24), (96, 64)]


@pytest.mark.parametrize(("width", "out_w"), INTERLEAVED_PERIODIC)
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("method", ["linear", "cubic"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_periodic_rows_of_interleaved_channels_equal_engine(
    astronaut, calls, dtype, method, channels, width, out_w
) -> None:
    """Periodic horizontal tables on interleaved channels, each way the pass may run them: whole
    pixels (the rows read in place at unit step; uint8 RGBA deinterleaved as uint32; the
    phases' pixels alternated for 3 and 4 channels) or a row per channel (x3, 2 and 5
    channels, float32 RGBA at a step): equal to the engine."""
    tiled = np.concatenate([astronaut, astronaut[..., ::-1]], axis=2)[:131, :width, :channels]
    image = tiled[..., 0] if channels == 1 else np.ascontiguousarray(tiled)
    if dtype == np.float32:
        image = (image / 255).astype(dtype)
    size = (image.shape[0] * out_w // width, out_w)
    axes = tuple(Axis(n, m, None) for n, m in zip(image.shape[:2], size, strict=True))
    plan = make_plan(None, method, axes, True, False)
    assert int(compiled.phases(plan.taps[1], width, np.dtype(np.float32))[0][3]) > 0
    got = resamplers.resize(image, size=size, method=method)
    _assert_equals_engine(got, _run(torch.from_numpy(image).float(), (0, 1), plan, method))
    assert calls == ["resample_2d"]


@pytest.mark.parametrize(("size", "block"), [((40, 48), 32), ((320, 384), 32), ((211, 250), 128)])
def test_periodic_passes_run_smaller_blocks_of_wide_rows(
    astronaut, calls, monkeypatch, size, block
) -> None:
    """Where the horizontal pass is periodic, a block holds the rows that fit in ``_MID_BYTES``
    (at least 32: here all blocks are that small), down (vertical pass first) and up
    (horizontal first); transposed tables keep ``_BLOCK`` rows (their lanes). Results equal the
    engine's across the blocks' edges."""
    monkeypatch.setattr(compiled, "_MID_BYTES", 1)
    blocks: list[int] = []
    in_parallel = compiled._in_parallel

    def spy(kernel, items, work, *args, **options):
        blocks.append(args[4] if kernel is compiled._vertical_first else args[5])
        return in_parallel(kernel, items, work, *args, **options)

    monkeypatch.setattr(compiled, "_in_parallel", spy)
    fast, engine = _both(_image(astronaut, torch.float32), size, "cubic")
    torch.testing.assert_close(fast, engine, atol=1e-5, rtol=0)
    assert calls == ["resample_2d"] and blocks == [block]


def test_thread_counts_agree(astronaut) -> None:
    x = _image(astronaut, torch.float32).repeat(4, 1, 1, 1)
    img = np.ascontiguousarray(np.tile(astronaut, (4, 4, 1)))
    before = torch.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            results.append(
                (
                    resamplers.resize(x, size=(53, 37)),
                    resamplers.resize(x, size=(320, 384), method="lanczos3"),
                    resamplers.resize(img, size=(100, 333), compat="pil"),
                    resamplers.resize(img, size=(4000, 3000), method="nearest"),
                )
            )
    finally:
        torch.set_num_threads(before)
    for one, two in zip(*results, strict=True):
        np.testing.assert_array_equal(np.asarray(one), np.asarray(two))


def test_first_compile_is_announced(monkeypatch) -> None:
    """A call that makes numba compile (tens of seconds) is announced by a warning, once per
    kernel and kind of arguments; a signature that is loaded or in the disk cache is not."""
    x = torch.rand(1, 1, 128, 128)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resamplers.resize(x, size=32)
    planes = x.numpy().reshape(1, 128, 128)
    both = compiled.tables(*_plan_taps(128, 32), 128, 128, np.dtype(np.float32))
    claimed = np.zeros(3, np.int64)
    out = np.empty((1, 32, 32), np.float32)
    live = compiled.no_live_rows(np.dtype(np.float32))
    args = (planes, out, both, live, 128, 32, np.empty(1), None, claimed, 0, False)
    assert not compiled._compiles(compiled._vertical_first, args)  # loaded by the call above
    never = (planes.astype(np.int16), *args[1:])  # no path calls the kernels with int16 data
    assert compiled._compiles(compiled._vertical_first, never)

    monkeypatch.setattr(compiled, "_CHECKED", set())
    monkeypatch.setattr(compiled, "_compiles", lambda kernel, args: True)
    compiled.prepare_2d.cache_clear()  # a prepared call checks on its first run only
    with pytest.warns(UserWarning, match="compiling the CPU resize kernel _vertical_first for "):
        resamplers.resize(x, size=32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same kernel and kinds: said once
        resamplers.resize(torch.rand(1, 1, 100, 100), size=20)
    with pytest.warns(UserWarning, match="kernel _vertical_first for float64"):
        resamplers.resize(x.double(), size=32)


def test_a_late_thread_leaves_its_items_to_the_caller() -> None:
    """Threads claim items one at a time: while the pool's thread is held up (busy elsewhere, or
    descheduled), the caller computes every item itself rather than leave that thread a fixed
    share to wait for. Here the pool's thread is blocked until the caller's output is complete:
    with fixed shares it never would be."""
    start, weight = compiled.windows(_plan_taps(64, 24)[0], 64, np.dtype(np.float32))
    rng = np.random.default_rng(0)
    mid = rng.random((64, 500), dtype=np.float32)
    want = np.einsum("ok,okx->ox", weight, mid[start[:, None] + np.arange(weight.shape[1])])
    out = np.zeros((24, 500), np.float32)
    before = torch.get_num_threads()
    release = threading.Event()
    blocked = compiled._submit(compiled._pool(1), release.wait, 60)
    complete = []

    def watch() -> None:  # until the output is complete (or 30 s), then unblock the pool
        deadline = time.monotonic() + 30
        while not np.allclose(out, want, atol=1e-5) and time.monotonic() < deadline:
            time.sleep(0.01)
        complete.append(np.allclose(out, want, atol=1e-5))
        release.set()

    watcher = threading.Thread(target=watch)
    torch.set_num_threads(2)
    try:
        watcher.start()
        compiled._in_parallel(compiled._depth, 24, 1 << 30, mid, start, weight, out, False)
    finally:
        release.set()
        torch.set_num_threads(before)
        watcher.join()
    compiled._wait(blocked)
    assert complete == [True]
    np.testing.assert_allclose(out, want, atol=1e-5)


def test_little_work_stays_on_the_calling_thread(monkeypatch) -> None:
    """Under ``_PARALLEL_WORK`` (waking a pool thread would cost more) a call uses no pool
    thread, whatever ``torch.get_num_threads()`` says; the result is the same."""
    start, weight = compiled.windows(_plan_taps(64, 24)[0], 64, np.dtype(np.float32))
    mid = np.random.default_rng(0).random((64, 500), dtype=np.float32)
    want = np.empty((24, 500), np.float32)
    compiled._in_parallel(compiled._depth, 24, 1 << 30, mid, start, weight, want, False)

    def no_pool(workers: int) -> None:
        raise AssertionError("a pool thread for a small call")

    monkeypatch.setattr(compiled, "_pool", no_pool)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        out = np.empty_like(want)
        args = (mid, start, weight, out, False)
        compiled._in_parallel(compiled._depth, 24, compiled._PARALLEL_WORK - 1, *args)
        with pytest.raises(AssertionError, match="a pool thread"):
            compiled._in_parallel(compiled._depth, 24, compiled._PARALLEL_WORK, *args)
    finally:
        torch.set_num_threads(before)
    np.testing.assert_array_equal(out, want)


def _resample_in_child(x: np.ndarray, queue: multiprocessing.Queue) -> None:
    queue.put(compiled.resample_2d(x, *_plan_taps(160, 64)))


def test_calls_from_many_threads_and_a_forked_child(astronaut) -> None:
    """The kernels hold no lock and share a thread pool: concurrent calls from user threads get
    their own results, and a forked child starts a pool of its own (the parent's threads do
    not exist there). The child calls the kernel directly: torch's own OpenMP ops are not
    fork-safe with more than one thread (DataLoader workers run with one)."""
    x = _image(astronaut, torch.float32)
    sizes = [(53, 37), (128, 128), (200, 90), (64, 300)]
    planes = np.ascontiguousarray(astronaut[:, :160].transpose(2, 0, 1), np.float32)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        alone = [resamplers.resize(x, size=size) for size in sizes]
        with ThreadPoolExecutor(4) as users:
            together = list(users.map(lambda size: resamplers.resize(x, size=size), sizes * 3))
        parent = compiled.resample_2d(planes, *_plan_taps(160, 64))
        fork = multiprocessing.get_context("fork")
        queue = fork.Queue()
        child = fork.Process(target=_resample_in_child, args=(planes, queue))
        child.start()
        try:
            forked = queue.get(timeout=60)
        finally:
            child.kill()
    finally:
        torch.set_num_threads(before)
    for got, want in zip(together, alone * 3, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=0)
    np.testing.assert_array_equal(forked, parent)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
@pytest.mark.parametrize("out_size", [32, 128])
@pytest.mark.parametrize("method", ["cubic", "linear"])
def test_non_finite_input_takes_the_engine(bad, out_size, method) -> None:
    """Zero weights would spread a NaN or infinity: the compiled result is dropped and the
    engine keeps it to the outputs whose taps cover it. The kernels check the sums of the
    outputs (linear upscaling: summed in the loop that stores them)."""
    x = torch.rand(1, 2, 64, 64, dtype=torch.float64)
    x[0, 1, 20, 30] = bad
    taps = _plan_taps(64, out_size, method)
    assert compiled.resample_2d(x.reshape(2, 64, 64).numpy(), *taps) is None
    out = resamplers.resize(x, size=out_size, method=method)
    engine = _both(x, (out_size, out_size), method)[1]
    torch.testing.assert_close(out, engine, equal_nan=True)
    assert torch.isfinite(out[0, 0]).all() and not torch.isfinite(out[0, 1]).all()
    # The covering kernel's footprint along each axis: 4 taps, in the larger of the grids.
    footprint = 4 * max(64 // out_size, out_size // 64)
    assert int((~torch.isfinite(out)).sum()) <= footprint**2


def _plan_taps(n: int, m: int, method: str = "cubic"):
    return make_plan(None, method, (Axis(n, m, None),) * 2, True, False).taps


# One axis resampled alone (the others kept), by one pass over whole rows: the vertical pass
# where the values after the axis in memory make rows of at least 16, else the horizontal pass
# with those values as interleaved channels. A volume's depth and one more axis: the 3-D
# kernels, their 2-D pass skipping the kept axis.
ONE_AXIS_CASES = [
    ((2, 3, 64, 80), (64, 27), "resample_2d"),  # width: horizontal pass over N * C * H rows
    ((2, 3, 64, 80), (150, 80), "resample_2d"),  # height: vertical pass over rows of 80
    ((4, 8, 300), (97,), "resample_2d"),  # 1-D signals: horizontal pass
    ((2, 1, 12, 40, 48), (5, 40, 48), "resample_2d"),  # depth: vertical pass over slices
    ((2, 1, 12, 40, 48), (12, 17, 48), "resample_2d"),  # height: vertical pass, rows of 48
    ((2, 1, 12, 40, 48), (30, 17, 48), "resample_3d"),  # depth and height
    ((2, 1, 12, 40, 48), (5, 40, 100), "resample_3d"),  # depth and width
]


@pytest.mark.parametrize(("shape", "size", "entry"), ONE_AXIS_CASES)
@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3", "area"])
def test_one_axis_equals_engine(calls, method, shape, size, entry) -> None:
    x = torch.rand(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    fast, engine = _both(x, size, method)
    torch.testing.assert_close(fast, engine, atol=1e-12, rtol=0)
    assert calls == [entry]
    torch.testing.assert_close(resamplers.resize(x, size=size, method=method), engine)
    assert calls == [entry] * 2


@pytest.mark.parametrize("length", [61, 500])
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("method", list(PIL_FILTERS))
def test_pil_uint8_one_axis_is_bit_exact(astronaut, camera, calls, method, axis, length) -> None:
    """Pillow skips the pass of an axis whose size is kept; so do the kernels (a narrow image's
    height: the horizontal pass with its 4 * 3 values per row as channels)."""
    for img in (astronaut, camera, np.ascontiguousarray(astronaut[:, :4])):
        size = list(img.shape[:2])
        size[axis] = length
        expected = np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[method]))
        got = resamplers.resize(img, size=size, method=method, compat="pil")
        np.testing.assert_array_equal(got, expected)
    assert calls == ["resample_pil_uint8"] * 3


@pytest.mark.parametrize("size", [(160, 61), (47, 192), (400, 192)])
def test_default_uint8_one_axis_rounds_as_the_engine(astronaut, calls, size) -> None:
    x = torch.from_numpy(astronaut).permute(2, 0, 1)[None]  # channels_last strides
    fast, engine = _both(x, size, "cubic")
    assert int((fast.int() - engine.int()).abs().max()) <= 1  # a sum on a .5 boundary
    assert fast.is_contiguous(memory_format=torch.channels_last)
    assert calls == ["resample_2d"]


@pytest.mark.parametrize("size", [(64, 20), (20, 64)])
def test_one_axis_non_finite_input_takes_the_engine(size) -> None:
    x = torch.rand(1, 2, 64, 64, dtype=torch.float64)
    x[0, 1, 20, 30] = float("nan")
    out = resamplers.resize(x, size=size, method="cubic")
    torch.testing.assert_close(out, _both(x, size, "cubic")[1], equal_nan=True)
    assert torch.isfinite(out[0, 0]).all() and 0 < int(out[0, 1].isnan().sum()) <= 4


@pytest.mark.parametrize("scale", [1 / 4, 1 / 3, 1 / 2, 1.5, 2, 3])
def test_matlab_uint8_runs_one_pass_at_a_time(astronaut, camera, calls, scale) -> None:
    """MATLAB rounds integer images after each pass (height first): one compiled pass per
    axis, in float64 as the engine. Bit-identical to it, but at x1.5, where sums fall exactly
    on .5 (weights with denominator 54): the order of the sums decides those, 0.13 % of the
    pixels here (no MATLAB reference at x1.5 says which; the SR test data, /2 /3 /4, match)."""
    for img in (astronaut, camera):
        got = resamplers.resize(img, scale=scale, method="cubic", compat="matlab")
        size = [output_size("matlab", n, scale) for n in img.shape[:2]]
        axes = tuple(Axis(n, m, scale) for n, m in zip(img.shape[:2], size, strict=True))
        plan = make_plan("matlab", "cubic", axes, True, False)
        engine = _run(torch.from_numpy(img), (0, 1), plan, "cubic").numpy()
        differ = got != engine
        assert np.abs(got.astype(int) - engine).max() <= 1
        assert differ.mean() <= (0.005 if scale == 1.5 else 0.0)
    assert calls == ["resample_2d"] * 4


def test_matlab_uint8_volume_runs_a_pass_per_axis(calls) -> None:
    rng = np.random.default_rng(6)
    vol = torch.from_numpy(rng.integers(0, 256, (1, 1, 20, 30, 40), dtype=np.uint8))
    size = (10, 45, 13)
    axes = tuple(Axis(n, m, m / n) for n, m in zip(vol.shape[2:], size, strict=True))
    plan = make_plan("matlab", "cubic", axes, True, False)
    got = _run(vol, (2, 3, 4), plan, "cubic", compiled=True)
    assert calls == ["resample_2d"] * 3
    torch.testing.assert_close(got, _run(vol, (2, 3, 4), plan, "cubic"), rtol=0, atol=0)


@pytest.mark.parametrize("method", ["nearest", "linear", "cubic"])
def test_kept_size_is_a_copy(astronaut, calls, method) -> None:
    """Every axis kept (by size or by scale 1): an equal copy, never the input itself or a view
    of it, whatever the method."""
    x = torch.rand(2, 3, 40, 50)
    hwc = np.ascontiguousarray(x[0].permute(1, 2, 0).numpy())
    for data in (x, hwc, astronaut, astronaut.astype(np.uint16)):
        size = tuple(data.shape[2:] if isinstance(data, torch.Tensor) else data.shape[:2])
        for out in (
            resamplers.resize(data, size=size, method=method),
            resamplers.resize(data, scale=1.0, method=method),
        ):
            assert type(out) is type(data) and out.dtype == data.dtype
            np.testing.assert_array_equal(np.asarray(out), np.asarray(data))
            assert not np.shares_memory(np.asarray(out), np.asarray(data))
    assert calls == []


def test_autograd_keeps_the_differentiable_engine(calls) -> None:
    x = torch.rand(1, 1, 12, 10, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: resamplers.resize(t, size=(5, 7)), (x,))
    assert calls == []
    with torch.no_grad():
        resamplers.resize(torch.rand(1, 3, 120, 100), size=(50, 70))
    assert calls == ["resample_2d"]


def test_works_without_numba(astronaut, monkeypatch) -> None:
    monkeypatch.setattr(resize_module, "_compiled", lambda: None)
    expected = np.asarray(Image.fromarray(astronaut).resize((48, 40), Image.BICUBIC))
    np.testing.assert_array_equal(
        resamplers.resize(astronaut, size=(40, 48), compat="pil"), expected
    )


# Nearest-neighbour sampling: the compiled byte gathers against index_select (the engine's
# gathers, ``_run``), exactly, for every preset's index map.
NEAREST_PRESETS = [
    ("nearest", None),
    ("nearest", "torch"),
    ("nearest-exact", "torch"),
    ("nearest", "opencv"),
    ("nearest", "pil"),
    ("nearest", "matlab"),
]


def _gathered_and_engine(data, size, method, compat, spatial):
    """``resize`` (the compiled gathers) and ``_run`` (index_select) on the same plan."""
    shape = [data.shape[a] for a in spatial]
    axes = tuple(Axis(n, m, None) for n, m in zip(shape, size, strict=True))
    plan = make_plan(compat, method, axes, True, False)
    tensor = data if isinstance(data, torch.Tensor) else torch.from_numpy(data)
    expected = _run(tensor, spatial, plan, method)
    numpy_input = not isinstance(data, torch.Tensor)
    got = resamplers.resize(
        data, size=size, method=method, compat=compat, axes=None if numpy_input else spatial
    )
    return got, expected


@pytest.mark.parametrize(("method", "compat"), NEAREST_PRESETS)
@pytest.mark.parametrize("size", [(40, 48), (53, 37), (100, 333), (480, 576), (1024, 1100)])
def test_nearest_gathers_equal_index_select(astronaut, calls, method, compat, size) -> None:
    """HWC RGB and gray NumPy images, NCHW and channels_last tensors, down, up and mixed."""
    x = torch.from_numpy(astronaut).permute(2, 0, 1)[None].float()
    for data, spatial in (
        (astronaut, (0, 1)),
        (np.ascontiguousarray(astronaut[..., 1]), (0, 1)),
        (x, (2, 3)),
        (x.contiguous(memory_format=torch.channels_last), (2, 3)),
    ):
        got, expected = _gathered_and_engine(data, size, method, compat, spatial)
        assert type(got) is type(data) and got.dtype == data.dtype
        np.testing.assert_array_equal(np.asarray(got), expected.numpy())
        if isinstance(data, torch.Tensor):
            assert got.is_contiguous(memory_format=torch.channels_last) == (
                data.is_contiguous(memory_format=torch.channels_last)
            )
    assert calls == ["gather"] * 4


@pytest.mark.parametrize(
    "dtype",
    [
        np.uint8,
        np.int16,
        np.uint16,
        np.int32,
        np.int64,
        np.float16,
        np.float32,
        np.float64,
        *[torch.bool, torch.complex64],
    ],
)
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 5, 7])
def test_nearest_gathers_any_dtype_and_channels(calls, dtype, channels) -> None:
    """Pixels of 1 to 56 bytes move whole (one to three unaligned moves, 3-byte pixels as
    overlapping 4-byte ones; x2 widths as typed doubled rows), including rows of one pixel and
    the last pixel of the data;
    NumPy HWC images, and bool and complex channels_last tensors (NumPy images are integers or
    floats)."""
    rng = np.random.default_rng(channels)
    cases = [((13, 17), (29, 7)), ((13, 17), (5, 40)), ((5, 1), (7, 1)), ((1, 1), (3, 3))]
    cases += [((2, 2), (1, 1)), ((6, 5), (12, 10)), ((6, 5), (3, 10))]  # x2: pixels doubled
    for shape, size in cases:
        values = rng.random((*shape, channels)) * 1000
        rows = np.minimum((np.arange(size[0]) + 0.5) * shape[0] // size[0], shape[0] - 1)
        cols = np.minimum((np.arange(size[1]) + 0.5) * shape[1] // size[1], shape[1] - 1)
        if isinstance(dtype, torch.dtype):
            data = torch.from_numpy(values).to(dtype).permute(2, 0, 1)[None]
            data = data.contiguous(memory_format=torch.channels_last)
            got = resamplers.resize(data, size=size, method="nearest")
            expected = data[:, :, rows.astype(int)][..., cols.astype(int)]
            assert got.dtype == dtype and got.is_contiguous(memory_format=torch.channels_last)
            torch.testing.assert_close(got, expected, rtol=0, atol=0)
        else:
            data = values.astype(dtype)
            got = resamplers.resize(data, size=size, method="nearest")
            assert got.dtype == data.dtype
            np.testing.assert_array_equal(got, data[rows.astype(int)][:, cols.astype(int)])
    assert calls == ["gather"] * len(cases)


@pytest.mark.parametrize(
    ("shape", "size", "spatial"),
    [
        ((2, 3, 9, 10, 11), (4, 20, 6), (2, 3, 4)),  # volumes: depth and height index the rows
        ((2, 3, 9, 10, 11), (9, 20, 11), (2, 3, 4)),  # one axis of three
        ((4, 2, 100), (37,), (2,)),  # signals
        ((4, 2, 100), (250,), (2,)),
        ((3, 40, 50), (20, 70), (0, 1)),  # axes= in another layout: copied to planes first
    ],
)
def test_nearest_gathers_volumes_signals_and_axes(calls, shape, size, spatial) -> None:
    x = torch.randn(shape)
    for method, compat in NEAREST_PRESETS[:3]:
        axes = tuple(Axis(x.shape[a], m, None) for a, m in zip(spatial, size, strict=True))
        plan = make_plan(compat, method, axes, True, False)
        got = resamplers.resize(x, size=size, method=method, compat=compat, axes=spatial)
        torch.testing.assert_close(got, _run(x, spatial, plan, method), rtol=0, atol=0)
    assert calls == ["gather"] * 3


def test_nearest_leaves_autograd_bfloat16_and_read_only_to_index_select(astronaut, calls):
    x = torch.rand(1, 2, 12, 10, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: resamplers.resize(t, size=(25, 7), method="nearest"), (x,)
    )
    half = torch.rand(1, 3, 30, 20).to(torch.bfloat16)
    plan = make_plan(None, "nearest", (Axis(30, 50, None), Axis(20, 8, None)), True, False)
    torch.testing.assert_close(
        resamplers.resize(half, size=(50, 8), method="nearest"), _run(half, (2, 3), plan, "nearest")
    )
    read_only = astronaut.copy()
    read_only.flags.writeable = False
    got = resamplers.resize(read_only, size=(100, 333), method="nearest")
    np.testing.assert_array_equal(
        got, resamplers.resize(astronaut, size=(100, 333), method="nearest")
    )
    assert calls == ["gather"]  # the writable image only
