"""Exact properties of the downsamplers."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from resamplers.layers import create_down

DIMS = (1, 2, 3)


def _rand(dims: int, size: int = 12, channels: int = 3) -> torch.Tensor:
    return torch.randn(2, channels, *(size,) * dims, dtype=torch.float64)


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("factor", [2, 3])
def test_blur_of_a_constant_is_the_constant(dims: int, factor: int) -> None:
    layer = create_down("blur", 3, factor=factor, dims=dims)
    x = torch.full((1, 3, *(9,) * dims), 2.5)
    torch.testing.assert_close(layer(x), torch.full_like(layer(x), 2.5), rtol=0, atol=1e-6)


@pytest.mark.parametrize("dims", [1, 2])
@pytest.mark.parametrize("factor", [2, 3])
def test_aps_is_exactly_invariant_to_circular_shifts(dims: int, factor: int) -> None:
    torch.manual_seed(0)
    x = _rand(dims)
    axes = tuple(range(2, 2 + dims))
    # bit-exact without a channel change; the 1×1 conv of a channel change is pointwise, so the
    # invariance survives it up to the conv's rounding, which may differ between positions
    for out, tol in ((None, 0.0), (4, 1e-12)):
        layer = create_down("aps", 3, out, factor=factor, dims=dims).double()
        y = layer(x)
        for shift in itertools.product(range(-factor, factor + 2), repeat=dims):
            # each sample's output is a circular shift of its unshifted output (by an amount
            # that depends on the phase it kept), so any global pool after it is invariant
            assert _is_circular_shift_per_sample(layer(x.roll(shift, axes)), y, tol), shift


def test_strided_subsampling_is_not_shift_invariant() -> None:
    # the control for the test above: plain max pooling fails it
    torch.manual_seed(0)
    layer = create_down("max", 3, factor=2, dims=1).double()
    x = _rand(1)
    assert not _is_circular_shift_per_sample(layer(x.roll(1, 2)), layer(x))


def _is_circular_shift_per_sample(a: torch.Tensor, b: torch.Tensor, tol: float = 0.0) -> bool:
    axes = tuple(range(1, a.ndim - 1))
    shifts = list(itertools.product(*(range(s) for s in a.shape[2:])))
    return all(
        any(torch.allclose(a_n, b_n.roll(s, axes), rtol=0, atol=tol) for s in shifts)
        for a_n, b_n in zip(a, b, strict=True)
    )


def test_convblur_is_zhangs_conv_relu_blurpool() -> None:
    antialiased_cnns = pytest.importorskip("antialiased_cnns")
    torch.manual_seed(0)
    layer = create_down("convblur", 4, 6, factor=2, dims=2)
    conv = torch.nn.Conv2d(4, 6, 3, padding=1)
    conv.load_state_dict(layer.conv.state_dict())
    reference = torch.nn.Sequential(
        conv, torch.nn.ReLU(), antialiased_cnns.BlurPool(6, filt_size=4, stride=2)
    )
    x = torch.randn(2, 4, 14, 10)
    torch.testing.assert_close(layer(x), reference(x))


def test_maxblur_is_zhangs_maxpool_blurpool() -> None:
    antialiased_cnns = pytest.importorskip("antialiased_cnns")
    layer = create_down("maxblur", 5, factor=2, dims=2)
    reference = torch.nn.Sequential(
        torch.nn.MaxPool2d(2, stride=1), antialiased_cnns.BlurPool(5, filt_size=4, stride=2)
    )
    x = torch.randn(2, 5, 16, 12)
    torch.testing.assert_close(layer(x), reference(x))


def test_fixed_filters_are_not_in_the_state_dict() -> None:
    for name in ("blur", "maxblur", "convblur"):
        layer = create_down(name, 3, dims=2)
        assert any(True for _ in layer.buffers()), name
        assert all("taps" not in key for key in layer.state_dict()), name


@pytest.mark.parametrize("dims", DIMS)
def test_max_and_avg_match_torch(dims: int) -> None:
    x = _rand(dims)
    max_pool = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[dims - 1]
    avg_pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[dims - 1]
    torch.testing.assert_close(create_down("max", 3, factor=3, dims=dims)(x), max_pool(x, 3))
    torch.testing.assert_close(create_down("avg", 3, factor=3, dims=dims)(x), avg_pool(x, 3))


def test_unshuffle_keeps_every_sample() -> None:
    # with the 1×1 conv set to the identity, unshuffle is a lossless rearrangement
    layer = create_down("unshuffle", 2, 8, factor=2, dims=2).double()
    with torch.no_grad():
        layer.proj.weight.copy_(torch.eye(8).view(8, 8, 1, 1))
        layer.proj.bias.zero_()
    x = _rand(2, 6, 2)
    y = layer(x)
    torch.testing.assert_close(y[:, :4], x[:, 0].unfold(1, 2, 2).unfold(2, 2, 2).reshape(2, 3, 3, 4)
                               .permute(0, 3, 1, 2))
    with pytest.raises(ValueError, match="divisible"):
        layer(_rand(2, 7, 2))


@pytest.mark.parametrize("factor", [2, 3, 4])
def test_conv_kernel_and_sizes(factor: int) -> None:
    layer = create_down("conv", 2, 3, factor=factor, dims=1)
    assert layer.conv.kernel_size == (factor + 1,)
    for size in range(factor, 4 * factor + 1):
        expected = (size + 2 * (factor // 2) - factor - 1) // factor + 1
        assert layer(torch.rand(1, 2, size)).shape[-1] == expected
    with pytest.raises(TypeError, match="kernel_size"):
        create_down("conv", 2, kernel_size=2.5)


def test_interp_is_an_antialiased_resize() -> None:
    from resamplers.functional import resize

    x = _rand(2, 12)
    layer = create_down("interp", 3, factor=3, dims=2, method="linear")
    torch.testing.assert_close(layer(x), resize(x, size=(4, 4), method="linear"))
    # anti-aliased: a Nyquist-rate pattern is removed, not aliased to a constant
    stripes = torch.tensor([1.0, -1.0]).repeat(6).view(1, 1, 1, 12).expand(1, 3, 12, 12)
    assert create_down("interp", 3, factor=2, dims=2)(stripes).abs().max() < 0.2
