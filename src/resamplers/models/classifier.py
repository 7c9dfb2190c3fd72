"""A small ResNet-style image classifier whose every downsampling step is picked by name, so
``down="blur"`` / ``"maxblur"`` / ``"convblur"`` give the anti-aliased networks of Zhang
("Making Convolutional Networks Shift-Invariant Again", ICML 2019) and ``down="aps"`` the
adaptive-polyphase ones of Chaman & Dokmanić ("Truly Shift-Invariant Convolutional Neural
Networks", CVPR 2021). Residual blocks follow He et al. ("Deep Residual Learning for Image
Recognition", CVPR 2016).

>>> import torch
>>> Classifier(1, 10, down="aps", width=4)(torch.rand(2, 1, 28, 28)).shape
torch.Size([2, 10])
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn

from resamplers.models._common import (
    CONV,
    NORMS,
    Spec,
    check_choice,
    check_dims,
    check_int,
    conv_norm_act,
    make_down,
    norm_layer,
    pad_to_multiple,
    stage_specs,
)
from resamplers.models.registry import register_model

__all__ = ["BasicBlock", "Classifier"]


class BasicBlock(nn.Module):
    """Residual block: 3×3 conv–norm–ReLU, [downsampler], 3×3 conv–norm, plus the shortcut,
    then ReLU. With a downsampler (``down`` not ``None``) the shortcut is that downsampler too,
    from ``in_channels`` to ``out_channels`` (for the pooling ones: pool, then 1×1 conv), and a
    norm: Zhang's (2019) arrangement, where the stride-2 conv becomes a stride-1 conv followed
    by the downsampler.

    Shape:
        - Input: ``(N, in_channels, *S)``
        - Output: ``(N, out_channels, *S')``, ``S'`` the downsampler's output size (or ``S``)

    Examples:
        >>> import torch
        >>> BasicBlock(4, 8, down="blur")(torch.rand(1, 4, 8, 8)).shape
        torch.Size([1, 8, 4, 4])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        down: Spec | None = None,
        norm: str | None = "batch",
        dims: int = 2,
        factor: int = 2,
        key: str = "down",
    ) -> None:
        super().__init__()
        self.conv1 = conv_norm_act(in_channels, out_channels, dims, norm)
        self.down = (
            nn.Identity() if down is None else make_down(down, key, out_channels, None, factor,
                                                          dims)
        )
        self.conv2 = nn.Sequential(
            CONV[dims](out_channels, out_channels, 3, padding=1, bias=norm is None),
            norm_layer(norm, out_channels, dims),
        )
        if down is None and in_channels == out_channels:
            self.shortcut: nn.Module = nn.Identity()
        elif down is None:
            self.shortcut = nn.Sequential(
                CONV[dims](in_channels, out_channels, 1, bias=norm is None),
                norm_layer(norm, out_channels, dims),
            )
        else:
            self.shortcut = nn.Sequential(
                make_down(down, key, in_channels, out_channels, factor, dims),
                norm_layer(norm, out_channels, dims),
            )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.conv2(self.down(self.conv1(x))) + self.shortcut(x))


@register_model("classifier")
class Classifier(nn.Module):
    """A ResNet-style classifier for small 1–3 channel images (MNIST, CIFAR sizes).

    Stem: 3×3 conv–norm–ReLU to ``width`` and the first downsampler. Then ``stages`` stages of
    ``blocks`` :class:`BasicBlock` each, widths ``width·2**s``; every stage after the first
    starts with a downsampling block. Global average pooling and a linear layer give the
    logits. ``down`` is one spec for all ``stages`` downsampling steps (stem first) or a list
    of ``stages`` specs.

    Inputs whose sizes are not multiples of ``factor**stages`` are padded (replicate) up to
    one, so every downsampler, ``unshuffle`` included, gets sizes it divides; other sizes are
    left alone, which keeps ``aps`` and ``blur`` networks' shift behaviour.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, num_classes)`` logits

    Examples:
        >>> import torch
        >>> net = Classifier(3, 10, down=["conv", "blur", "aps"], width=4, blocks=2)
        >>> net(torch.rand(2, 3, 32, 30)).shape
        torch.Size([2, 10])
    """

    def __init__(
        self,
        in_channels: int,
        num_classes: int,
        down: Spec | Sequence[Spec] = "conv",
        width: int = 32,
        stages: int = 3,
        blocks: int = 1,
        norm: str | None = "batch",
        dims: int = 2,
        factor: int = 2,
    ) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels")
        num_classes = check_int(num_classes, "num_classes")
        width = check_int(width, "width")
        stages = check_int(stages, "stages")
        blocks = check_int(blocks, "blocks")
        norm = check_choice(norm, "norm", NORMS)
        dims = check_dims(dims)
        factor = check_int(factor, "factor", minimum=2)
        self.multiple = factor**stages
        specs = stage_specs(down, stages, "down")
        key, spec = specs[0]
        self.stem = nn.Sequential(
            conv_norm_act(in_channels, width, dims, norm),
            make_down(spec, key, width, None, factor, dims),
        )
        layers: list[nn.Module] = []
        channels = width
        for s in range(stages):
            out = width * 2**s
            for b in range(blocks):
                key, spec = specs[s] if s > 0 and b == 0 else ("down", None)
                layers.append(BasicBlock(channels, out, spec, norm, dims, factor, key))
                channels = out
        self.stages = nn.Sequential(*layers)
        self.pool = nn.Sequential(
            {1: nn.AdaptiveAvgPool1d, 2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d}[dims](1),
            nn.Flatten(1),
        )
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.pool(self.stages(self.stem(pad_to_multiple(x, self.multiple)))))
