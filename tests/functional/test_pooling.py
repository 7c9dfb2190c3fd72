"""Tests for resamplers.functional.pooling: torch pools, BlurPool, MaxBlurPool and APS."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from skimage import data

from resamplers.functional.pooling import (
    AdaptiveAvgPool,
    AdaptiveMaxPool,
    APSPool,
    AvgPool,
    BlurPool,
    LPPool,
    MaxBlurPool,
    MaxPool,
    adaptive_avg_pool,
    adaptive_max_pool,
    aps_pool,
    avg_pool,
    blur_pool,
    lp_pool,
    max_blur_pool,
    max_pool,
)

ASTRONAUT = data.astronaut().astype(np.float32) / 255  # (512, 512, 3)
SIZES = {
    (1, False): (64,),
    (1, True): (61,),
    (2, False): (32, 28),
    (2, True): (33, 29),
    (3, False): (8, 12, 10),
    (3, True): (9, 11, 7),
}
NUMPY_PAD = {"reflect": "reflect", "replicate": "edge", "circular": "wrap", "constant": "constant"}
DIMS_ODD = [(dims, odd) for dims in (1, 2, 3) for odd in (False, True)]


def image(dims: int, odd: bool, batch: int = 2) -> torch.Tensor:
    """Crops of the astronaut photo as ``(batch, 3, *spatial)``: rows, patches or a stack."""
    size = SIZES[dims, odd]
    crops = []
    for b in range(batch):
        top, left = 100 + 57 * b, 150 + 31 * b
        if dims == 1:
            crop = ASTRONAUT[top, left : left + size[0]]
        elif dims == 2:
            crop = ASTRONAUT[top : top + size[0], left : left + size[1]]
        else:
            crop = np.stack(
                [
                    ASTRONAUT[top + 3 * k : top + 3 * k + size[1], left : left + size[2]]
                    for k in range(size[0])
                ]
            )
        crops.append(np.moveaxis(crop, -1, 0))
    return torch.from_numpy(np.stack(crops))


def torch_op(name: str, dims: int):
    return getattr(F, f"{name}{dims}d")


def numpy_blur_pool(x: np.ndarray, factor: tuple[int, ...], size: int, pad_mode: str) -> np.ndarray:
    """Pad, correlate with the binomial filter and subsample, one axis at a time, in float64."""
    taps = np.ones(1)
    for _ in range(size - 1):
        taps = np.convolve(taps, [0.5, 0.5])
    out = np.asarray(x, dtype=np.float64)
    for axis, step in zip(range(2, out.ndim), factor, strict=True):
        pad = [(0, 0)] * out.ndim
        pad[axis] = ((size - 1) // 2, size // 2)
        windows = sliding_window_view(np.pad(out, pad, mode=NUMPY_PAD[pad_mode]), size, axis=axis)
        out = np.take(windows, np.arange(0, windows.shape[axis], step), axis=axis) @ taps
    return out


def aps_reference(x: np.ndarray, factor: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Brute force: every polyphase component of every sample, first largest norm wins."""
    outs, offsets = [], []
    for sample in np.asarray(x, dtype=np.float64):
        best = None
        for offset in itertools.product(*(range(f) for f in factor)):
            index = (slice(None), *(slice(o, None, f) for o, f in zip(offset, factor, strict=True)))
            norm = np.sum(sample[index] ** 2)
            if best is None or norm > best[0]:
                best = (norm, sample[index], offset)
        outs.append(best[1])
        offsets.append(best[2])
    return np.stack(outs), np.array(offsets)


# --- torch's pools behind one N-d entry ------------------------------------------------------

MAX_CONFIGS = [
    {"kernel": 2},
    {"kernel": 3, "stride": 2, "padding": 1},
    {"kernel": 3, "stride": 1, "dilation": 2, "ceil_mode": True},
    {"kernel": 2, "stride": 3, "ceil_mode": True},
]


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize("config", MAX_CONFIGS)
def test_max_pool_matches_torch(dims: int, odd: bool, config: dict) -> None:
    x = image(dims, odd)
    args = (config["kernel"], config.get("stride"), config.get("padding", 0))
    args += (config.get("dilation", 1), config.get("ceil_mode", False))
    expected, expected_idx = torch_op("max_pool", dims)(x, *args, return_indices=True)
    out, idx = max_pool(x, *args, return_indices=True)
    assert torch.equal(out, expected)
    assert torch.equal(idx, expected_idx)
    assert torch.equal(max_pool(x, *args), expected)


