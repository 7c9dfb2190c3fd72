"""U-Net (Ronneberger, Fischer & Brox, "U-Net: Convolutional Networks for Biomedical Image
Segmentation", MICCAI 2015) with every down- and upsampling step picked by name, in 1-D, 2-D
or 3-D; and its encoder on its own, which :class:`~resamplers.models.fpn.FPNSeg` and
:class:`~resamplers.models.autoencoder.AutoEncoder` reuse.

>>> import torch
>>> net = UNet(1, 3, depth=2, width=4, down=["aps", "blur"], up="dysample", skip="add")
>>> net(torch.rand(2, 1, 13, 10)).shape
torch.Size([2, 3, 13, 10])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from resamplers.models._common import (
    CONV,
    NORMS,
    PAD_MODES,
    Spec,
    check_choice,
    check_dims,
    check_int,
    crop_to,
    double_conv,
    make_down,
    make_up,
    pad_to_multiple,
    stage_specs,
)
from resamplers.models.registry import register_model

__all__ = ["SKIPS", "Encoder", "UNet"]

SKIPS = ("concat", "add", "none")


class Encoder(nn.Module):
    """U-Net's contracting path: a double 3×3 conv to ``width`` channels at full resolution,
    then ``depth`` levels of (downsampler keeping the channels, double conv doubling them).

    ``down`` is one spec for every level or a list of ``depth`` specs, finest level first.
    The input's spatial sizes should be multiples of ``factor**depth`` (the models that use it
    pad to that); ``channels[i]`` is the width of level ``i``.

    Shape:
        - Input: ``(N, in_channels, *S)``
        - Output: a list of ``depth + 1`` maps, level ``i`` being
          ``(N, width·2**i, *(S / factor**i))``

    Examples:
        >>> import torch
        >>> enc = Encoder(3, depth=2, width=4, down="unshuffle")
        >>> enc.channels, [tuple(f.shape) for f in enc(torch.rand(1, 3, 8, 12))]
        ([4, 8, 16], [(1, 4, 8, 12), (1, 8, 4, 6), (1, 16, 2, 3)])
    """

    def __init__(
        self,
        in_channels: int,
        depth: int = 4,
        width: int = 32,
        down: Spec | Sequence[Spec] = "max",
        norm: str | None = "batch",
        dims: int = 2,
        factor: int = 2,
    ) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels")
        depth = check_int(depth, "depth")
        width = check_int(width, "width")
        norm = check_choice(norm, "norm", NORMS)
        dims = check_dims(dims)
        factor = check_int(factor, "factor", minimum=2)
        self.channels = [width * 2**i for i in range(depth + 1)]
        self.stem = double_conv(in_channels, width, dims, norm)
        self.downs = nn.ModuleList(
            make_down(spec, key, c, None, factor, dims)
            for (key, spec), c in zip(stage_specs(down, depth, "down"), self.channels, strict=False)
        )
        self.blocks = nn.ModuleList(
            double_conv(c_in, c_out, dims, norm)
            for c_in, c_out in zip(self.channels, self.channels[1:], strict=False)
        )

    def forward(self, x: Tensor) -> list[Tensor]:
        features = [self.stem(x)]
        for down, block in zip(self.downs, self.blocks, strict=True):
            features.append(block(down(features[-1])))
        return features


@register_model("unet")
class UNet(nn.Module):
    """U-Net (Ronneberger et al., MICCAI 2015) with resamplers by name.

    Encoder: :class:`Encoder` (double 3×3 conv–norm–ReLU per level, widths ``width·2**i``).
    Decoder: per level, the upsampler from ``width·2**i`` to ``width·2**(i-1)`` channels (the
    paper's 2×2 up-convolution is ``up="transposed"``), merged with the encoder map of that
    level (``skip="concat"`` as in the paper, ``"add"``, or ``"none"``), then a double conv; a
    1×1 conv to ``out_channels`` ends it.

    ``down`` and ``up`` are one spec (name or dict) for every level, or lists of ``depth``
    specs in the order they run: ``down[0]`` halves the full-resolution map, ``up[0]`` starts
    from the bottleneck.

    Any input size works: the input is padded (``pad_mode``, replicate by default; split
    between both ends) up to a multiple of ``factor**depth`` on every axis, so every level
    divides exactly, and the output is cropped back to the input's size.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes, any sizes
        - Output: ``(N, out_channels, *S)``

    Examples:
        >>> import torch
        >>> net = UNet(1, 2, depth=2, width=4, down="conv", up="pixelshuffle", norm="group")
        >>> net(torch.rand(1, 1, 7, 9)).shape
        torch.Size([1, 2, 7, 9])
        >>> [tuple(f.shape) for f in net.features(torch.rand(1, 1, 8, 8))]
        [(1, 4, 8, 8), (1, 8, 4, 4), (1, 16, 2, 2)]
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        depth: int = 4,
        width: int = 32,
        down: Spec | Sequence[Spec] = "max",
        up: Spec | Sequence[Spec] = "transposed",
        skip: str = "concat",
        norm: str | None = "batch",
        dims: int = 2,
        factor: int = 2,
        pad_mode: str = "replicate",
    ) -> None:
        super().__init__()
        self.encoder = Encoder(in_channels, depth, width, down, norm, dims, factor)
        out_channels = check_int(out_channels, "out_channels")
        self.skip = check_choice(skip, "skip", SKIPS)
        self.pad_mode = check_choice(pad_mode, "pad_mode", PAD_MODES)
        self.multiple = factor**depth
        # decoder level i goes from channels[i + 1] to channels[i], deepest first
        levels = list(reversed(range(depth)))
        channels = self.encoder.channels
        self.ups = nn.ModuleList(
            make_up(spec, key, channels[i + 1], channels[i], factor, dims)
            for (key, spec), i in zip(stage_specs(up, depth, "up"), levels, strict=True)
        )
        merged = 2 if self.skip == "concat" else 1
        self.blocks = nn.ModuleList(
            double_conv(merged * channels[i], channels[i], dims, norm) for i in levels
        )
        self.head = CONV[dims](channels[0], out_channels, 1)

    def features(self, x: Tensor) -> list[Tensor]:
        """The encoder's maps, finest first, of ``x`` padded to a multiple of
        ``factor**depth`` (level ``i`` has ``width·2**i`` channels)."""
        return self.encoder(pad_to_multiple(x, self.multiple, self.pad_mode))

    def forward(self, x: Tensor) -> Tensor:
        features = self.features(x)
        y = features.pop()
        for up, block in zip(self.ups, self.blocks, strict=True):
            y, skip = up(y), features.pop()
            if self.skip == "concat":
                y = torch.cat((y, skip), dim=1)
            elif self.skip == "add":
                y = y + skip
            y = block(y)
        return crop_to(self.head(y), x.shape[2:])

