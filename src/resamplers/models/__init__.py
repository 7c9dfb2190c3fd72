"""Models built from any registered down/up method by name: U-Net, autoencoder, ESPCN,
FSRCNN, FPN segmentation, a ResNet-style classifier and DCGAN.

``create(name, **cfg)`` builds a registered model (``list_models()`` gives the names; a model
class joins with ``@register_model("name")``); ``down=`` / ``up=`` take a layer name of
:mod:`resamplers.layers`, a dict spec (``{"name": "dysample", "groups": 2}``), or a list with
one spec per stage. ``summary(model)`` prints the parameter counts. See ``docs/models.md``.

>>> import torch
>>> from resamplers.models import create, list_models
>>> list_models()
['autoencoder', 'classifier', 'dcgan_discriminator', 'dcgan_generator', 'espcn', 'fpn_seg',
 'fsrcnn', 'unet']
>>> net = create("unet", in_channels=1, out_channels=1, depth=2, width=4, up="carafe")
>>> net(torch.rand(1, 1, 10, 7)).shape
torch.Size([1, 1, 10, 7])
"""

from resamplers.models._common import ConfigError
from resamplers.models.autoencoder import AutoEncoder
from resamplers.models.classifier import BasicBlock, Classifier
from resamplers.models.dcgan import DCGANDiscriminator, DCGANGenerator
from resamplers.models.fpn import FPN, FPNSeg
from resamplers.models.pretrained import list_pretrained, pretrained, pretrained_info
from resamplers.models.registry import create, list_models, register_model, summary
from resamplers.models.sr import ESPCN, FSRCNN
from resamplers.models.unet import Encoder, UNet

__all__ = [
    "ESPCN",
    "FPN",
    "FSRCNN",
    "AutoEncoder",
    "BasicBlock",
    "Classifier",
    "ConfigError",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "Encoder",
    "FPNSeg",
    "UNet",
    "create",
    "list_models",
    "list_pretrained",
    "pretrained",
    "pretrained_info",
    "register_model",
    "summary",
]