def test_max_pool_per_axis_arguments() -> None:
    x = image(3, True)
    expected = F.max_pool3d(x, (1, 2, 3), (1, 2, 2), (0, 1, 1))
    assert torch.equal(max_pool(x, (1, 2, 3), (1, 2, 2), (0, 1, 1)), expected)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_pool_integer_numpy(dims: int) -> None:
    x = (image(dims, True).numpy() * 255).round().astype(np.uint8)
    out, idx = max_pool(x, 3, 2, 1, return_indices=True)
    assert out.dtype == np.uint8 and isinstance(idx, np.ndarray) and idx.dtype == np.int64
    expected, expected_idx = torch_op("max_pool", dims)(
        torch.from_numpy(x).float(), 3, 2, 1, return_indices=True
    )
    np.testing.assert_array_equal(out, expected.numpy())
    np.testing.assert_array_equal(idx, expected_idx.numpy())


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize(
    "config",
    [
        {"kernel": 2},
        {"kernel": 3, "stride": 2, "padding": 1, "count_include_pad": False},
        {"kernel": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    ],
)
def test_avg_pool_matches_torch(dims: int, odd: bool, config: dict) -> None:
    x = image(dims, odd)
    expected = torch_op("avg_pool", dims)(
        x,
        config["kernel"],
        config.get("stride"),
        config.get("padding", 0),
        config.get("ceil_mode", False),
        config.get("count_include_pad", True),
    )
    assert torch.equal(avg_pool(x, **config), expected)


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize(("p", "kernel", "stride"), [(2, 2, None), (3, 3, 2), (1.5, 2, 1)])
def test_lp_pool_matches_torch(dims: int, odd: bool, p: float, kernel: int, stride: int) -> None:
    x = image(dims, odd)
    expected = torch_op("lp_pool", dims)(x, p, kernel, stride)
    torch.testing.assert_close(lp_pool(x, p, kernel, stride), expected, rtol=0, atol=0)


def test_lp_pool_3d_is_the_power_mean() -> None:
    x = image(3, False)[:, :, :4, :4, :4].double()
    expected = x.pow(3).sum(dim=(2, 3, 4), keepdim=True).pow(1 / 3)
    torch.testing.assert_close(lp_pool(x, 3, 4), expected)


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize("size", [1, 3, 5])
def test_adaptive_pools_match_torch(dims: int, odd: bool, size: int) -> None:
    x = image(dims, odd)
    out, idx = adaptive_max_pool(x, size, return_indices=True)
    expected, expected_idx = torch_op("adaptive_max_pool", dims)(x, size, True)
    assert torch.equal(out, expected) and torch.equal(idx, expected_idx)
    assert torch.equal(adaptive_avg_pool(x, size), torch_op("adaptive_avg_pool", dims)(x, size))


def test_adaptive_pool_none_keeps_the_axis() -> None:
    x = image(3, True)
    assert adaptive_avg_pool(x, (None, 2, None)).shape == (2, 3, 9, 2, 7)
    assert torch.equal(adaptive_max_pool(x, (2, None, 3)), F.adaptive_max_pool3d(x, (2, 11, 3)))


# --- blur_pool -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def antialiased_cnns():
    return pytest.importorskip("antialiased_cnns.blurpool")


@pytest.mark.parametrize("odd", [False, True])
@pytest.mark.parametrize("filter_size", range(1, 8))
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_blur_pool_matches_antialiased_cnns_2d(
    antialiased_cnns, odd: bool, filter_size: int, stride: int
) -> None:
    x = image(2, odd)
    for pad_type, pad_mode in [("reflect", "reflect"), ("repl", "replicate"), ("zero", "constant")]:
        reference = antialiased_cnns.BlurPool(3, pad_type, filter_size, stride)(x)
        torch.testing.assert_close(blur_pool(x, stride, filter_size, pad_mode), reference)
        torch.testing.assert_close(BlurPool(stride, filter_size, pad_mode)(x), reference)


@pytest.mark.parametrize("odd", [False, True])
@pytest.mark.parametrize("filter_size", [2, 3, 4, 5])
def test_blur_pool_matches_antialiased_cnns_1d_on_camera(
    antialiased_cnns, odd: bool, filter_size: int
) -> None:
    rows = torch.from_numpy(data.camera()[200:204, : 255 if odd else 256].astype(np.float32))
    x = rows.view(2, 2, -1)
    reference = antialiased_cnns.BlurPool1D(2, "reflect", filter_size, 2)(x)
    torch.testing.assert_close(blur_pool(x, 2, filter_size), reference)


def test_blur_pool_matches_antialiased_cnns_on_camera(antialiased_cnns) -> None:
    camera = torch.from_numpy(data.camera().astype(np.float32))[None, None, 100:227, 50:300]
    reference = antialiased_cnns.BlurPool(1)(camera)  # defaults: reflect, 4 taps, stride 2
    torch.testing.assert_close(blur_pool(camera), reference)


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize("pad_mode", ["reflect", "replicate", "circular", "constant"])
@pytest.mark.parametrize(("factor", "filter_size"), [(2, 4), (3, 5), ((2, 1, 3), 3)])
def test_blur_pool_matches_numpy(
    dims: int, odd: bool, pad_mode: str, factor, filter_size: int
) -> None:
    x = image(dims, odd).double()
    factor = factor[:dims] if isinstance(factor, tuple) else (factor,) * dims
    expected = numpy_blur_pool(x.numpy(), factor, filter_size, pad_mode)
    out = blur_pool(x.numpy(), factor, filter_size, pad_mode)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    dims=st.integers(1, 3),
    size=st.integers(3, 9),
    factor=st.integers(1, 4),
    filter_size=st.integers(1, 7),
    # zero padding would dilute the constant at the edges
    pad_mode=st.sampled_from(["reflect", "replicate", "circular"]),
    value=st.floats(-1e3, 1e3, allow_nan=False),
)
def test_blur_pool_of_a_constant_is_that_constant(
    dims: int, size: int, factor: int, filter_size: int, pad_mode: str, value: float
) -> None:
    assume(size > filter_size // 2)
    x = torch.full((1, 2, *(size,) * dims), value, dtype=torch.float64)
    out = blur_pool(x, factor, filter_size, pad_mode)
    assert out.shape == (1, 2, *(math.ceil(size / factor),) * dims)
    torch.testing.assert_close(out, torch.full_like(out, value), rtol=1e-12, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.integers(2, 12), min_size=1, max_size=3),
    factor=st.integers(1, 4),
    kernel=st.integers(1, 2),
    filter_size=st.integers(1, 3),
)
def test_output_shapes(sizes: list[int], factor: int, kernel: int, filter_size: int) -> None:
    x = torch.rand(2, 3, *sizes)
    assert blur_pool(x, factor, filter_size).shape == (
        2,
        3,
        *(math.ceil(s / factor) for s in sizes),
    )
    assert aps_pool(x, min(factor, *sizes)).shape == (
        2,
        3,
        *(math.ceil(s / min(factor, *sizes)) for s in sizes),
    )
    expected = (2, 3, *(math.ceil((s - kernel + 1) / factor) for s in sizes))
    assert max_blur_pool(x, factor, kernel, filter_size, "replicate").shape == expected


