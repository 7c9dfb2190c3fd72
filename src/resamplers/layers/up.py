"""Upsamplers as modules with one signature, registered by name for :func:`create_up`.

Interpolation (``nearest``, ``linear``, ``cubic``), resize-convolution, transposed convolution
and sub-pixel convolution with ICNR; CARAFE and DySample live in their own files.

>>> import torch
>>> x = torch.rand(2, 8, 6, 6)
>>> [tuple(create_up(n, 8, 4, factor=3)(x).shape) for n in ("nearest", "transposed")]
[(2, 4, 18, 18), (2, 4, 18, 18)]
"""

from __future__ import annotations

from torch import Tensor

from resamplers.functional.pixel_shuffle import pixel_shuffle
from resamplers.functional.resize import resize
from resamplers.layers.icnr import icnr_
from resamplers.layers.registry import (
    CONV,
    CONV_TRANSPOSE,
    Resampler,
    check_int,
    create_up,
    projection,
    register_up,
)

__all__ = [
    "CubicUp",
    "InterpUp",
    "LinearUp",
    "NearestUp",
    "PixelShuffleUp",
    "ResizeConvUp",
    "TransposedUp",
    "create_up",
]


class InterpUp(Resampler):
    """Upsampling by :func:`~resamplers.functional.resize` with method ``method`` (half-pixel
    centres, as ``F.interpolate(..., align_corners=False)``), then a 1×1 conv if the channel
    count changes. Registered as ``nearest``, ``linear`` and ``cubic``.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> InterpUp(1, dims=1, method="linear")(torch.tensor([[[0.0, 4.0]]]))
        tensor([[[0., 1., 3., 4.]]])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        method: str = "linear",
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.method = method
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        size = [s * self.factor for s in x.shape[2:]]
        # the 1×1 conv commutes with interpolation: run it on the smaller map
        return resize(self.proj(x), size=size, method=self.method)


@register_up("nearest")
class NearestUp(InterpUp):
    """Nearest-neighbour upsampling (each sample repeated ``factor`` times per axis), then a
    1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> NearestUp(1, factor=3, dims=1)(torch.tensor([[[1.0, 2.0]]]))
        tensor([[[1., 1., 1., 2., 2., 2.]]])
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims, method="nearest")


@register_up("linear")
class LinearUp(InterpUp):
    """Linear (bi-/trilinear) upsampling, then a 1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> LinearUp(2, 5, dims=3)(torch.rand(1, 2, 3, 4, 5)).shape
        torch.Size([1, 5, 6, 8, 10])
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims, method="linear")


@register_up("cubic")
class CubicUp(InterpUp):
    """Cubic (Keys, a = -0.5) upsampling, then a 1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> y = CubicUp(3, factor=4)(torch.ones(1, 3, 2, 2))
        >>> y.shape, torch.allclose(y, torch.ones(()))
        (torch.Size([1, 3, 8, 8]), True)
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims, method="cubic")


@register_up("resizeconv")
class ResizeConvUp(Resampler):
    """Resize-convolution (Odena, Dumoulin & Olah, Distill 2016): nearest upsampling, then a
    ``kernel_size`` conv (odd, same padding); every output sample sees the same number of
    input samples, so there is no checkerboard.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> ResizeConvUp(4, 2, factor=3, dims=1)(torch.rand(1, 4, 5)).shape
        torch.Size([1, 2, 15])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        kernel_size: int = 3,
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        kernel = check_int(kernel_size, "kernel_size")
        if kernel % 2 == 0:
            raise ValueError(f"kernel_size: expected an odd size (same padding), got {kernel}")
        self.conv = CONV[dims](self.in_channels, self.out_channels, kernel, padding=kernel // 2)

    def forward(self, x: Tensor) -> Tensor:
        size = [s * self.factor for s in x.shape[2:]]
        return self.conv(resize(x, size=size, method="nearest"))


@register_up("transposed")
class TransposedUp(Resampler):
    """Transposed convolution with stride ``factor``; the kernel defaults to
    ``2·factor - factor % 2`` (a multiple of the stride for even factors, which keeps the
    overlap even) and the padding is ``(kernel_size - factor) / 2``, so the output is exactly
    ``factor`` times the input.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> layer = TransposedUp(4, factor=3, dims=2)
        >>> layer.conv.kernel_size, layer.conv.padding, layer(torch.rand(1, 4, 5, 7)).shape
        ((5, 5), (1, 1), torch.Size([1, 4, 15, 21]))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        kernel_size: int | None = None,
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        f = self.factor
        kernel = 2 * f - f % 2 if kernel_size is None else check_int(kernel_size, "kernel_size")
        # output = (S - 1)·f - 2·padding + kernel, which is S·f iff kernel - f = 2·padding
        if kernel < f or (kernel - f) % 2:
            raise ValueError(
                f"kernel_size: the output is exactly factor × the input only for kernel_size = "
                f"factor + 2·padding (>= {f}, same parity as {f}), got {kernel}"
            )
        self.conv = CONV_TRANSPOSE[dims](
            self.in_channels, self.out_channels, kernel, stride=f, padding=(kernel - f) // 2
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x)


@register_up("pixelshuffle")
class PixelShuffleUp(Resampler):
    """Sub-pixel convolution (Shi et al. 2016): a ``kernel_size`` conv to
    ``out_channels·factor**dims`` channels, then :func:`~resamplers.functional.pixel_shuffle`,
    initialised with ICNR (:func:`~resamplers.layers.icnr.icnr_`; ``icnr=False`` for the
    plain initialisation), so at initialisation it equals that conv to ``out_channels``
    followed by nearest upsampling.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> import torch
        >>> y = PixelShuffleUp(3, 2, factor=2)(torch.rand(1, 3, 4, 4))
        >>> y.shape, torch.equal(y[..., 0::2, 0::2], y[..., 1::2, 1::2])
        (torch.Size([1, 2, 8, 8]), True)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        kernel_size: int = 3,
        icnr: bool = True,
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        kernel = check_int(kernel_size, "kernel_size")
        if kernel % 2 == 0:
            raise ValueError(f"kernel_size: expected an odd size (same padding), got {kernel}")
        block = self.factor**dims
        self.conv = CONV[dims](
            self.in_channels, self.out_channels * block, kernel, padding=kernel // 2
        )
        if icnr:
            icnr_(self.conv.weight, self.factor)
            bias = self.conv.bias.detach()
            bias.copy_(bias[::block].repeat_interleave(block))

    def forward(self, x: Tensor) -> Tensor:
        return pixel_shuffle(self.conv(x), self.factor)
