"""Single-image super-resolution networks whose upsampling stage is any registered upsampler.

- ESPCN: Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient
  Sub-Pixel Convolutional Neural Network", CVPR 2016.
- FSRCNN: Dong, Loy & Tang, "Accelerating the Super-Resolution Convolutional Neural Network",
  ECCV 2016.

>>> import torch
>>> [tuple(net(2)(torch.rand(1, 1, 7, 5)).shape) for net in (ESPCN, FSRCNN)]
[(1, 1, 14, 10), (1, 1, 14, 10)]
"""

from __future__ import annotations

from collections.abc import Mapping

from torch import Tensor, nn

from resamplers.models._common import CONV, Spec, check_dims, check_int, make_up
from resamplers.models.registry import register_model

__all__ = ["ESPCN", "FSRCNN"]


@register_model("espcn")
class ESPCN(nn.Module):
    """ESPCN (Shi et al., CVPR 2016): 5×5 conv to 64, tanh, 3×3 conv to 32, tanh, then the
    upsampling stage, by default the paper's sub-pixel convolution (a 3×3 conv to
    ``C·scale²`` channels and pixel shuffle, ``"pixelshuffle"``, ICNR-initialised here).

    ``up`` swaps that last stage for any registered upsampler from the same 32 feature maps to
    ``in_channels`` channels at factor ``scale``. At ``scale=3`` with one channel the network
    has 25·64 + 9·64·32 + 9·32·9 = 22,624 weights (plus 105 biases).

    ``position="pre"`` upsamples the *input* first with ``up`` (``"cubic"``: SRCNN's bicubic
    pre-upsampling) and runs the same two layers and a 3×3 conv to ``in_channels`` at the
    high resolution: the design ESPCN replaced, at ``scale²`` times its cost.

    Args:
        scale: the upsampling factor r (>= 2).
        in_channels: image channels C (the output has as many).
        up: upsampler spec (name or dict) of the last stage.
        dims: spatial dims (the paper's 2; 1 and 3 work the same way).
        position: ``"post"`` (the paper's: upsample last) or ``"pre"`` (upsample the input).

    Shape:
        - Input: ``(N, in_channels, *S)``
        - Output: ``(N, in_channels, *(S * scale))``

    Examples:
        >>> import torch
        >>> ESPCN(3, up="resizeconv")(torch.rand(2, 1, 5, 6)).shape
        torch.Size([2, 1, 15, 18])
        >>> ESPCN(2, up="cubic", position="pre")(torch.rand(2, 1, 5, 6)).shape
        torch.Size([2, 1, 10, 12])
    """

    def __init__(self, scale: int, in_channels: int = 1, up: Spec = "pixelshuffle",
                 dims: int = 2, position: str = "post") -> None:
        super().__init__()
        scale = check_int(scale, "scale", minimum=2)
        in_channels = check_int(in_channels, "in_channels")
        dims = check_dims(dims)
        if position not in ("post", "pre"):
            raise ValueError(f"position must be 'post' or 'pre', got {position!r}")
        conv = CONV[dims]
        head = nn.Sequential(
            conv(in_channels, 64, 5, padding=2), nn.Tanh(),
            conv(64, 32, 3, padding=1), nn.Tanh(),
        )
        if position == "post":
            self.pre: nn.Module = nn.Identity()
            self.head = head
            self.tail = make_up(up, "up", 32, in_channels, scale, dims)
        else:
            self.pre = make_up(up, "up", in_channels, in_channels, scale, dims)
            self.head = head
            self.tail = conv(32, in_channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return self.tail(self.head(self.pre(x)))


def _deconv_kernel(scale: int) -> int:
    """The paper's 9 for the transposed conv where the layer's parity rule allows it (odd
    scales), else 8: the output must be exactly ``scale`` times the input."""
    return max(9 if scale % 2 else 8, scale)


@register_model("fsrcnn")
class FSRCNN(nn.Module):
    """FSRCNN (Dong et al., ECCV 2016): feature extraction (5×5 conv to ``d``), shrinking (1×1
    to ``s``), ``m`` mapping layers (3×3, ``s`` to ``s``), expanding (1×1 to ``d``), each
    followed by PReLU, then a transposed convolution with stride ``scale``.

    The paper's deconvolution is 9×9; the ``"transposed"`` layer here keeps the output exactly
    ``scale`` times the input, which needs an odd kernel for odd scales, so it is 9×9 for odd
    scales and 8×8 for even ones (a spec's own ``kernel_size`` wins). ``up`` swaps that stage for
    any registered upsampler from ``d`` channels. At ``scale=3`` with one channel the weights
    number 25d + sd + 9ms² + ds + 81d = 12,464, the paper's count for FSRCNN(56, 12, 4).

    Args:
        scale: the upsampling factor (>= 2).
        in_channels: image channels (the output has as many).
        up: upsampler spec (name or dict) of the last stage.
        d, s, m: the paper's feature, shrunk-feature and mapping-depth settings.
        dims: spatial dims (the paper's 2; 1 and 3 work the same way).

    Shape:
        - Input: ``(N, in_channels, *S)``
        - Output: ``(N, in_channels, *(S * scale))``

    Examples:
        >>> import torch
        >>> FSRCNN(4, in_channels=3, up="pixelshuffle")(torch.rand(1, 3, 3, 5)).shape
        torch.Size([1, 3, 12, 20])
    """

    def __init__(self, scale: int, in_channels: int = 1, up: Spec = "transposed",
                 d: int = 56, s: int = 12, m: int = 4, dims: int = 2) -> None:
        super().__init__()
        scale = check_int(scale, "scale", minimum=2)
        in_channels = check_int(in_channels, "in_channels")
        d, s, m = check_int(d, "d"), check_int(s, "s"), check_int(m, "m", minimum=0)
        dims = check_dims(dims)
        conv = CONV[dims]
        self.head = nn.Sequential(conv(in_channels, d, 5, padding=2), nn.PReLU(d))
        mapping = [layer for _ in range(m) for layer in (conv(s, s, 3, padding=1), nn.PReLU(s))]
        self.body = nn.Sequential(
            conv(d, s, 1), nn.PReLU(s), *mapping, conv(s, d, 1), nn.PReLU(d)
        )
        defaults: Mapping[str, Mapping[str, int]] = {
            "transposed": {"kernel_size": _deconv_kernel(scale)}
        }
        self.tail = make_up(up, "up", d, in_channels, scale, dims, defaults)

    def forward(self, x: Tensor) -> Tensor:
        return self.tail(self.body(self.head(x)))
