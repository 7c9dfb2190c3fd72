"""Learned and fixed resampling layers, one signature, picked by name.

``create_down(spec, in_channels, out_channels=None, factor=2, dims=2, **kw)`` and ``create_up``
build any registered layer; ``list_down()`` / ``list_up()`` give the names. Importing this
package imports the files whose decorators register the layers.

>>> import torch
>>> from resamplers.layers import create_down, create_up, list_down, list_up
>>> list_down()
['aps', 'avg', 'blur', 'conv', 'convblur', 'interp', 'max', 'maxblur', 'unshuffle']
>>> list_up()
['carafe', 'cubic', 'dysample', 'linear', 'nearest', 'pixelshuffle', 'resizeconv', 'transposed']
>>> x = torch.rand(1, 16, 24, 24)
>>> create_up("carafe", 32, 16)(create_down("convblur", 16, 32)(x)).shape
torch.Size([1, 16, 24, 24])
"""

from resamplers.layers.carafe import CARAFE, carafe
from resamplers.layers.diagnostics import checkerboard_energy
from resamplers.layers.down import (
    APSDown,
    AvgDown,
    BlurDown,
    ConvBlurDown,
    ConvDown,
    InterpDown,
    MaxBlurDown,
    MaxDown,
    UnshuffleDown,
)
from resamplers.layers.dysample import DySample, dysample
from resamplers.layers.icnr import icnr_
from resamplers.layers.registry import (
    DOWN,
    UP,
    Entry,
    Registry,
    Resampler,
    UnknownLayerError,
    create_down,
    create_up,
    list_down,
    list_up,
    register_down,
    register_up,
)
from resamplers.layers.up import (
    CubicUp,
    InterpUp,
    LinearUp,
    NearestUp,
    PixelShuffleUp,
    ResizeConvUp,
    TransposedUp,
)

__all__ = [
    "CARAFE",
    "DOWN",
    "UP",
    "APSDown",
    "AvgDown",
    "BlurDown",
    "ConvBlurDown",
    "ConvDown",
    "CubicUp",
    "DySample",
    "Entry",
    "InterpDown",
    "InterpUp",
    "LinearUp",
    "MaxBlurDown",
    "MaxDown",
    "NearestUp",
    "PixelShuffleUp",
    "Registry",
    "Resampler",
    "ResizeConvUp",
    "TransposedUp",
    "UnknownLayerError",
    "UnshuffleDown",
    "carafe",
    "checkerboard_energy",
    "create_down",
    "create_up",
    "dysample",
    "icnr_",
    "list_down",
    "list_up",
    "register_down",
    "register_up",
]
