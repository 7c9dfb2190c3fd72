"""Downsamplers as modules with one signature, registered by name for :func:`create_down`.

Each wraps an op of :mod:`resamplers.functional` and adds, where the channel count changes, the
smallest learnable projection (a 1×1 conv). Fixed filters live in non-persistent buffers (inside
``BlurPool`` / ``MaxBlurPool``), so state dicts hold only learned weights.

>>> import torch
>>> x = torch.rand(2, 8, 16, 16)
>>> [tuple(create_down(n, 8, 4)(x).shape) for n in ("max", "blur", "aps", "unshuffle")]
[(2, 4, 8, 8), (2, 4, 8, 8), (2, 4, 8, 8), (2, 4, 8, 8)]
"""

from __future__ import annotations

from torch import Tensor, nn

from resamplers.functional.pixel_shuffle import pixel_unshuffle
from resamplers.functional.pooling import (
    APSPool,
    BlurPool,
    MaxBlurPool,
    avg_pool,
    max_pool,
)
from resamplers.functional.resize import resize
from resamplers.layers.registry import (
    CONV,
    Resampler,
    check_int,
    create_down,
    projection,
    register_down,
)

__all__ = [
    "APSDown",
    "AvgDown",
    "BlurDown",
    "ConvBlurDown",
    "ConvDown",
    "InterpDown",
    "MaxBlurDown",
    "MaxDown",
    "UnshuffleDown",
    "create_down",
]


@register_down("max")
class MaxDown(Resampler):
    """Max pooling with window and stride ``factor`` (:func:`~resamplers.functional.max_pool`),
    then a 1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *floor(S / factor))``

    Examples:
        >>> import torch
        >>> MaxDown(3, factor=3, dims=1)(torch.arange(6.0).view(1, 1, 6).expand(1, 3, 6))
        tensor([[[2., 5.],
                 [2., 5.],
                 [2., 5.]]])
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(max_pool(x, self.factor))


@register_down("avg")
class AvgDown(Resampler):
    """Average pooling with window and stride ``factor``
    (:func:`~resamplers.functional.avg_pool`), then a 1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *floor(S / factor))``

    Examples:
        >>> import torch
        >>> AvgDown(1, dims=1)(torch.tensor([[[1.0, 3.0, 5.0, 7.0]]]))
        tensor([[[2., 6.]]])
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(avg_pool(x, self.factor))


@register_down("conv")
class ConvDown(Resampler):
    """Strided convolution: stride ``factor``, kernel ``factor + 1`` unless ``kernel_size`` is
    given, zero padding ``(kernel_size - 1) // 2`` so that sizes divisible by ``factor`` are
    divided exactly.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *floor((S + 2 * padding - kernel_size) / factor + 1))``,
          which is ``S / factor`` when ``factor`` divides ``S``

    Examples:
        >>> import torch
        >>> layer = ConvDown(4, 8, factor=4, dims=3)
        >>> layer.conv.kernel_size, layer(torch.rand(1, 4, 8, 12, 16)).shape
        ((5, 5, 5), torch.Size([1, 8, 2, 3, 4]))
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
        kernel = self.factor + 1 if kernel_size is None else check_int(kernel_size, "kernel_size")
        self.conv = CONV[dims](
            self.in_channels, self.out_channels, kernel, stride=self.factor,
            padding=(kernel - 1) // 2,
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x)


@register_down("blur")
class BlurDown(Resampler):
    """Zhang's BlurPool (binomial low-pass, then stride ``factor``;
    :class:`~resamplers.functional.BlurPool`), the anti-aliased replacement of average pooling,
    then a 1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *ceil(S / factor))``

    Examples:
        >>> import torch
        >>> BlurDown(2, dims=2)(torch.full((1, 2, 6, 6), 3.0)).unique()
        tensor([3.])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        filter_size: int = 4,
        pad_mode: str = "reflect",
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.blur = BlurPool(self.factor, filter_size, pad_mode)
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(self.blur(x))


