"""Functional operators: every op takes a tensor ``(N, C, *spatial)`` or a NumPy array, and has
an ``nn.Module`` form in the same file."""

from resamplers.functional.kernels import Kernel, get_kernel, register_kernel
from resamplers.functional.pixel_shuffle import (
    PixelShuffle,
    PixelUnshuffle,
    pixel_shuffle,
    pixel_unshuffle,
)
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
from resamplers.functional.pyramid import (
    GaussianPyramid,
    LaplacianPyramid,
    LaplacianReconstruct,
    gaussian_pyramid,
    laplacian_pyramid,
    laplacian_reconstruct,
)
from resamplers.functional.resize import Resize, resize

__all__ = [
    "APSPool",
    "AdaptiveAvgPool",
    "AdaptiveMaxPool",
    "AvgPool",
    "BlurPool",
    "GaussianPyramid",
    "Kernel",
    "LPPool",
    "LaplacianPyramid",
    "LaplacianReconstruct",
    "MaxBlurPool",
    "MaxPool",
    "PixelShuffle",
    "PixelUnshuffle",
    "Resize",
    "adaptive_avg_pool",
    "adaptive_max_pool",
    "aps_pool",
    "avg_pool",
    "blur_pool",
    "gaussian_pyramid",
    "get_kernel",
    "laplacian_pyramid",
    "laplacian_reconstruct",
    "lp_pool",
    "max_blur_pool",
    "max_pool",
    "pixel_shuffle",
    "pixel_unshuffle",
    "register_kernel",
    "resize",
]
