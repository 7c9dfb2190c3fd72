"""A convolutional autoencoder whose downsampling (encoder) and upsampling (decoder) steps are
picked by name, with its bottleneck size and compression ratio reported.

>>> import torch
>>> ae = AutoEncoder(1, depth=2, width=4, down="blur", up="linear", latent_channels=2)
>>> ae.latent_shape((16, 16)), ae.compression((16, 16))
((2, 4, 4), 8.0)
>>> ae(torch.rand(1, 1, 16, 16)).shape
torch.Size([1, 1, 16, 16])
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from torch import Tensor, nn

from resamplers.models._common import (
    CONV,
    PAD_MODES,
    Spec,
    check_choice,
    check_int,
    crop_to,
    double_conv,
    make_up,
    pad_to_multiple,
    stage_specs,
)
from resamplers.models.registry import register_model
from resamplers.models.unet import Encoder

__all__ = ["AutoEncoder"]


@register_model("autoencoder")
class AutoEncoder(nn.Module):
    """Conv encoder to a bottleneck and the mirrored decoder.

    Encoder: :class:`~resamplers.models.unet.Encoder` (``depth`` levels of downsampler and
    double 3×3 conv, widths ``width·2**i``) and a 1×1 conv to ``latent_channels`` (default the
    deepest width). Decoder: a 1×1 conv back, then per level the upsampler to the next finer
    width and a double conv; a 3×3 conv to ``in_channels`` ends it (no output activation).
    ``down`` and ``up`` are one spec for every level or lists of ``depth`` specs in the order
    they run (``up[0]`` starts from the bottleneck).

    ``skip=True`` adds each encoder map to the decoder map of the same level (U-Net-like; the
    bottleneck then no longer bounds the information, so :meth:`compression` is only nominal).
    It is off by default.

    :meth:`encode` pads the input (``pad_mode``) to a multiple of ``factor**depth``;
    :meth:`decode` returns that padded size unless given ``size``; ``forward`` crops back.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes, any sizes
        - Output: ``(N, in_channels, *S)``; the code: ``(N, *latent_shape(S))``

    Examples:
        >>> import torch
        >>> ae = AutoEncoder(3, depth=2, width=4, down="conv", up="transposed")
        >>> z = ae.encode(torch.rand(2, 3, 10, 10))
        >>> z.shape, ae.decode(z).shape, ae.decode(z, size=(10, 10)).shape
        (torch.Size([2, 16, 3, 3]), torch.Size([2, 3, 12, 12]), torch.Size([2, 3, 10, 10]))
    """

    def __init__(
        self,
        in_channels: int,
        depth: int = 3,
        width: int = 16,
        down: Spec | Sequence[Spec] = "conv",
        up: Spec | Sequence[Spec] = "transposed",
        dims: int = 2,
        latent_channels: int | None = None,
        skip: bool = False,
        norm: str | None = "batch",
        factor: int = 2,
        pad_mode: str = "replicate",
    ) -> None:
        super().__init__()
        self.encoder = Encoder(in_channels, depth, width, down, norm, dims, factor)
        channels = self.encoder.channels
        self.latent_channels = (
            channels[-1] if latent_channels is None
            else check_int(latent_channels, "latent_channels")
        )
        self.skip = check_choice(skip, "skip", (False, True))
        self.pad_mode = check_choice(pad_mode, "pad_mode", PAD_MODES)
        self.factor, self.depth = factor, depth
        self.to_latent = CONV[dims](channels[-1], self.latent_channels, 1)
        self.from_latent = CONV[dims](self.latent_channels, channels[-1], 1)
        levels = list(reversed(range(depth)))
        self.ups = nn.ModuleList(
            make_up(spec, key, channels[i + 1], channels[i], factor, dims)
            for (key, spec), i in zip(stage_specs(up, depth, "up"), levels, strict=True)
        )
        self.blocks = nn.ModuleList(double_conv(channels[i], channels[i], dims, norm)
                                    for i in levels)
        self.head = CONV[dims](channels[0], in_channels, 3, padding=1)

    def latent_shape(self, size: Sequence[int]) -> tuple[int, ...]:
        """The code's ``(channels, *spatial)`` for an input of spatial size ``size``."""
        step = self.factor**self.depth
        return (self.latent_channels, *(math.ceil(s / step) for s in size))

    def compression(self, size: Sequence[int]) -> float:
        """Input values per code value for an input of spatial size ``size`` (> 1 compresses)."""
        return self.head.out_channels * math.prod(size) / math.prod(self.latent_shape(size))

    def _encode(self, x: Tensor) -> list[Tensor]:
        features = self.encoder(pad_to_multiple(x, self.factor**self.depth, self.pad_mode))
        features[-1] = self.to_latent(features[-1])
        return features

    def encode(self, x: Tensor) -> Tensor:
        """The code of ``x``: ``(N, *latent_shape(S))``."""
        return self._encode(x)[-1]

    def decode(
        self, z: Tensor, size: Sequence[int] | None = None, skips: Sequence[Tensor] = ()
    ) -> Tensor:
        """The reconstruction from code ``z``, cropped to ``size`` if given; ``skips`` are the
        encoder maps, finest first (only with ``skip=True``)."""
        y = self.from_latent(z)
        for i, (up, block) in enumerate(zip(self.ups, self.blocks, strict=True)):
            y = up(y)
            if skips:
                y = y + skips[self.depth - 1 - i]
            y = block(y)
        y = self.head(y)
        return y if size is None else crop_to(y, size)

    def forward(self, x: Tensor) -> Tensor:
        features = self._encode(x)
        return self.decode(features[-1], x.shape[2:], features[:-1] if self.skip else ())
