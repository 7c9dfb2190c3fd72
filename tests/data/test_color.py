"""BT.601 YCbCr as MATLAB's rgb2ycbcr: against scikit-image (same matrix), NumPy and torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage.color import rgb2ycbcr, ycbcr2rgb

from resamplers.data.color import rgb_to_y, rgb_to_ycbcr, ycbcr_to_rgb

RNG = np.random.default_rng(3)
ALL_RGB8 = np.stack(np.meshgrid(*[np.arange(0, 256, 5)] * 3, indexing="ij"), -1).astype(np.uint8)


def test_float_equals_skimage(astronaut):
    rgb = astronaut / 255.0
    np.testing.assert_allclose(rgb_to_ycbcr(rgb) * 255, rgb2ycbcr(rgb), atol=1e-10)
    np.testing.assert_allclose(rgb_to_y(rgb) * 255, rgb2ycbcr(rgb)[..., 0], atol=1e-10)
    ycc = RNG.uniform(16, 235, (20, 20, 3))
    np.testing.assert_allclose(ycbcr_to_rgb(ycc / 255), ycbcr2rgb(ycc), atol=1e-10)


def test_uint8_is_skimage_rounded_half_up():
    ycc = rgb_to_ycbcr(ALL_RGB8)
    exact = rgb2ycbcr(ALL_RGB8)
    assert ycc.dtype == np.uint8
    # Exact halves (125.5 for RGB 90, 150, 110) round up; skimage's float sum may say 125.49999.
    np.testing.assert_array_equal(ycc, np.floor(exact + 0.5 + 1e-9).astype(np.uint8))
    assert ycc[18, 30, 22, 0] == 126
    assert np.abs(ycc - exact).max() <= 0.5 + 1e-9
    assert (ycc[..., 0].min(), ycc[..., 0].max()) == (16, 235)
    np.testing.assert_array_equal(rgb_to_y(ALL_RGB8), ycc[..., 0])


def test_round_trip():
    rgb = RNG.uniform(0, 1, (7, 9, 3))
    np.testing.assert_allclose(ycbcr_to_rgb(rgb_to_ycbcr(rgb)), rgb, atol=1e-12)
    back = ycbcr_to_rgb(rgb_to_ycbcr(ALL_RGB8)).astype(int)
    assert np.abs(back - ALL_RGB8).max() <= 2  # uint8 YCbCr quantizes


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.float64])
def test_torch_equals_numpy(astronaut, dtype):
    rgb = astronaut if dtype == torch.uint8 else astronaut / 255.0
    batch = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].to(dtype)
    for fn in (rgb_to_ycbcr, ycbcr_to_rgb):
        got = fn(batch)
        assert got.dtype == dtype and got.shape == batch.shape
        want = fn(rgb.astype(np.float64) if dtype != torch.uint8 else rgb)
        atol = 0 if dtype == torch.uint8 else 1e-6
        np.testing.assert_allclose(got[0].permute(1, 2, 0).double().numpy(), want, atol=atol)
    y = rgb_to_y(batch)
    assert y.shape == (1, 1, *astronaut.shape[:2])
    np.testing.assert_allclose(y[0, 0].double().numpy(), rgb_to_y(rgb), atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="3-channel"):
        rgb_to_ycbcr(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="3-channel"):
        rgb_to_ycbcr(torch.zeros(1, 4, 4, 3))
    with pytest.raises(TypeError, match="uint8 or floating"):
        rgb_to_ycbcr(np.zeros((4, 4, 3), np.uint16))
