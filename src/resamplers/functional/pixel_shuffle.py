"""Pixel shuffle (depth to space) and unshuffle (space to depth) in 1-D, 2-D and 3-D.

Channel order is torch's, which ONNX ``DepthToSpace`` calls mode ``"CRD"``: with per-axis
factors ``(f0, f1, f2)``, input channel ``c·f0·f1·f2 + o0·f1·f2 + o1·f2 + o2`` (the offsets'
C-order index within the block) goes to output channel ``c`` at offsets ``(o0, o1, o2)``;
1-D and 2-D drop the missing terms.

>>> import torch
>>> x = torch.rand(2, 12, 5, 7)
>>> pixel_shuffle(x, 2).shape, pixel_shuffle(x, (3, 4)).shape
(torch.Size([2, 3, 10, 14]), torch.Size([2, 1, 15, 28]))
>>> torch.equal(pixel_unshuffle(pixel_shuffle(x, (3, 4)), (3, 4)), x)
True
"""

from __future__ import annotations

import math

import torch.nn.functional as F
from torch import Tensor, nn

from resamplers.functional._interop import (
    ArrayLike,
    IntOrTuple,
    check_ints,
    spatial_dims,
    to_tensor,
)


def pixel_shuffle(x: ArrayLike, factor: IntOrTuple) -> ArrayLike:
    """Move channel blocks into space: ``(N, C·∏f, *S) -> (N, C, S0·f0, S1·f1, ...)``.

    Output sample ``y[n, c, s0·f0 + o0, s1·f1 + o1]`` (2-D) is input channel
    ``c·f0·f1 + o0·f1 + o1`` at ``(s0, s1)``: torch's order, ONNX ``DepthToSpace`` "CRD";
    the 2-D result is ``torch.nn.functional.pixel_shuffle``'s.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; any dtype.
        factor: upscaling factor, one int or one per spatial axis.

    Returns:
        The rearranged data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C * prod(factor), *in_spatial)``
        - Output: ``(N, C, *(in_spatial * factor))``

    Examples:
        >>> import torch
        >>> pixel_shuffle(torch.arange(6).view(1, 6, 1), 3)
        tensor([[[0, 1, 2],
                 [3, 4, 5]]])
        >>> pixel_shuffle(torch.arange(4).view(1, 4, 1, 1), (1, 4))
        tensor([[[[0, 1, 2, 3]]]])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    factor = check_ints(factor, dims, "factor")
    n, c, *size = tensor.shape
    block = math.prod(factor)
    if c % block:
        raise ValueError(
            f"x: pixel_shuffle by {factor} needs a channel count divisible by {block}, got {c}"
        )
    if dims == 2 and factor[0] == factor[1]:
        # torch's own kernel; it also keeps channels_last inputs channels_last
        return back(F.pixel_shuffle(tensor, factor[0]))
    # (N, C, f0, f1, .., S0, S1, ..) -> (N, C, S0, f0, S1, f1, ..)
    blocks = tensor.reshape(n, c // block, *factor, *size)
    order = [0, 1, *(i for axis in range(dims) for i in (2 + dims + axis, 2 + axis))]
    out_size = [s * f for s, f in zip(size, factor, strict=True)]
    return back(blocks.permute(order).reshape(n, c // block, *out_size))


def pixel_unshuffle(x: ArrayLike, factor: IntOrTuple) -> ArrayLike:
    """Move spatial blocks into channels: ``(N, C, S0·f0, ...) -> (N, C·∏f, S0, S1, ...)``.

    The inverse of :func:`pixel_shuffle` with the same ``factor``; the 2-D result is
    ``torch.nn.functional.pixel_unshuffle``'s.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims, each divisible by its factor;
            any dtype.
        factor: downscaling factor, one int or one per spatial axis.

    Returns:
        The rearranged data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C * prod(factor), *(in_spatial / factor))``

    Examples:
        >>> import torch
        >>> pixel_unshuffle(torch.arange(6).view(1, 1, 6), 2)
        tensor([[[0, 2, 4],
                 [1, 3, 5]]])
        >>> pixel_unshuffle(torch.rand(2, 3, 8, 6, 4), (2, 3, 4)).shape
        torch.Size([2, 72, 4, 2, 1])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    factor = check_ints(factor, dims, "factor")
    n, c, *size = tensor.shape
    for axis, (s, f) in enumerate(zip(size, factor, strict=True)):
        if s % f:
            raise ValueError(
                f"x: pixel_unshuffle by {factor} needs spatial axis {axis} ({s}) divisible by {f}; "
                "crop or pad the input first"
            )
    if dims == 2 and factor[0] == factor[1]:
        return back(F.pixel_unshuffle(tensor, factor[0]))
    # (N, C, S0, f0, S1, f1, ..) -> (N, C, f0, f1, .., S0, S1, ..)
    out_size = [s // f for s, f in zip(size, factor, strict=True)]
    blocks = tensor.reshape(
        n, c, *(d for s, f in zip(out_size, factor, strict=True) for d in (s, f))
    )
    order = [0, 1, *range(3, 2 + 2 * dims, 2), *range(2, 2 + 2 * dims, 2)]
    return back(blocks.permute(order).reshape(n, c * math.prod(factor), *out_size))


class PixelShuffle(nn.Module):
    """Module form of :func:`pixel_shuffle`.

    Shape:
        - Input: ``(N, C * prod(factor), *in_spatial)``
        - Output: ``(N, C, *(in_spatial * factor))``

    Examples:
        >>> import torch
        >>> PixelShuffle(2)(torch.rand(1, 16, 3, 3, 3)).shape
        torch.Size([1, 2, 6, 6, 6])
    """

    def __init__(self, factor: IntOrTuple) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: Tensor) -> Tensor:
        return pixel_shuffle(x, self.factor)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"factor={self.factor}"


class PixelUnshuffle(nn.Module):
    """Module form of :func:`pixel_unshuffle`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C * prod(factor), *(in_spatial / factor))``

    Examples:
        >>> import torch
        >>> PixelUnshuffle((2, 1))(torch.rand(1, 3, 4, 5)).shape
        torch.Size([1, 6, 2, 5])
    """

    def __init__(self, factor: IntOrTuple) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: Tensor) -> Tensor:
        return pixel_unshuffle(x, self.factor)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"factor={self.factor}"