@register_down("maxblur")
class MaxBlurDown(Resampler):
    """Zhang's MaxBlurPool (:class:`~resamplers.functional.MaxBlurPool`): a stride-1 max over
    ``kernel_size`` windows (default ``factor``), then BlurPool; the anti-aliased replacement of
    max pooling, then a 1×1 conv if the channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *ceil((S - kernel_size + 1) / factor))``, which is
          ``S / factor`` when ``factor`` divides ``S`` and ``kernel_size <= factor``

    Examples:
        >>> import torch
        >>> MaxBlurDown(3, 6, factor=3, dims=1)(torch.rand(1, 3, 12)).shape
        torch.Size([1, 6, 4])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        kernel_size: int | None = None,
        filter_size: int = 4,
        pad_mode: str = "reflect",
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        kernel = self.factor if kernel_size is None else check_int(kernel_size, "kernel_size")
        self.pool = MaxBlurPool(self.factor, kernel, filter_size, pad_mode)
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(self.pool(x))


@register_down("convblur")
class ConvBlurDown(Resampler):
    """Zhang's replacement of a strided conv: conv with stride 1, ReLU, then BlurPool.

    The ReLU sits before the blur as in Zhang (2019): without a nonlinearity in between, conv
    then blur then subsample is just a strided conv with a fixed low-passed kernel. Pass
    ``activation=False`` to get that linear layer anyway.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *ceil(S / factor))``

    Examples:
        >>> import torch
        >>> ConvBlurDown(4, 8, factor=2, dims=2)(torch.rand(1, 4, 10, 12)).shape
        torch.Size([1, 8, 5, 6])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        kernel_size: int = 3,
        activation: bool = True,
        filter_size: int = 4,
        pad_mode: str = "reflect",
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        kernel = check_int(kernel_size, "kernel_size")
        if kernel % 2 == 0:
            raise ValueError(f"kernel_size: expected an odd size (same padding), got {kernel}")
        self.conv = CONV[dims](self.in_channels, self.out_channels, kernel, padding=kernel // 2)
        self.act = nn.ReLU() if activation else nn.Identity()
        self.blur = BlurPool(self.factor, filter_size, pad_mode)

    def forward(self, x: Tensor) -> Tensor:
        return self.blur(self.act(self.conv(x)))


@register_down("aps")
class APSDown(Resampler):
    """Adaptive polyphase sampling (:func:`~resamplers.functional.aps_pool`): keep, per sample,
    the polyphase component of largest norm, so circular shifts of the input only circularly
    shift the output; then a 1×1 conv (pointwise, so it keeps that) if the channel count
    changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *ceil(S / factor))``

    Examples:
        >>> import torch
        >>> x = torch.rand(1, 3, 8, 8)
        >>> layer = APSDown(3, 5)
        >>> torch.equal(layer(x.roll(2, -1)), layer(x).roll(1, -1))
        True
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.pool = APSPool(self.factor)
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(self.pool(x))


@register_down("unshuffle")
class UnshuffleDown(Resampler):
    """Pixel unshuffle (space to depth) by ``factor``, then a 1×1 conv from
    ``in_channels * factor**dims`` to ``out_channels``: lossless rearrangement, learned mixing.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes, ``S`` divisible by
          ``factor``
        - Output: ``(N, out_channels, *(S / factor))``

    Examples:
        >>> import torch
        >>> layer = UnshuffleDown(2, 3, factor=2, dims=3)
        >>> layer.proj.in_channels, layer(torch.rand(1, 2, 4, 6, 8)).shape
        (16, torch.Size([1, 3, 2, 3, 4]))
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.proj = CONV[dims](self.in_channels * self.factor**dims, self.out_channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(pixel_unshuffle(x, self.factor))


@register_down("interp")
class InterpDown(Resampler):
    """Anti-aliased resize to ``floor(S / factor)`` (:func:`~resamplers.functional.resize`,
    ``method`` cubic by default; the kernel is stretched by ``factor``), then a 1×1 conv if the
    channel count changes.

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *floor(S / factor))``

    Examples:
        >>> import torch
        >>> InterpDown(1, factor=2, dims=1, method="box")(torch.tensor([[[1.0, 3.0, 5.0, 7.0]]]))
        tensor([[[2., 6.]]])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        method: str = "cubic",
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.method = method
        self.proj = projection(self.in_channels, self.out_channels, dims)

    def forward(self, x: Tensor) -> Tensor:
        size = [s // self.factor for s in x.shape[2:]]
        return self.proj(resize(x, size=size, method=self.method))

