"""Pooling: one N-d entry for each of torch's pools, plus the anti-aliased and adaptive ones.

``max_pool``, ``avg_pool``, ``lp_pool`` and the adaptive pools pick torch's 1-D, 2-D or 3-D
kernel from the input rank and check their arguments. ``blur_pool`` and ``max_blur_pool``
follow Zhang, "Making Convolutional Networks Shift-Invariant Again" (ICML 2019); ``aps_pool``
is the adaptive polyphase sampling of Chaman & Dokmanić, "Truly Shift-Invariant Convolutional
Neural Networks" (CVPR 2021).

>>> import torch
>>> x = torch.rand(2, 3, 32, 32)
>>> max_pool(x, 2).shape, blur_pool(x).shape, aps_pool(x).shape
(torch.Size([2, 3, 16, 16]), torch.Size([2, 3, 16, 16]), torch.Size([2, 3, 16, 16]))
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resamplers.functional._interop import (
    ArrayLike,
    IntOrTuple,
    check_int,
    check_ints,
    per_axis,
    require_float,
    spatial_dims,
    to_tensor,
)

PAD_MODES = ("reflect", "replicate", "circular", "constant")

_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_LP_POOL = {1: F.lp_pool1d, 2: F.lp_pool2d, 3: F.lp_pool3d}
_ADAPTIVE_MAX_POOL = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}
_ADAPTIVE_AVG_POOL = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def max_pool(
    x: ArrayLike,
    kernel: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> ArrayLike | tuple[ArrayLike, ArrayLike]:
    """Max over sliding windows (torch's ``max_pool{1,2,3}d``, chosen from the input rank).

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; float or integer.
        kernel: window size, one int or one per spatial axis.
        stride: window step; defaults to ``kernel``.
        padding: implicit ``-inf`` padding on both sides, at most ``kernel // 2``.
        dilation: spacing between the window's samples.
        ceil_mode: round the output size up instead of down.
        return_indices: also return the flat (per-channel) index of each maximum, int64.

    Returns:
        The pooled data of ``x``'s type and dtype, and the indices if asked for.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with
          ``out = floor((in + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1``

    Examples:
        >>> x = torch.arange(16.0).view(1, 1, 4, 4)
        >>> max_pool(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> max_pool(np.arange(6, dtype=np.uint8).reshape(1, 1, 6), 3)
        array([[[2, 5]]], dtype=uint8)
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    kernel, stride, padding, dilation = _window(tensor, kernel, stride, padding, dilation)
    # torch's 1-D max pool has no integer kernel, its 2-D one has
    pool = _int_max_pool1d if dims == 1 and not tensor.is_floating_point() else _MAX_POOL[dims]
    out = pool(tensor, kernel, stride, padding, dilation, ceil_mode, return_indices)
    if return_indices:
        return back(out[0]), _indices_like(out[1], x)
    return back(out)


def avg_pool(
    x: ArrayLike,
    kernel: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> ArrayLike:
    """Mean over sliding windows (torch's ``avg_pool{1,2,3}d``, chosen from the input rank).

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        kernel: window size, one int or one per spatial axis.
        stride: window step; defaults to ``kernel``.
        padding: implicit zero padding on both sides, at most ``kernel // 2``.
        ceil_mode: round the output size up instead of down.
        count_include_pad: divide by the full window size, padding included.

    Returns:
        The pooled data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with
          ``out = floor((in + 2 * padding - kernel) / stride) + 1``

    Examples:
        >>> avg_pool(torch.arange(6.0).view(1, 1, 6), 2)
        tensor([[[0.5000, 2.5000, 4.5000]]])
        >>> avg_pool(torch.rand(1, 2, 8, 8, 8), (2, 4, 8)).shape
        torch.Size([1, 2, 4, 2, 1])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    require_float(tensor, "avg_pool")
    kernel, stride, padding, _ = _window(tensor, kernel, stride, padding)
    return back(_AVG_POOL[dims](tensor, kernel, stride, padding, ceil_mode, count_include_pad))


def lp_pool(
    x: ArrayLike,
    norm_type: float,
    kernel: IntOrTuple,
    stride: IntOrTuple | None = None,
    ceil_mode: bool = False,
) -> ArrayLike:
    """Power-average pooling ``(sum over the window of x**p) ** (1 / p)`` (torch's ``lp_pool``).

    ``p = 1`` is sum pooling; large ``p`` approaches max pooling. The gradient is undefined
    where a whole window is zero, and non-integer ``p`` needs non-negative inputs.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        norm_type: the power ``p``, a positive finite number.
        kernel: window size, one int or one per spatial axis.
        stride: window step; defaults to ``kernel``.
        ceil_mode: round the output size up instead of down.

    Returns:
        The pooled data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = floor((in - kernel) / stride) + 1``

    Examples:
        >>> lp_pool(torch.tensor([[[3.0, 4.0, 1.0, 1.0]]]), 2, 2)
        tensor([[[5.0000, 1.4142]]])
        >>> lp_pool(torch.rand(1, 1, 4, 4, 4), 3, 2).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    require_float(tensor, "lp_pool")
    valid = isinstance(norm_type, (int, float, np.integer, np.floating))
    if isinstance(norm_type, bool) or not valid or not 0 < norm_type < math.inf:
        raise ValueError(
            f"norm_type: expected a positive finite number, got {norm_type!r}; "
            "for p = inf use max_pool"
        )
    kernel, stride, _, _ = _window(tensor, kernel, stride, 0)
    # lp_pool1d multiplies by kernel_size, so it needs a plain int there
    window = (kernel[0], stride[0]) if dims == 1 else (kernel, stride)
    return back(_LP_POOL[dims](tensor, float(norm_type), *window, ceil_mode))


def adaptive_max_pool(
    x: ArrayLike, output_size: int | Sequence[int | None], return_indices: bool = False
) -> ArrayLike | tuple[ArrayLike, ArrayLike]:
    """Max pooling to a given output size (torch's ``adaptive_max_pool{1,2,3}d``).

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        output_size: one int or one per spatial axis; ``None`` keeps that axis' size.
        return_indices: also return the flat (per-channel) index of each maximum, int64.

    Returns:
        The pooled data of ``x``'s type and dtype, and the indices if asked for.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *output_size)``

    Examples:
        >>> adaptive_max_pool(torch.arange(10.0).view(1, 1, 10), 3)
        tensor([[[3., 6., 9.]]])
        >>> adaptive_max_pool(torch.rand(2, 3, 7, 9), (1, None)).shape
        torch.Size([2, 3, 1, 9])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    require_float(tensor, "adaptive_max_pool")
    size = _output_size(tensor, output_size)
    out = _ADAPTIVE_MAX_POOL[dims](tensor, size, return_indices)
    if return_indices:
        return back(out[0]), _indices_like(out[1], x)
    return back(out)


def adaptive_avg_pool(x: ArrayLike, output_size: int | Sequence[int | None]) -> ArrayLike:
    """Average pooling to a given output size (torch's ``adaptive_avg_pool{1,2,3}d``).

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        output_size: one int or one per spatial axis; ``None`` keeps that axis' size.

    Returns:
        The pooled data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *output_size)``

    Examples:
        >>> adaptive_avg_pool(torch.arange(6.0).view(1, 1, 6), 2)
        tensor([[[1., 4.]]])
        >>> adaptive_avg_pool(torch.rand(2, 3, 5, 6, 7), 1).shape
        torch.Size([2, 3, 1, 1, 1])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    require_float(tensor, "adaptive_avg_pool")
    return back(_ADAPTIVE_AVG_POOL[dims](tensor, _output_size(tensor, output_size)))


def blur_pool(
    x: ArrayLike, factor: IntOrTuple = 2, filter_size: int = 4, pad_mode: str = "reflect"
) -> ArrayLike:
    """Anti-aliased downsampling: a binomial low-pass, then keep every ``factor``-th sample.

    The filter is row ``filter_size - 1`` of Pascal's triangle, normalized to sum 1, applied
    along every spatial axis (an outer product, channel by channel). The input is padded by
    ``(filter_size - 1) // 2`` before and ``filter_size // 2`` after each axis, as in Zhang's
    ``antialiased-cnns`` ``BlurPool``, whose 2-D output this reproduces.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        factor: downsampling stride, one int or one per spatial axis (1 blurs without
            downsampling).
        filter_size: number of taps per axis (1 = plain subsampling, 2 = box, 3 = [1, 2, 1],
            4 = [1, 3, 3, 1], 5 = Burt & Adelson's [1, 4, 6, 4, 1], ...).
        pad_mode: ``"reflect"``, ``"replicate"``, ``"circular"`` or ``"constant"`` (zeros).

    Returns:
        The downsampled data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = ceil(in / factor)``

    Examples:
        >>> blur_pool(torch.tensor([[[0.0, 0.0, 4.0, 0.0, 0.0, 0.0]]]), filter_size=3)
        tensor([[[0., 2., 0.]]])
        >>> y = blur_pool(torch.ones(1, 3, 5, 7), factor=(1, 2))
        >>> y.shape, y.unique()
        (torch.Size([1, 3, 5, 4]), tensor([1.]))
    """
    tensor, back = to_tensor(x)
    _check_pad_mode(pad_mode)
    return back(_blur_pool(tensor, factor, _binomial(filter_size), pad_mode))


def max_blur_pool(
    x: ArrayLike,
    factor: IntOrTuple = 2,
    kernel: IntOrTuple = 2,
    filter_size: int = 4,
    pad_mode: str = "reflect",
) -> ArrayLike:
    """Zhang's MaxBlurPool: a stride-1 max over ``kernel`` windows, then :func:`blur_pool`.

    Replaces a strided max pool (``max_pool(x, kernel, stride=factor)``) by its anti-aliased
    version: the max is evaluated densely, and the subsampling happens after a low-pass.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; floating point.
        factor: downsampling stride, one int or one per spatial axis.
        kernel: max window size, one int or one per spatial axis.
        filter_size: binomial taps per axis, as in :func:`blur_pool`.
        pad_mode: padding for the blur, as in :func:`blur_pool`.

    Returns:
        The downsampled data, of ``x``'s type and dtype.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = ceil((in - kernel + 1) / factor)``

    Examples:
        >>> max_blur_pool(torch.rand(2, 4, 16, 16)).shape
        torch.Size([2, 4, 8, 8])
        >>> max_blur_pool(torch.tensor([[[0.0, 0.0, 0.0, 8.0, 0.0, 0.0, 0.0, 0.0]]]), filter_size=3)
        tensor([[[0., 6., 2., 0.]]])
    """
    tensor, back = to_tensor(x)
    _check_pad_mode(pad_mode)
    return back(_max_blur_pool(tensor, factor, kernel, _binomial(filter_size), pad_mode))


def aps_pool(
    x: ArrayLike, factor: IntOrTuple = 2, return_index: bool = False
) -> ArrayLike | tuple[ArrayLike, ArrayLike]:
    """Adaptive polyphase sampling: per sample, keep the polyphase component of largest norm.

    Subsampling by ``factor`` can start at any of ``prod(factor)`` offsets; each offset gives
    a polyphase component ``x[n, :, o0::f0, o1::f1, ...]``. APS keeps, for each sample, the
    component whose ℓ2 norm over all channels and positions is largest (the first one, in
    C order of the offsets, on exact ties). A circular shift of the input then only permutes
    and circularly shifts the components, so the output is a circular shift of the unshifted
    output and a global pool after it is exactly shift-invariant (for spatial sizes divisible
    by ``factor`` and no ties). Other sizes are first padded circularly to a multiple of
    ``factor``, as in the authors' code.

    Args:
        x: ``(N, C, *spatial)`` with 1, 2 or 3 spatial dims; float or integer.
        factor: downsampling stride, one int or one per spatial axis.
        return_index: also return the chosen offsets, an int64 ``(N, D)`` array.

    Returns:
        The selected components, of ``x``'s type and dtype, and the offsets if asked for.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = ceil(in / factor)``; offsets ``(N, D)``

    Examples:
        >>> x = torch.tensor([[[1.0, 5.0, 2.0, 6.0]], [[7.0, 0.0, 8.0, 1.0]]])
        >>> out, offsets = aps_pool(x, return_index=True)
        >>> out
        tensor([[[5., 6.]],
        <BLANKLINE>
                [[7., 8.]]])
        >>> offsets
        tensor([[1],
                [0]])
    """
    tensor, back = to_tensor(x)
    dims = spatial_dims(tensor)
    factor = check_ints(factor, dims, "factor")
    for axis, (size, step) in enumerate(zip(tensor.shape[2:], factor, strict=True)):
        if step > size:
            raise ValueError(f"factor: {step} is larger than spatial axis {axis} of x ({size})")
    extra = [-size % step for size, step in zip(tensor.shape[2:], factor, strict=True)]
    if any(extra):
        tensor = F.pad(tensor, [p for e in reversed(extra) for p in (0, e)], mode="circular")
    n, c, *sizes = tensor.shape
    # (N, C, s0 / f0, f0, s1 / f1, f1, ...): offset o_i of component is index o_i of axis 3 + 2i
    phases = tensor.reshape(
        n, c, *[d for s, f in zip(sizes, factor, strict=True) for d in (s // f, f)]
    )
    # integers would overflow and halves saturate when squared
    energy_dtype = torch.promote_types(tensor.dtype, torch.float32)
    reduced = (1, *range(2, 2 + 2 * dims, 2))
    norms = torch.linalg.vector_norm(phases.to(energy_dtype), dim=reduced).flatten(1)
    best = norms.argmax(dim=1)  # documented to return the first maximum on ties
    offsets = torch.stack(torch.unravel_index(best, factor), dim=1)
    index: list[Tensor | slice] = [torch.arange(n, device=tensor.device), slice(None)]
    for axis in range(dims):
        index += [slice(None), offsets[:, axis]]
    # advanced indices split by slices go first: (N,) then the sliced (C, *out_spatial)
    out = back(phases[tuple(index)])
    return (out, _indices_like(offsets, x)) if return_index else out


class MaxPool(nn.Module):
    """Module form of :func:`max_pool`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)``

    Examples:
        >>> MaxPool(3, stride=2, padding=1)(torch.rand(1, 2, 9, 9)).shape
        torch.Size([1, 2, 5, 5])
    """

    def __init__(
        self,
        kernel: IntOrTuple,
        stride: IntOrTuple | None = None,
        padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1,
        ceil_mode: bool = False,
        return_indices: bool = False,
    ) -> None:
        super().__init__()
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation
        self.ceil_mode, self.return_indices = ceil_mode, return_indices

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return max_pool(  # type: ignore[return-value]
            x,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel={self.kernel}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool(nn.Module):
    """Module form of :func:`avg_pool`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)``

    Examples:
        >>> AvgPool(2)(torch.rand(1, 2, 8)).shape
        torch.Size([1, 2, 4])
    """

    def __init__(
        self,
        kernel: IntOrTuple,
        stride: IntOrTuple | None = None,
        padding: IntOrTuple = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool(  # type: ignore[return-value]
            x, self.kernel, self.stride, self.padding, self.ceil_mode, self.count_include_pad
        )

    def extra_repr(self) -> str:
        return f"kernel={self.kernel}, stride={self.stride}, padding={self.padding}"


class LPPool(nn.Module):
    """Module form of :func:`lp_pool`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)``

    Examples:
        >>> LPPool(2, 2)(torch.rand(1, 2, 8, 8, 8)).shape
        torch.Size([1, 2, 4, 4, 4])
    """

    def __init__(
        self,
        norm_type: float,
        kernel: IntOrTuple,
        stride: IntOrTuple | None = None,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.norm_type, self.kernel = norm_type, kernel
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, x: Tensor) -> Tensor:
        return lp_pool(x, self.norm_type, self.kernel, self.stride, self.ceil_mode)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"norm_type={self.norm_type}, kernel={self.kernel}, stride={self.stride}"


class AdaptiveMaxPool(nn.Module):
    """Module form of :func:`adaptive_max_pool`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *output_size)``

    Examples:
        >>> AdaptiveMaxPool((4, 2))(torch.rand(1, 2, 9, 9)).shape
        torch.Size([1, 2, 4, 2])
    """

    def __init__(
        self, output_size: int | Sequence[int | None], return_indices: bool = False
    ) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return adaptive_max_pool(x, self.output_size, self.return_indices)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool(nn.Module):
    """Module form of :func:`adaptive_avg_pool`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *output_size)``

    Examples:
        >>> AdaptiveAvgPool(1)(torch.rand(2, 5, 7, 7)).shape
        torch.Size([2, 5, 1, 1])
    """

    def __init__(self, output_size: int | Sequence[int | None]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool(x, self.output_size)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class BlurPool(nn.Module):
    """Module form of :func:`blur_pool`; the 1-D filter is a non-persistent buffer.

    Unlike ``antialiased_cnns.BlurPool`` it needs no channel count and works in 1-D to 3-D.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = ceil(in / factor)``

    Examples:
        >>> pool = BlurPool(filter_size=3)
        >>> pool.taps
        tensor([0.2500, 0.5000, 0.2500])
        >>> pool(torch.rand(1, 8, 15, 16)).shape
        torch.Size([1, 8, 8, 8])
    """

    taps: Tensor

    def __init__(
        self, factor: IntOrTuple = 2, filter_size: int = 4, pad_mode: str = "reflect"
    ) -> None:
        super().__init__()
        _check_pad_mode(pad_mode)
        self.factor, self.filter_size, self.pad_mode = factor, filter_size, pad_mode
        taps = _binomial(filter_size).to(torch.get_default_dtype())
        self.register_buffer("taps", taps, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return _blur_pool(x, self.factor, self.taps, self.pad_mode)

    def extra_repr(self) -> str:
        return f"factor={self.factor}, filter_size={self.filter_size}, pad_mode={self.pad_mode!r}"


class MaxBlurPool(nn.Module):
    """Module form of :func:`max_blur_pool`; the 1-D filter is a non-persistent buffer.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = ceil((in - kernel + 1) / factor)``

    Examples:
        >>> MaxBlurPool()(torch.rand(1, 8, 16, 16, 16)).shape
        torch.Size([1, 8, 8, 8, 8])
    """

    taps: Tensor

    def __init__(
        self,
        factor: IntOrTuple = 2,
        kernel: IntOrTuple = 2,
        filter_size: int = 4,
        pad_mode: str = "reflect",
    ) -> None:
        super().__init__()
        _check_pad_mode(pad_mode)
        self.factor, self.kernel = factor, kernel
        self.filter_size, self.pad_mode = filter_size, pad_mode
        taps = _binomial(filter_size).to(torch.get_default_dtype())
        self.register_buffer("taps", taps, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return _max_blur_pool(x, self.factor, self.kernel, self.taps, self.pad_mode)

    def extra_repr(self) -> str:
        return (
            f"factor={self.factor}, kernel={self.kernel}, filter_size={self.filter_size}, "
            f"pad_mode={self.pad_mode!r}"
        )


class APSPool(nn.Module):
    """Module form of :func:`aps_pool`.

    Shape:
        - Input: ``(N, C, *in_spatial)``
        - Output: ``(N, C, *out_spatial)`` with ``out = ceil(in / factor)``

    Examples:
        >>> APSPool()(torch.rand(2, 3, 8, 8)).shape
        torch.Size([2, 3, 4, 4])
    """

    def __init__(self, factor: IntOrTuple = 2, return_index: bool = False) -> None:
        super().__init__()
        self.factor, self.return_index = factor, return_index

    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return aps_pool(x, self.factor, self.return_index)  # type: ignore[return-value]

    def extra_repr(self) -> str:
        return f"factor={self.factor}"


# --- implementation --------------------------------------------------------------------------


def _blur_pool(x: Tensor, factor: IntOrTuple, taps: Tensor, pad_mode: str) -> Tensor:
    dims = spatial_dims(x)
    require_float(x, "blur_pool")
    factor = check_ints(factor, dims, "factor")
    before, after = (taps.numel() - 1) // 2, taps.numel() // 2
    # reflect mirrors without repeating the edge sample; circular may wrap a whole axis once
    needed = {"reflect": after + 1, "circular": after}.get(pad_mode, 1)
    if min(x.shape[2:]) < needed:
        raise ValueError(
            f"x: {pad_mode} padding by {after} needs spatial sizes >= {needed}, got "
            f"{tuple(x.shape[2:])}; use pad_mode='replicate' or a smaller filter_size"
        )
    taps = taps.to(x)
    weight = taps
    for _ in range(dims - 1):
        weight = weight.unsqueeze(-1) * taps
    # one N-d depthwise conv: on CPU it beats separable 1-D passes and matches the reference
    weight = weight.expand(x.shape[1], 1, *weight.shape)
    padded = F.pad(x, (before, after) * dims, mode=pad_mode)
    return _CONV[dims](padded, weight, stride=factor, groups=x.shape[1])


def _max_blur_pool(
    x: Tensor, factor: IntOrTuple, kernel: IntOrTuple, taps: Tensor, pad_mode: str
) -> Tensor:
    spatial_dims(x)
    require_float(x, "max_blur_pool")
    kernel, _, _, _ = _window(x, kernel, 1, 0)
    return _blur_pool(_sliding_max(x, kernel), factor, taps, pad_mode)


def _sliding_max(x: Tensor, kernel: tuple[int, ...]) -> Tensor:
    # a stride-1 max pool as shifted maxima, axis by axis: same values, several times faster
    # on CPU than torch's stride-1 max_pool kernels
    for axis, size in enumerate(kernel, start=2):
        length = x.shape[axis] - size + 1
        out = x.narrow(axis, 0, length)
        for offset in range(1, size):
            out = torch.maximum(out, x.narrow(axis, offset, length))
        x = out
    return x


def _int_max_pool1d(
    x: Tensor,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
    return_indices: bool,
) -> Tensor | tuple[Tensor, Tensor]:
    # on a (N, C, 1, L) view the 2-D flat indices equal the 1-D ones
    out = F.max_pool2d(
        x.unsqueeze(-2),
        (1, *kernel),
        (1, *stride),
        (0, *padding),
        (1, *dilation),
        ceil_mode,
        return_indices,
    )
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def _binomial(filter_size: int) -> Tensor:
    size = check_int(filter_size, "filter_size")
    taps = torch.tensor([math.comb(size - 1, k) for k in range(size)], dtype=torch.float64)
    return taps / taps.sum()


# --- argument checking -----------------------------------------------------------------------


def _window(
    x: Tensor,
    kernel: IntOrTuple,
    stride: IntOrTuple | None,
    padding: IntOrTuple,
    dilation: IntOrTuple = 1,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    dims = x.ndim - 2
    kernel = check_ints(kernel, dims, "kernel")
    stride = kernel if stride is None else check_ints(stride, dims, "stride")
    padding = check_ints(padding, dims, "padding", minimum=0)
    dilation = check_ints(dilation, dims, "dilation")
    for axis, (size, k, p, d) in enumerate(
        zip(x.shape[2:], kernel, padding, dilation, strict=True)
    ):
        if p > k // 2:
            raise ValueError(
                f"padding: at most half the kernel ({k // 2}) on spatial axis {axis}, got {p}"
            )
        span = d * (k - 1) + 1
        if size + 2 * p < span:
            raise ValueError(
                f"kernel: the window spans {span} samples but spatial axis {axis} of x has only "
                f"{size} (+ 2 * {p} padding); use a smaller kernel or a larger input"
            )
    return kernel, stride, padding, dilation


def _output_size(x: Tensor, output_size: object) -> tuple[int, ...]:
    sizes = per_axis(output_size, x.ndim - 2, "output_size")
    return tuple(
        size if wanted is None else check_int(wanted, "output_size")
        for size, wanted in zip(x.shape[2:], sizes, strict=True)
    )


def _check_pad_mode(pad_mode: str) -> None:
    if pad_mode not in PAD_MODES:
        raise ValueError(f"pad_mode: expected one of {PAD_MODES}, got {pad_mode!r}")


def _indices_like(indices: Tensor, like: ArrayLike) -> ArrayLike:
    # indices stay int64 whatever the data dtype; only the container follows the input
    return indices.cpu().numpy() if isinstance(like, np.ndarray) else indices
