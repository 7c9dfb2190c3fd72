"""DySample: upsampling by learned point sampling (Liu et al., "Learning to Upsample by
Learning to Sample", ICCV 2023), in pure PyTorch.

Conventions follow the authors' code (``tiny-smart/dysample``, ``dysample.py``): offsets in
input pixels, component order ``(x, y)`` (last axis first, as ``grid_sample`` reads a grid),
added to the sub-pixel positions ``(p + 0.5) / factor`` of the output samples, sampled with
``grid_sample(mode="bilinear", padding_mode="border", align_corners=False)`` in channel groups.
With zero offsets that is exactly linear upsampling with half-pixel centres.

>>> import torch
>>> DySample(16)(torch.rand(1, 16, 8, 8)).shape
torch.Size([1, 16, 16, 16])
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resamplers.functional.pixel_shuffle import pixel_shuffle
from resamplers.layers.registry import CONV, Resampler, check_int, projection, register_up

__all__ = ["DySample", "dysample"]

STYLES = ("lp", "pl")


def dysample(x: Tensor, offset: Tensor, factor: int, groups: int = 1) -> Tensor:
    """Sample ``x`` at the sub-pixel positions of a ``factor``× finer grid, moved by ``offset``.

    Output sample ``p`` of channel group ``g`` is ``x`` interpolated (bi-/trilinearly, border
    values beyond the edge) at input coordinate ``(p + 0.5) / factor + offset[g, p] - 0.5``
    per axis, in pixels.

    Args:
        x: ``(N, C, *S)`` with 1, 2 or 3 spatial dims; floating point.
        offset: ``(N, d·groups, *(S·factor))``; channel ``a·groups + g`` moves group ``g``
            along axis ``d - 1 - a`` (component 0 is the last axis, as in ``grid_sample``).
        factor: the integer upsampling factor.
        groups: number of channel groups with their own offsets; divides ``C``.

    Returns:
        The upsampled ``(N, C, *(S·factor))`` tensor.

    Shape:
        - Input: ``(N, C, *S)`` and offset ``(N, d * groups, *(S * factor))``
        - Output: ``(N, C, *(S * factor))``

    Examples:
        >>> x = torch.tensor([[[0.0, 4.0]]])
        >>> dysample(x, torch.zeros(1, 1, 4), factor=2)
        tensor([[[0., 1., 3., 4.]]])
        >>> dysample(x, torch.full((1, 1, 4), 0.25), factor=2)
        tensor([[[0., 2., 4., 4.]]])
    """
    n, c, *size = x.shape
    dims = len(size)
    factor, groups = check_int(factor, "factor"), check_int(groups, "groups")
    if dims not in (1, 2, 3):
        raise ValueError(f"x: expected (N, C, *S) with 1, 2 or 3 spatial dims, got {x.shape}")
    if c % groups:
        raise ValueError(f"groups: {groups} does not divide the {c} channels of x")
    out_size = [s * factor for s in size]
    if list(offset.shape) != [n, dims * groups, *out_size]:
        raise ValueError(
            f"offset: expected shape {(n, dims * groups, *out_size)}, got {tuple(offset.shape)}"
        )
    offset = offset.view(n, dims, groups, *out_size)
    components = []
    for comp in range(dims):
        axis = dims - 1 - comp
        base = (torch.arange(out_size[axis], dtype=x.dtype, device=x.device) + 0.5) / factor
        base = base.view([-1 if a == axis else 1 for a in range(dims)])
        # align_corners=False: -1 and 1 are the outer edges of the input, 0 and size pixels
        components.append((offset[:, comp] + base) * (2.0 / size[axis]) - 1.0)
    if dims == 1:
        # grid_sample has no 1-D mode: sample the middle of a height-1 image
        x, components = x.unsqueeze(-2), [c.unsqueeze(-2) for c in components]
        components.append(torch.zeros_like(components[0]))
    grid = torch.stack(components, dim=-1).flatten(0, 1)
    sampled = F.grid_sample(
        x.reshape(n * groups, c // groups, *x.shape[2:]),
        grid,
        mode="bilinear",
        padding_mode="border",
        align_corners=False,
    )
    return sampled.view(n, c, *out_size)


@register_up("dysample")
class DySample(Resampler):
    """DySample upsampler: offsets predicted from the input, then :func:`dysample`; a 1×1 conv
    after it if the channel count changes.

    Style ``"lp"`` (linear, then pixel shuffle) predicts the ``d·groups·factor^d`` offsets of a
    block with a 1×1 conv on the input; ``"pl"`` pixel-shuffles the input first (``in_channels``
    divisible by ``factor^d``) and predicts ``d·groups`` offsets per output sample. Offsets are
    ``0.25·conv(x)`` (the static scope), or ``0.5·sigmoid(scope(x))·conv(x)`` with
    ``dyscope=True``. Initialisation is the authors': offset conv ``N(0, 0.001²)``, scope conv 0,
    zero biases, so the layer starts as (nearly) linear upsampling.

    Works in 1-D, 2-D (the paper's) and 3-D (trilinear ``grid_sample``).

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> layer = DySample(8, 4, factor=2, style="pl", groups=2, dyscope=True)
        >>> layer.offset.in_channels, layer(torch.rand(1, 8, 6, 6)).shape
        (2, torch.Size([1, 4, 12, 12]))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        groups: int = 4,
        style: str = "lp",
        dyscope: bool = False,
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.groups = check_int(groups, "groups")
        if style not in STYLES:
            raise ValueError(f"style: expected one of {STYLES}, got {style!r}")
        if self.in_channels % self.groups:
            raise ValueError(
                f"groups: {self.groups} does not divide in_channels={self.in_channels}"
            )
        block = self.factor**dims
        if style == "pl" and self.in_channels % block:
            raise ValueError(
                f"style: 'pl' pixel-shuffles the input, so in_channels={self.in_channels} must "
                f"be divisible by factor**dims = {block}; use style='lp'"
            )
        self.style = style
        conv_in = self.in_channels // block if style == "pl" else self.in_channels
        conv_out = dims * self.groups * (1 if style == "pl" else block)
        self.offset = CONV[dims](conv_in, conv_out, 1)
        nn.init.normal_(self.offset.weight, std=0.001)
        nn.init.zeros_(self.offset.bias)
        self.scope = CONV[dims](conv_in, conv_out, 1) if dyscope else None
        if self.scope is not None:
            nn.init.zeros_(self.scope.weight)
            nn.init.zeros_(self.scope.bias)
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        source = pixel_shuffle(x, self.factor) if self.style == "pl" else x
        offset = self.offset(source)
        if self.scope is None:
            offset = 0.25 * offset
        else:
            offset = 0.5 * torch.sigmoid(self.scope(source)) * offset
        if self.style == "lp":
            # channel (a·G + g)·f^d + o is the offset of block pixel o: to the fine grid
            offset = pixel_shuffle(offset, self.factor)
        return self.proj(dysample(x, offset, self.factor, self.groups))

    def extra_repr(self) -> str:
        return (
            f"{super().extra_repr()}, groups={self.groups}, style={self.style!r}, "
            f"dyscope={self.scope is not None}"
        )
