"""The SR protocol reproduces the published bicubic rows (SRCNN, ESPCN, VDSR tables).

Tolerance: 0.03 dB PSNR, 0.001 SSIM. Measured (LR computed / LR from the MATLAB-made files):
Set5 x2/x3/x4 33.654/30.390/28.419 dB, Set14 30.220/27.531/25.990 dB; published Set5
33.66/30.39/28.42, Set14 30.24/27.55 (SRCNN: 27.54)/26.00. SSIM published (VDSR Table 2)
Set5 0.9299/0.8682/0.8104, Set14 0.8688/0.7742/0.7027; measured 0.9298/0.8683/0.8106,
0.8686/0.7738/0.7022.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from resamplers.functional import resize
from resamplers.tasks.sr import SRPair, SRTestSet, bicubic_upscaler, evaluate, luma

PUBLISHED = {  # (set, scale): (PSNR dB, SSIM), the bicubic rows
    ("Set5", 2): (33.66, 0.9299),
    ("Set5", 3): (30.39, 0.8682),
    ("Set5", 4): (28.42, 0.8104),
    ("Set14", 2): (30.24, 0.8688),
    ("Set14", 3): (27.55, 0.7742),
    ("Set14", 4): (26.00, 0.7027),
}
PSNR_TOL, SSIM_TOL = 0.03, 0.001


@pytest.mark.parametrize("lr_from", ["computed", "files"])
@pytest.mark.parametrize(("name", "scale"), list(PUBLISHED))
def test_bicubic_reproduces_published_rows(shared_data, name, scale, lr_from):
    sr = shared_data / "sr"
    lr_folder = sr / f"{name}_LR_bicubic" / f"X{scale}" if lr_from == "files" else None
    result = evaluate(bicubic_upscaler(scale), SRTestSet(sr / name, scale, lr_folder), scale)
    psnr_db, ssim_value = PUBLISHED[name, scale]
    assert result.psnr == pytest.approx(psnr_db, abs=PSNR_TOL)
    assert result.ssim == pytest.approx(ssim_value, abs=SSIM_TOL)
    if (name, scale) == ("Set14", 3):  # SRCNN's table says 27.54
        assert abs(result.psnr - 27.54) <= PSNR_TOL
    assert len(result.per_image) == (5 if name == "Set5" else 14)


def test_computed_lr_equals_matlab_files_inside(shared_data):
    sr = shared_data / "sr"
    computed = SRTestSet(sr / "Set14", 3)
    files = SRTestSet(sr / "Set14", 3, sr / "Set14_LR_bicubic" / "X3")
    for ours, matlab in zip(computed, files, strict=True):
        assert ours.name == matlab.name and ours.hr.shape == matlab.hr.shape
        np.testing.assert_array_equal(ours.lr[2:-2, 2:-2], matlab.lr[2:-2, 2:-2])


def _pair(scale: int, size: int = 24) -> SRPair:
    hr = np.random.default_rng(1).integers(0, 256, (size, size, 3), dtype=np.uint8)
    return SRPair("noise", hr, resize(hr, scale=1 / scale, compat="matlab"))


def test_scores_the_cropped_y():
    pair = _pair(2)
    # An upscaler that returns the HR's Y exactly: infinite PSNR and SSIM 1.
    exact = torch.from_numpy(luma(pair.hr) / 255.0)[None, None]
    result = evaluate(lambda _: exact, [pair], scale=2)
    assert result.psnr == float("inf") and result.ssim == pytest.approx(1.0)
    # Errors only in the 2-pixel border do not count.
    damaged = exact.clone()
    damaged[..., :2, :] = 0
    damaged[..., :, -2:] = 1
    assert evaluate(lambda _: damaged, [pair], scale=2).psnr == float("inf")
    damaged[..., 2, 2] += 10 / 255
    assert evaluate(lambda _: damaged, [pair], scale=2).psnr < 60


def test_errors():
    up = bicubic_upscaler(2)
    with pytest.raises(ValueError, match="from 2 to 8"):
        bicubic_upscaler(9)
    with pytest.raises(ValueError, match="from 2 to 8"):
        evaluate(up, [_pair(2)], scale=1)
    with pytest.raises(ValueError, match="is not 3 x LR"):
        evaluate(up, [_pair(2)], scale=3)
    with pytest.raises(ValueError, match="upscaler gave shape"):
        evaluate(lambda y: y, [_pair(2)], scale=2)
    with pytest.raises(ValueError, match="empty"):
        evaluate(up, [], scale=2)
