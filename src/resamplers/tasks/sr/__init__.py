"""Single-image super-resolution: training patches, test sets and the literature's protocol.

- :class:`SRPatches`: random HR patches from a folder (T91, BSD200), LR made on the fly with
  MATLAB's bicubic, flips and 90° rotations, the Y channel; :class:`PatchPool` draws a fixed
  set of them once (``data.pool``), which halves CPU training time.
- :class:`SRTestSet`: (name, HR cropped to a multiple of the scale, LR) for Set5, Set14, ...
- :func:`evaluate`: PSNR and SSIM on Y with ``scale`` border pixels cropped, per image and mean;
  :func:`bicubic_upscaler` is the baseline every paper's bicubic row measures.
"""

from resamplers.tasks.sr.data import PatchPool, SRPair, SRPatches, SRTestSet, luma
from resamplers.tasks.sr.protocol import SRResult, bicubic_upscaler, evaluate

__all__ = [
    "PatchPool", "SRPair", "SRPatches", "SRResult", "SRTestSet", "bicubic_upscaler", "evaluate",
    "luma",
]