@pytest.mark.parametrize("dims", [2, 3])
def test_channels_last_input_gives_the_same_values(dims: int) -> None:
    x = image(dims, True)
    fmt = torch.channels_last if dims == 2 else torch.channels_last_3d
    x_cl = x.contiguous(memory_format=fmt)
    for op in (blur_pool, max_blur_pool, aps_pool):
        torch.testing.assert_close(op(x_cl), op(x), rtol=1e-6, atol=1e-7)


# --- max_blur_pool ---------------------------------------------------------------------------


@pytest.mark.parametrize("odd", [False, True])
@pytest.mark.parametrize(("kernel", "stride", "filter_size"), [(2, 2, 4), (3, 2, 3), (2, 3, 5)])
def test_max_blur_pool_matches_antialiased_cnns(
    antialiased_cnns, odd: bool, kernel: int, stride: int, filter_size: int
) -> None:
    # how antialiased_cnns builds its MaxBlurPool: nn.MaxPool2d(k, stride=1) then BlurPool
    x = image(2, odd)
    reference = torch.nn.Sequential(
        torch.nn.MaxPool2d(kernel, stride=1),
        antialiased_cnns.BlurPool(3, filt_size=filter_size, stride=stride),
    )(x)
    torch.testing.assert_close(max_blur_pool(x, stride, kernel, filter_size), reference)
    torch.testing.assert_close(MaxBlurPool(stride, kernel, filter_size)(x), reference)


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize("kernel", [1, 2, 3, (3, 1, 2)])
def test_max_blur_pool_is_a_dense_max_then_blur_pool(dims: int, odd: bool, kernel) -> None:
    x = image(dims, odd).double()
    kernel = kernel[:dims] if isinstance(kernel, tuple) else kernel
    dense = torch_op("max_pool", dims)(x, kernel, 1)
    expected = numpy_blur_pool(dense.numpy(), (2,) * dims, 4, "reflect")
    np.testing.assert_allclose(max_blur_pool(x, 2, kernel).numpy(), expected, rtol=1e-12)


