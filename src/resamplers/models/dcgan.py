"""DCGAN generator and discriminator (Radford, Metz & Chintala, "Unsupervised Representation
Learning with Deep Convolutional Generative Adversarial Networks", ICLR 2016) with the up- and
downsampling layers picked by name.

``up="transposed"`` is the paper's fractionally-strided 4×4 convolution (the one prone to
checkerboard artefacts, Odena et al., Distill 2016); ``"resizeconv"`` and ``"pixelshuffle"``
are the usual fixes. Fixed upsamplers (``nearest``, ``linear``, ``cubic``) and pooling
downsamplers leave a stage with only the 1×1 conv that changes the channel count, so they make
much weaker networks.

>>> import torch
>>> g, d = DCGANGenerator(16, image_size=16, width=8), DCGANDiscriminator(image_size=16, width=8)
>>> d(g(torch.randn(3, 16))).shape
torch.Size([3, 1])
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from torch import Tensor, nn

from resamplers.models._common import (
    BATCH_NORM,
    CONV,
    ConfigError,
    Spec,
    check_dims,
    check_int,
    make_down,
    make_up,
    stage_specs,
)
from resamplers.models.registry import register_model

__all__ = ["DCGANDiscriminator", "DCGANGenerator"]


def _stage_count(image_size: object) -> int:
    """The number of ×2 stages between 4 and ``image_size`` (a power of two >= 8)."""
    size = check_int(image_size, "image_size", minimum=8)
    if size & (size - 1):
        raise ConfigError("image_size", f"expected a power of two >= 8, got {size}")
    return int(math.log2(size)) - 2


@register_model("dcgan_generator")
class DCGANGenerator(nn.Module):
    """DCGAN generator: a linear projection of the latent vector to a ``4^dims`` map of
    ``width·2**(k-1)`` channels (the paper's "project and reshape"), then ``k = log2(image_size
    / 4)`` upsampling stages halving the channels (batch norm and ReLU after each but the last),
    the last to ``out_channels`` with tanh. ``up`` is one spec or a list of ``k`` specs
    (coarsest first).

    Shape:
        - Input: ``(N, latent_dim)``
        - Output: ``(N, out_channels, *(image_size,) * dims)`` in [-1, 1]

    Examples:
        >>> import torch
        >>> DCGANGenerator(8, 3, image_size=16, up="pixelshuffle", width=4)(torch.randn(2, 8)).shape
        torch.Size([2, 3, 16, 16])
    """

    def __init__(
        self,
        latent_dim: int = 100,
        out_channels: int = 1,
        image_size: int = 32,
        up: Spec | Sequence[Spec] = "transposed",
        width: int = 64,
        dims: int = 2,
    ) -> None:
        super().__init__()
        self.latent_dim = check_int(latent_dim, "latent_dim")
        out_channels = check_int(out_channels, "out_channels")
        stages = _stage_count(image_size)
        width = check_int(width, "width")
        self.dims = check_dims(dims)
        channels = [width * 2**i for i in reversed(range(stages))] + [out_channels]
        self.project = nn.Linear(self.latent_dim, channels[0] * 4**dims, bias=False)
        self.project_norm = nn.Sequential(BATCH_NORM[dims](channels[0]), nn.ReLU(inplace=True))
        layers: list[nn.Module] = []
        for i, (key, spec) in enumerate(stage_specs(up, stages, "up")):
            layers.append(make_up(spec, key, channels[i], channels[i + 1], 2, dims))
            if i < stages - 1:
                layers += [BATCH_NORM[dims](channels[i + 1]), nn.ReLU(inplace=True)]
        self.stages = nn.Sequential(*layers, nn.Tanh())

    def forward(self, z: Tensor) -> Tensor:
        x = self.project(z).view(z.shape[0], -1, *(4,) * self.dims)
        return self.stages(self.project_norm(x))


@register_model("dcgan_discriminator")
class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: ``k = log2(image_size / 4)`` downsampling stages doubling the
    channels from ``width`` (LeakyReLU 0.2 after each, batch norm on all but the first), then a
    4×4 valid conv to one logit. ``down="conv"`` is the paper's strided 4×4 convolution; ``down``
    is one spec or a list of ``k`` specs (finest first).

    Shape:
        - Input: ``(N, in_channels, *(image_size,) * dims)`` (other sizes raise)
        - Output: ``(N, 1)`` logits (no sigmoid: pair it with ``BCEWithLogitsLoss``)

    Examples:
        >>> import torch
        >>> DCGANDiscriminator(3, image_size=8, down="convblur", width=4)(torch.rand(2, 3, 8, 8))
        tensor([[...],
                [...]], grad_fn=<ViewBackward0>)
    """

    def __init__(
        self,
        in_channels: int = 1,
        image_size: int = 32,
        down: Spec | Sequence[Spec] = "conv",
        width: int = 64,
        dims: int = 2,
    ) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels")
        stages = _stage_count(image_size)
        width = check_int(width, "width")
        dims = check_dims(dims)
        self.spatial = (image_size,) * dims
        channels = [in_channels] + [width * 2**i for i in range(stages)]
        layers: list[nn.Module] = []
        for i, (key, spec) in enumerate(stage_specs(down, stages, "down")):
            layers.append(
                make_down(spec, key, channels[i], channels[i + 1], 2, dims,
                          defaults={"conv": {"kernel_size": 4}})
            )
            if i > 0:
                layers.append(BATCH_NORM[dims](channels[i + 1]))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
        self.stages = nn.Sequential(*layers, CONV[dims](channels[-1], 1, 4))

    def forward(self, x: Tensor) -> Tensor:
        if tuple(x.shape[2:]) != self.spatial:
            raise ValueError(
                f"x: expected spatial size {self.spatial} (image_size), got {tuple(x.shape[2:])}"
            )
        return self.stages(x).flatten(1)
