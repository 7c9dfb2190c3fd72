"""resamplers: downsampling and upsampling for signals, images, volumes and feature maps."""

from resamplers.functional import *  # noqa: F403 (the public functional API, re-exported)
from resamplers.functional import __all__ as _functional_all

__version__ = "0.1.0"

__all__ = list(_functional_all)
