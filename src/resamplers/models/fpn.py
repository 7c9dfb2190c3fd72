"""Feature Pyramid Network neck (Lin et al., "Feature Pyramid Networks for Object Detection",
CVPR 2017) with the top-down upsampler picked by name, and a segmentation network on it.

>>> import torch
>>> FPNSeg(3, 5, depth=2, width=4, fpn_channels=8)(torch.rand(1, 3, 11, 8)).shape
torch.Size([1, 5, 11, 8])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from resamplers.functional.resize import resize
from resamplers.models._common import (
    CONV,
    PAD_MODES,
    ConfigError,
    Spec,
    check_choice,
    check_dims,
    check_int,
    conv_norm_act,
    crop_to,
    make_up,
    pad_to_multiple,
    stage_specs,
)
from resamplers.models.registry import register_model
from resamplers.models.unet import Encoder

__all__ = ["FPN", "MERGES", "FPNSeg"]

MERGES = ("add", "concat")


class FPN(nn.Module):
    """FPN neck: a 1×1 lateral conv from every input level to ``out_channels`` (the paper's
    d = 256), a top-down path that upsamples the coarser merged map by ``factor`` with the
    upsampler ``up`` (the paper's nearest ×2) and merges it with the lateral, then a 3×3
    smoothing conv per level.

    ``merge="add"`` is the paper's: ``m_i = lateral_i + up(m_{i+1})``, output
    ``smooth_i(m_i)``. ``merge="concat"`` concatenates instead and the 3×3 conv, from
    ``2·out_channels``, does the fusing; its output is both the level's output and the map
    passed down. ``up`` is one spec or a list of ``len(in_channels) - 1`` specs in the order
    they run (coarsest first).

    Shape:
        - Input: a list of maps, finest first, level ``i`` ``(N, in_channels[i], *S_i)`` with
          ``S_i = S_{i+1} * factor``
        - Output: a list of maps, finest first, ``(N, out_channels, *S_i)``

    Examples:
        >>> import torch
        >>> fpn = FPN([4, 8, 16], out_channels=6, up="carafe", merge="concat")
        >>> maps = [torch.rand(1, c, s, s) for c, s in [(4, 8), (8, 4), (16, 2)]]
        >>> [tuple(m.shape) for m in fpn(maps)]
        [(1, 6, 8, 8), (1, 6, 4, 4), (1, 6, 2, 2)]
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        out_channels: int = 256,
        up: Spec | Sequence[Spec] = "nearest",
        merge: str = "add",
        dims: int = 2,
        factor: int = 2,
    ) -> None:
        super().__init__()
        if isinstance(in_channels, int) or len(in_channels) < 2:
            raise ConfigError(
                "in_channels", f"expected the channels of 2 or more levels, got {in_channels!r}"
            )
        levels = [check_int(c, f"in_channels[{i}]") for i, c in enumerate(in_channels)]
        out_channels = check_int(out_channels, "out_channels")
        self.merge = check_choice(merge, "merge", MERGES)
        dims = check_dims(dims)
        factor = check_int(factor, "factor", minimum=2)
        conv = CONV[dims]
        self.laterals = nn.ModuleList(conv(c, out_channels, 1) for c in levels)
        # ups[j] takes level (L - 1 - j) to level (L - 2 - j)
        self.ups = nn.ModuleList(
            make_up(spec, key, out_channels, None, factor, dims)
            for key, spec in stage_specs(up, len(levels) - 1, "up")
        )
        smooth_in = [out_channels] + [
            (2 if self.merge == "concat" else 1) * out_channels
        ] * (len(levels) - 1)
        self.smooth = nn.ModuleList(conv(c, out_channels, 3, padding=1) for c in smooth_in)

    def forward(self, features: Sequence[Tensor]) -> list[Tensor]:
        laterals = [lateral(f) for lateral, f in zip(self.laterals, features, strict=True)]
        top = laterals[-1]
        outs = [self.smooth[0](top)]
        for up, lateral, smooth in zip(self.ups, laterals[-2::-1], self.smooth[1:], strict=True):
            if self.merge == "add":
                top = lateral + up(top)
                outs.append(smooth(top))
            else:
                top = smooth(torch.cat((lateral, up(top)), dim=1))
                outs.append(top)
        return outs[::-1]


@register_model("fpn_seg")
class FPNSeg(nn.Module):
    """Semantic segmentation with an FPN neck: :class:`~resamplers.models.unet.Encoder`
    (``depth`` levels, ``down`` by name), :class:`FPN` over all its levels (``up`` and
    ``merge``), the FPN maps brought to full resolution (linear interpolation) and summed, as
    in Kirillov et al.'s semantic FPN ("Panoptic Feature Pyramid Networks", CVPR 2019), and a
    head (3×3 conv–norm–ReLU, 1×1 conv to ``num_classes`` logits).

    Any input size works: padded (``pad_mode``) to a multiple of ``factor**depth`` and
    cropped back, as in :class:`~resamplers.models.unet.UNet`.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes, any sizes
        - Output: ``(N, num_classes, *S)`` logits

    Examples:
        >>> import torch
        >>> net = FPNSeg(1, 3, depth=2, width=4, down="maxblur", up="dysample", merge="concat")
        >>> net(torch.rand(2, 1, 9, 9)).shape
        torch.Size([2, 3, 9, 9])
    """

    def __init__(
        self,
        in_channels: int,
        num_classes: int,
        up: Spec | Sequence[Spec] = "nearest",
        merge: str = "add",
        down: Spec | Sequence[Spec] = "max",
        depth: int = 3,
        width: int = 32,
        fpn_channels: int = 64,
        norm: str | None = "batch",
        dims: int = 2,
        factor: int = 2,
        pad_mode: str = "replicate",
    ) -> None:
        super().__init__()
        self.encoder = Encoder(in_channels, depth, width, down, norm, dims, factor)
        num_classes = check_int(num_classes, "num_classes")
        fpn_channels = check_int(fpn_channels, "fpn_channels")
        self.pad_mode = check_choice(pad_mode, "pad_mode", PAD_MODES)
        self.multiple = factor**depth
        self.neck = FPN(self.encoder.channels, fpn_channels, up, merge, dims, factor)
        self.head = nn.Sequential(
            conv_norm_act(fpn_channels, fpn_channels, dims, norm),
            CONV[dims](fpn_channels, num_classes, 1),
        )

    def features(self, x: Tensor) -> list[Tensor]:
        """The FPN's maps, finest first, of ``x`` padded to a multiple of ``factor**depth``."""
        return self.neck(self.encoder(pad_to_multiple(x, self.multiple, self.pad_mode)))

    def forward(self, x: Tensor) -> Tensor:
        maps = self.features(x)
        size = maps[0].shape[2:]
        fused = maps[0]
        for coarse in maps[1:]:
            fused = fused + resize(coarse, size=size, method="linear")
        return crop_to(self.head(fused), x.shape[2:])