# --- aps_pool --------------------------------------------------------------------------------


@pytest.mark.parametrize(("dims", "odd"), DIMS_ODD)
@pytest.mark.parametrize("factor", [2, 3, (3, 2, 1)])
def test_aps_pool_matches_brute_force(dims: int, odd: bool, factor) -> None:
    x = image(dims, odd, batch=4)
    factor = factor[:dims] if isinstance(factor, tuple) else (factor,) * dims
    extra = [-s % f for s, f in zip(x.shape[2:], factor, strict=True)]
    # the documented circular padding for sizes that are not multiples of the factor
    padded = np.pad(x.numpy(), [(0, 0), (0, 0), *((0, e) for e in extra)], mode="wrap")
    expected, expected_offsets = aps_reference(padded, factor)
    out, offsets = aps_pool(x, factor, return_index=True)
    np.testing.assert_array_equal(out.numpy(), expected.astype(np.float32))
    np.testing.assert_array_equal(offsets.numpy(), expected_offsets)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_aps_pool_is_circular_shift_equivariant(data: st.DataObject) -> None:
    dims = data.draw(st.integers(1, 3), label="dims")
    factor = tuple(data.draw(st.integers(1, 3), label="factor") for _ in range(dims))
    blocks = tuple(
        data.draw(st.integers(1, 4 if dims < 3 else 2), label="blocks") for _ in range(dims)
    )
    sizes = [b * f for b, f in zip(blocks, factor, strict=True)]
    shift = tuple(data.draw(st.integers(-2 * s, 2 * s), label="shift") for s in sizes)
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    n, c = (
        data.draw(st.integers(1, 3), label="batch"),
        data.draw(st.integers(1, 3), label="channels"),
    )
    # small integers: every norm is exact, so a unique maximum is unique in float32 too
    values = np.random.default_rng(seed).integers(-20, 21, size=(n, c, *sizes))
    for sample in values:
        norms = [
            np.sum(
                sample[
                    (slice(None), *(slice(o, None, f) for o, f in zip(off, factor, strict=True)))
                ]
                ** 2
            )
            for off in itertools.product(*(range(f) for f in factor))
        ]
        assume(norms.count(max(norms)) == 1)
    x = torch.from_numpy(values).float()
    spatial = tuple(range(2, 2 + dims))
    out, offsets = aps_pool(x, factor, return_index=True)
    shifted, shifted_offsets = aps_pool(torch.roll(x, shift, spatial), factor, return_index=True)
    for k in range(n):
        carry = [(o + s) // f for o, s, f in zip(offsets[k].tolist(), shift, factor, strict=True)]
        assert torch.equal(shifted[k], torch.roll(out[k], carry, tuple(range(1, 1 + dims))))
        wrapped = [(o + s) % f for o, s, f in zip(offsets[k].tolist(), shift, factor, strict=True)]
        assert shifted_offsets[k].tolist() == wrapped
    # hence a global pool after APS cannot see the shift
    assert torch.equal(shifted.sum(dim=spatial), out.sum(dim=spatial))


def test_aps_pool_ties_pick_the_first_offset() -> None:
    x = torch.ones(3, 2, 6, 6)
    x[1, :, 1::2, ::2] = -1  # same norm in every component
    _, offsets = aps_pool(x, 2, return_index=True)
    assert offsets.tolist() == [[0, 0]] * 3


def test_aps_pool_integer_input_does_not_overflow() -> None:
    x = np.zeros((1, 1, 4, 4), dtype=np.uint8)
    x[0, 0, ::2, ::2] = 16  # squared sum 1024 wraps to 0 in uint8 ...
    x[0, 0, 1::2, 1::2] = 3  # ... and 36 stays 36
    out, offsets = aps_pool(x, 2, return_index=True)
    assert out.dtype == np.uint8 and offsets.tolist() == [[0, 0]]
    np.testing.assert_array_equal(out, x[:, :, ::2, ::2])


# --- NumPy in, NumPy out; gradients; modules; errors -----------------------------------------

FLOAT_OPS = [
    lambda x: max_pool(x, 2),
    lambda x: avg_pool(x, 3, 2, 1),
    lambda x: lp_pool(x, 2, 2),
    lambda x: adaptive_max_pool(x, 3),
    lambda x: adaptive_avg_pool(x, 3),
    lambda x: blur_pool(x),
    lambda x: max_blur_pool(x),
    lambda x: aps_pool(x),
]
OP_IDS = ["max", "avg", "lp", "adaptive_max", "adaptive_avg", "blur", "max_blur", "aps"]


@pytest.mark.parametrize("op", FLOAT_OPS, ids=OP_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_in_numpy_out(op, dtype) -> None:
    x = image(2, True).numpy().astype(dtype)
    out = op(x)
    assert isinstance(out, np.ndarray) and out.dtype == dtype
    np.testing.assert_array_equal(out, op(torch.from_numpy(x)).numpy())


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize(
    "op",
    [
        lambda x: max_pool(x, 3, 2, 1),
        lambda x: avg_pool(x, 3, 2, 1, count_include_pad=False),
        lambda x: lp_pool(x, 3, 2),
        lambda x: adaptive_max_pool(x, 2),
        lambda x: adaptive_avg_pool(x, 3),
        lambda x: blur_pool(x, 2, 4, "reflect"),
        lambda x: blur_pool(x, 3, 3, "circular"),
        lambda x: max_blur_pool(x, 2, 2, 3, "replicate"),
        lambda x: aps_pool(x, 2),
    ],
    ids=[
        "max",
        "avg",
        "lp",
        "adaptive_max",
        "adaptive_avg",
        "blur",
        "blur_circular",
        "max_blur",
        "aps",
    ],
)
def test_gradcheck(op, dims: int) -> None:
    generator = torch.Generator().manual_seed(dims)
    # positive values keep lp_pool's root differentiable
    x = torch.rand(1, 2, *(5,) * dims, dtype=torch.float64, generator=generator) + 0.1
    assert torch.autograd.gradcheck(op, (x.requires_grad_(),), fast_mode=True)


def test_blur_modules_buffer_is_not_persistent_and_follows_dtype() -> None:
    pool, max_blur = BlurPool(filter_size=5), MaxBlurPool(filter_size=5)
    assert "taps" in dict(pool.named_buffers()) and pool.state_dict() == {}
    assert max_blur.state_dict() == {}
    x = image(2, True).double()
    assert pool.double().taps.dtype == torch.float64
    torch.testing.assert_close(pool(x), blur_pool(x, 2, 5), rtol=0, atol=0)
    torch.testing.assert_close(max_blur.double()(x), max_blur_pool(x, 2, 2, 5), rtol=0, atol=0)


def test_modules_match_functions() -> None:
    x = image(3, True)
    assert torch.equal(MaxPool(3, 2, 1)(x), max_pool(x, 3, 2, 1))
    assert torch.equal(AvgPool(2)(x), avg_pool(x, 2))
    assert torch.equal(LPPool(2, 3)(x), lp_pool(x, 2, 3))
    assert torch.equal(AdaptiveMaxPool(2)(x), adaptive_max_pool(x, 2))
    assert torch.equal(AdaptiveAvgPool((1, 2, 3))(x), adaptive_avg_pool(x, (1, 2, 3)))
    out, offsets = APSPool(2, return_index=True)(x)
    expected, expected_offsets = aps_pool(x, 2, return_index=True)
    assert torch.equal(out, expected) and torch.equal(offsets, expected_offsets)


X4 = torch.rand(1, 2, 8, 8)
ERRORS = [
    (lambda: max_pool(torch.rand(8, 8), 2), ValueError, r"x: expected \(N, C, \*spatial\)"),
    (
        lambda: blur_pool(torch.rand(1, 1, 2, 2, 2, 2)),
        ValueError,
        r"x: expected \(N, C, \*spatial\)",
    ),
    (lambda: max_pool(X4, 9), ValueError, "kernel: the window spans 9"),
    (lambda: max_pool(X4, 3, dilation=4), ValueError, "kernel: the window spans 9"),
    (lambda: avg_pool(X4, 2.5), TypeError, "kernel: expected an integer"),
    (lambda: max_pool(X4, 0), ValueError, "kernel: expected an integer >= 1"),
    (lambda: max_pool(X4, (2, 2, 2)), ValueError, "kernel: expected 1 or 2 values"),
    (lambda: max_pool(X4, 2, padding=2), ValueError, "padding: at most half the kernel"),
    (lambda: avg_pool(X4.to(torch.uint8), 2), TypeError, "x: avg_pool needs floating-point"),
    (lambda: lp_pool(X4, math.inf, 2), ValueError, "norm_type: expected a positive finite"),
    (lambda: lp_pool(X4, 0, 2), ValueError, "norm_type"),
    (lambda: adaptive_avg_pool(X4, 0), ValueError, "output_size: expected an integer >= 1"),
    (lambda: adaptive_max_pool(X4.to(torch.int32), 2), TypeError, "adaptive_max_pool needs"),
    (lambda: blur_pool(X4, 2.0), TypeError, "factor: expected an integer"),
    (lambda: blur_pool(X4, 0), ValueError, "factor: expected an integer >= 1"),
    (lambda: blur_pool(X4, filter_size=0), ValueError, "filter_size: expected an integer >= 1"),
    (lambda: blur_pool(X4, pad_mode="zeros"), ValueError, "pad_mode: expected one of"),
    (lambda: BlurPool(pad_mode="mirror"), ValueError, "pad_mode: expected one of"),
    (lambda: blur_pool(torch.rand(1, 1, 2, 9)), ValueError, "x: reflect padding by 2 needs"),
    (lambda: blur_pool(X4.long()), TypeError, "x: blur_pool needs floating-point"),
    (lambda: max_blur_pool(X4, kernel=9), ValueError, "kernel: the window spans 9"),
    (lambda: aps_pool(X4, 9), ValueError, "factor: 9 is larger than spatial axis 0"),
    (lambda: aps_pool(X4, (2, 1.5)), TypeError, "factor: expected an integer"),
    (lambda: max_pool([1, 2, 3], 2), TypeError, "x: expected a torch.Tensor or a numpy.ndarray"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_clear_errors(call, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
class TestCUDA:
    @pytest.mark.parametrize("op", FLOAT_OPS, ids=OP_IDS)
    @pytest.mark.parametrize("dims", [1, 2, 3])
    def test_matches_cpu(self, op, dims: int) -> None:
        x = image(dims, True)
        out = op(x.cuda())
        assert out.is_cuda
        torch.testing.assert_close(out.cpu(), op(x), rtol=1e-5, atol=1e-6)

    def test_modules_move_their_filter(self) -> None:
        x = image(2, True)
        for module in (BlurPool(), MaxBlurPool()):
            torch.testing.assert_close(module.cuda()(x.cuda()).cpu(), module.cpu()(x))

    def test_gradients_flow(self) -> None:
        x = image(3, False).cuda().requires_grad_()
        (blur_pool(x).sum() + max_blur_pool(x).sum() + aps_pool(x).sum()).backward()
        assert x.grad is not None and torch.isfinite(x.grad).all()
