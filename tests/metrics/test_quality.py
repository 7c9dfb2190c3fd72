"""PSNR and SSIM equal scikit-image's on real and random images."""

from __future__ import annotations

import math

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from resamplers.metrics import psnr, ssim

RNG = np.random.default_rng(7)


def _skimage_ssim(x: np.ndarray, ref: np.ndarray, data_range: float) -> float:
    return structural_similarity(
        x, ref, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=data_range, channel_axis=-1 if x.ndim == 3 else None,
    )


def _noisy(image: np.ndarray, sigma: float) -> np.ndarray:
    noisy = image.astype(np.float64) + RNG.normal(0.0, sigma, image.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["astronaut", "camera"])
def test_equal_to_skimage_on_uint8(request, name: str):
    ref = request.getfixturevalue(name)
    x = _noisy(ref, 12.0)
    assert psnr(x, ref) == pytest.approx(peak_signal_noise_ratio(ref, x), rel=1e-12)
    assert ssim(x, ref) == pytest.approx(_skimage_ssim(x, ref, 255), abs=1e-10)


def test_equal_to_skimage_on_float(astronaut):
    ref = astronaut.astype(np.float32) / 255
    x = np.clip(ref + RNG.normal(0, 0.05, ref.shape).astype(np.float32), 0, 1)
    assert psnr(x, ref, data_range=1.0) == pytest.approx(
        peak_signal_noise_ratio(ref, x, data_range=1.0), rel=1e-6)
    assert ssim(x, ref, data_range=1.0) == pytest.approx(_skimage_ssim(x, ref, 1.0), abs=1e-6)


def test_known_values():
    ref = np.zeros((12, 12))
    assert psnr(ref + 0.1, ref, data_range=1.0) == pytest.approx(20.0)
    assert psnr(ref, ref, data_range=1.0) == math.inf
    assert ssim(ref, ref, data_range=1.0) == 1.0
    assert ssim(1 - ref, ref, data_range=1.0) < 0.01  # means 1 vs 0: luminance term ~ C1


def test_rejects_bad_input():
    gray = np.zeros((16, 16), dtype=np.uint8)
    with pytest.raises(ValueError, match="same shape"):
        psnr(gray, gray[:8])
    with pytest.raises(ValueError, match="data_range is needed"):
        ssim(gray.astype(np.float32), gray.astype(np.float32))
    with pytest.raises(ValueError, match="at least 11x11"):
        ssim(gray[:10], gray[:10])
