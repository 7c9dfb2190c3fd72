"""Tests for resamplers.functional.pixel_shuffle."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data

from resamplers.functional.pixel_shuffle import (
    PixelShuffle,
    PixelUnshuffle,
    pixel_shuffle,
    pixel_unshuffle,
)

FACTORS = [2, 3, (1, 2, 3), (3, 1, 2), (2, 2, 1)]


def per_axis(factor, dims: int) -> tuple[int, ...]:
    return factor[:dims] if isinstance(factor, tuple) else (factor,) * dims


def reference_shuffle(x: np.ndarray, factor: tuple[int, ...]) -> np.ndarray:
    """The documented channel order, offset by offset: input channel c * prod(f) + C-order
    index of the offset goes to output channel c at that offset."""
    n, channels, *size = x.shape
    block = math.prod(factor)
    grouped = x.reshape(n, channels // block, block, *size)
    out = np.empty(
        (n, channels // block, *(s * f for s, f in zip(size, factor, strict=True))), x.dtype
    )
    for k, offset in enumerate(itertools.product(*(range(f) for f in factor))):
        where = (
            slice(None),
            slice(None),
            *(slice(o, None, f) for o, f in zip(offset, factor, strict=True)),
        )
        out[where] = grouped[:, :, k]
    return out


def astronaut(channels: int, size: tuple[int, ...]) -> np.ndarray:
    """A ``(2, channels, *size)`` float32 cut from the astronaut photo."""
    pixels = data.astronaut().astype(np.float32).ravel() / 255
    count = 2 * channels * math.prod(size)
    return pixels[1000 : 1000 + count].reshape(2, channels, *size)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("odd", [False, True])
def test_shuffle_follows_the_documented_channel_order(dims: int, factor, odd: bool) -> None:
    factor = per_axis(factor, dims)
    size = (5, 3, 7)[:dims] if odd else (4, 6, 2)[:dims]
    x = astronaut(2 * math.prod(factor), size)
    out = pixel_shuffle(x, factor)
    np.testing.assert_array_equal(out, reference_shuffle(x, factor))
    np.testing.assert_array_equal(pixel_unshuffle(out, factor), x)


def test_reference_order_is_torchs() -> None:
    x = astronaut(18, (5, 4))
    np.testing.assert_array_equal(
        reference_shuffle(x, (3, 3)), F.pixel_shuffle(torch.from_numpy(x), 3).numpy()
    )


@pytest.mark.parametrize("factor", [1, 2, 3, 4])
def test_2d_matches_torch_on_an_image(factor: int) -> None:
    image = torch.from_numpy(data.astronaut()[: 60 * factor, : 36 * factor]).permute(2, 0, 1)[None]
    down = pixel_unshuffle(image, factor)
    assert torch.equal(down, F.pixel_unshuffle(image, factor))
    assert torch.equal(pixel_shuffle(down, factor), F.pixel_shuffle(down, factor))


@settings(max_examples=50, deadline=None)
@given(
    dims=st.integers(1, 3),
    factors=st.lists(st.integers(1, 3), min_size=3, max_size=3),
    blocks=st.lists(st.integers(1, 4), min_size=3, max_size=3),
    channels=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_round_trip_is_the_identity(dims, factors, blocks, channels, seed) -> None:
    factor = tuple(factors[:dims])
    size = [b * f for b, f in zip(blocks, factor, strict=False)]
    x = torch.randn(2, channels, *size, generator=torch.Generator().manual_seed(seed))
    down = pixel_unshuffle(x, factor)
    assert down.shape == (2, channels * math.prod(factor), *blocks[:dims])
    assert torch.equal(pixel_shuffle(down, factor), x)
    assert torch.equal(pixel_unshuffle(pixel_shuffle(down, factor), factor), down)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
def test_numpy_in_numpy_out(dtype) -> None:
    x = (astronaut(8, (3, 4, 5)) * 100).astype(dtype)
    out = pixel_shuffle(x, (2, 2, 2))
    assert isinstance(out, np.ndarray) and out.dtype == dtype
    np.testing.assert_array_equal(out, reference_shuffle(x, (2, 2, 2)))
    back = pixel_unshuffle(out, (2, 2, 2))
    assert back.dtype == dtype
    np.testing.assert_array_equal(back, x)


@pytest.mark.parametrize("factor", [2, (2, 3)])
def test_channels_last_input(factor) -> None:
    x = torch.from_numpy(astronaut(12, (6, 6)))
    x_cl = x.contiguous(memory_format=torch.channels_last)
    assert torch.equal(pixel_shuffle(x_cl, factor), pixel_shuffle(x, factor))
    assert torch.equal(pixel_unshuffle(x_cl, factor), pixel_unshuffle(x, factor))


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_gradcheck(dims: int) -> None:
    factor = (2, 1, 3)[:dims]
    x = torch.rand(1, 2 * math.prod(factor), *(2,) * dims, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: pixel_shuffle(t, factor), (x,))
    y = torch.rand(1, 2, *(6,) * dims, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: pixel_unshuffle(t, factor), (y,))


def test_modules() -> None:
    x = torch.from_numpy(astronaut(12, (4, 6, 2)))
    assert torch.equal(PixelShuffle((1, 2, 3))(x), pixel_shuffle(x, (1, 2, 3)))
    assert torch.equal(PixelUnshuffle((2, 3, 1))(x), pixel_unshuffle(x, (2, 3, 1)))
    assert "factor=(2, 3, 1)" in repr(PixelUnshuffle((2, 3, 1)))


X = torch.rand(1, 6, 4, 6)
ERRORS = [
    (lambda: pixel_shuffle(X, 2), ValueError, "x: pixel_shuffle by .* divisible by 4, got 6"),
    (lambda: pixel_shuffle(X, (2, 3, 1)), ValueError, "factor: expected 1 or 2 values"),
    (
        lambda: pixel_unshuffle(X, (3, 2)),
        ValueError,
        r"x: pixel_unshuffle by \(3, 2\) needs spatial axis 0 \(4\)",
    ),
    (lambda: pixel_unshuffle(X, 1.5), TypeError, "factor: expected an integer"),
    (lambda: pixel_shuffle(X, 0), ValueError, "factor: expected an integer >= 1"),
    (lambda: pixel_shuffle(torch.rand(6, 4), 2), ValueError, r"x: expected \(N, C, \*spatial\)"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_clear_errors(call, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
class TestCUDA:
    @pytest.mark.parametrize("dims", [1, 2, 3])
    @pytest.mark.parametrize("factor", [2, (1, 3, 2)])
    def test_matches_cpu(self, dims: int, factor) -> None:
        factor = per_axis(factor, dims)
        x = torch.from_numpy(astronaut(2 * math.prod(factor), (4, 2, 6)[:dims]))
        out = pixel_shuffle(x.cuda(), factor)
        assert out.is_cuda and torch.equal(out.cpu(), pixel_shuffle(x, factor))
        assert torch.equal(pixel_unshuffle(out, factor).cpu(), x)
