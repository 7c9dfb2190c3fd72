"""resamplers: downsampling and upsampling for signals, images, volumes and feature maps."""

from resamplers.functional.kernels import Kernel, get_kernel, register_kernel
from resamplers.functional.resize import Resize, resize

__version__ = "0.1.0"

__all__ = ["Kernel", "Resize", "get_kernel", "register_kernel", "resize"]
