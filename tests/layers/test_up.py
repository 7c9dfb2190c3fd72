"""Exact properties of the interpolation, transposed and sub-pixel upsamplers."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from resamplers.layers import checkerboard_energy, create_up

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
TORCH_MODES = {1: "linear", 2: "bilinear", 3: "trilinear"}


def _rand(dims: int, channels: int = 3, size: int = 5) -> torch.Tensor:
    return torch.randn(2, channels, *(size + i for i in range(dims)), dtype=torch.float64)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("factor", [2, 3])
def test_pixelshuffle_with_icnr_is_a_conv_then_nearest(dims: int, factor: int) -> None:
    torch.manual_seed(0)
    layer = create_up("pixelshuffle", 3, 2, factor=factor, dims=dims).double()
    block = factor**dims
    weight, bias = layer.conv.weight[::block], layer.conv.bias[::block]
    x = _rand(dims)
    conv = CONV[dims](x, weight, bias, padding=1)
    expected = F.interpolate(conv, scale_factor=factor, mode="nearest")
    torch.testing.assert_close(layer(x), expected, rtol=0, atol=1e-12)
    # without ICNR the sub-kernels differ and so do the sub-pixel positions
    plain = create_up("pixelshuffle", 3, 2, factor=factor, dims=dims, icnr=False).double()
    assert not torch.allclose(plain(x)[..., 0::factor], plain(x)[..., 1::factor])


def test_icnr_removes_the_checkerboard_at_initialisation() -> None:
    torch.manual_seed(0)
    smooth = F.interpolate(torch.randn(1, 8, 4, 4), size=(16, 16), mode="bicubic")
    icnr = checkerboard_energy(create_up("pixelshuffle", 8)(smooth), 2)
    plain = checkerboard_energy(create_up("pixelshuffle", 8, icnr=False)(smooth), 2)
    transposed = checkerboard_energy(create_up("transposed", 8, factor=3)(smooth), 3)
    assert icnr < 1e-3 < min(plain, transposed)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("factor", [2, 3, 4])
def test_nearest_and_linear_match_interpolate(dims: int, factor: int) -> None:
    x = _rand(dims)
    nearest = create_up("nearest", 3, factor=factor, dims=dims)(x)
    torch.testing.assert_close(nearest, F.interpolate(x, scale_factor=factor, mode="nearest"))
    linear = create_up("linear", 3, factor=factor, dims=dims)(x)
    expected = F.interpolate(x, scale_factor=factor, mode=TORCH_MODES[dims], align_corners=False)
    torch.testing.assert_close(linear, expected)


def test_channel_change_is_one_1x1_conv() -> None:
    torch.manual_seed(0)
    layer = create_up("cubic", 3, 5, factor=2, dims=2).double()
    x = _rand(2)
    plain = create_up("cubic", 3, factor=2, dims=2)(x)
    torch.testing.assert_close(layer(x), layer.proj(plain))
    assert sum(p.numel() for p in layer.parameters()) == 3 * 5 + 5


@pytest.mark.parametrize("factor", [2, 3, 4, 5])
def test_transposed_default_kernel_and_exact_size(factor: int) -> None:
    layer = create_up("transposed", 2, factor=factor, dims=1)
    assert layer.conv.kernel_size == (2 * factor - factor % 2,)
    for size in (1, 4, 7):
        assert layer(torch.rand(1, 2, size)).shape[-1] == size * factor
    assert create_up("transposed", 2, factor=factor, dims=1, kernel_size=factor).conv.padding == (
        0,
    )
    with pytest.raises(ValueError, match="kernel_size"):
        create_up("transposed", 2, factor=factor, kernel_size=factor + 1)


def test_resizeconv_is_nearest_then_conv() -> None:
    torch.manual_seed(0)
    layer = create_up("resizeconv", 3, 4, factor=3, dims=2).double()
    x = _rand(2)
    up = F.interpolate(x, scale_factor=3, mode="nearest")
    expected = F.conv2d(up, layer.conv.weight, layer.conv.bias, padding=1)
    torch.testing.assert_close(layer(x), expected)
    with pytest.raises(ValueError, match="kernel_size: expected an odd"):
        create_up("resizeconv", 3, kernel_size=4)
