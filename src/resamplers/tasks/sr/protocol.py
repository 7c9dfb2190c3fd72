"""The super-resolution evaluation protocol of SRCNN, ESPCN, VDSR and their successors.

For each test image: the HR cropped to a multiple of the scale, its LR (MATLAB bicubic of the
uint8 RGB), the LR's :func:`~resamplers.tasks.sr.data.luma` ``Y`` (MATLAB's uint8
``rgb2ycbcr``) given to the upscaler as ``Y / 255``; its output, times 255, neither rounded nor
clipped, is compared with the HR's uint8 ``Y`` after ``scale`` pixels are cut from every
border: PSNR (peak 255) and SSIM (11x11 Gaussian, sigma 1.5) of :mod:`resamplers.metrics`.
With :func:`bicubic_upscaler` this gives the bicubic rows of the papers (Set5 x3 30.39 dB,
Set14 x3 27.54 dB) to within 0.02 dB; ``docs/results/super_resolution.md`` has the table.

>>> import numpy as np
>>> from resamplers.tasks.sr.data import SRPair
>>> rng = np.random.default_rng(0)
>>> hr = rng.integers(0, 256, (36, 36, 3), dtype=np.uint8)
>>> pair = SRPair("noise", hr, hr[1::3, 1::3])
>>> result = evaluate(bicubic_upscaler(3), [pair], scale=3)
>>> [name for name, _, _ in result.per_image], round(result.psnr, 1)
(['noise'], 14.0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import torch

from resamplers.functional import resize
from resamplers.metrics import psnr, ssim
from resamplers.tasks.sr.data import SRPair, check_scale, luma

Upscaler = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class SRResult:
    """What :func:`evaluate` measured: ``per_image`` ``(name, psnr_db, ssim)`` and the means."""

    per_image: list[tuple[str, float, float]]
    psnr: float
    ssim: float


def bicubic_upscaler(scale: int) -> Upscaler:
    """The bicubic baseline: MATLAB's ``imresize(y, scale, 'bicubic')`` in float.

    >>> up = bicubic_upscaler(2)
    >>> tuple(up(torch.full((1, 1, 5, 7), 0.5)).shape)
    (1, 1, 10, 14)
    """
    scale = check_scale(scale)

    def upscale(y: torch.Tensor) -> torch.Tensor:
        return resize(y, scale=scale, compat="matlab")

    return upscale


@torch.no_grad()
def evaluate(
    upscaler: Upscaler, test_set: Iterable[SRPair], scale: int, device: str | torch.device = "cpu"
) -> SRResult:
    """PSNR and SSIM on ``Y`` of ``upscaler``'s results, ``scale`` border pixels cropped.

    Args:
        upscaler: maps a float32 tensor ``(1, 1, h, w)`` of ``Y / 255`` (values in
            ``[16/255, 235/255]``; gray images ``[0, 1]``) on ``device`` to ``(1, 1, scale h,
            scale w)`` on the same scale. Run under ``torch.no_grad``; put a model in
            ``eval()`` mode first.
        test_set: ``(name, hr, lr)`` items, such as an :class:`~resamplers.tasks.sr.SRTestSet`.
        scale: the factor; every pair must have ``hr`` exactly ``scale`` times ``lr``.
        device: where the upscaler's input goes.

    Raises:
        ValueError: a bad ``scale``, a pair of the wrong sizes, an output of the wrong shape,
            or an empty test set.
    """
    scale = check_scale(scale)
    per_image = []
    for name, hr, lr in test_set:
        if hr.shape[:2] != (lr.shape[0] * scale, lr.shape[1] * scale):
            raise ValueError(f"{name}: HR {hr.shape[:2]} is not {scale} x LR {lr.shape[:2]}")
        y_lr = torch.from_numpy(luma(lr).astype(np.float32) / 255)[None, None].to(device)
        out = upscaler(y_lr)
        if tuple(out.shape) != (1, 1, *hr.shape[:2]):
            raise ValueError(f"{name}: the upscaler gave shape {tuple(out.shape)}, expected "
                             f"{(1, 1, *hr.shape[:2])}")
        border = (slice(scale, -scale),) * 2
        sr = out[0, 0].double().cpu().numpy()[border] * 255
        ref = luma(hr)[border].astype(np.float64)
        per_image.append((name, psnr(sr, ref, data_range=255), ssim(sr, ref, data_range=255)))
    if not per_image:
        raise ValueError("the test set is empty")
    return SRResult(
        per_image,
        float(np.mean([p for _, p, _ in per_image])),
        float(np.mean([s for _, _, s in per_image])),
    )
