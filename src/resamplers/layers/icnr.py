"""ICNR initialisation for sub-pixel convolutions (Aitken et al., "Checkerboard artifact free
sub-pixel convolution", 2017).

A conv to ``C·f^d`` channels followed by a pixel shuffle by ``f`` writes output channel ``c`` at
block offset ``o`` from conv channel ``c·f^d + o`` (torch's order). ICNR makes the ``f^d``
sub-kernels of each ``c`` equal, so at initialisation the pair equals a conv to ``C`` channels
followed by nearest-neighbour upsampling: no checkerboard to unlearn.

>>> import torch
>>> w = icnr_(torch.empty(8, 3, 3, 3), factor=2)
>>> torch.equal(w[0], w[3]), torch.equal(w[3], w[4])
(True, False)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

__all__ = ["icnr_"]


def _default_conv_init(weight: Tensor) -> Tensor:
    # the initialiser nn.ConvNd.reset_parameters uses, so only the tying changes
    return nn.init.kaiming_uniform_(weight, a=math.sqrt(5))


@torch.no_grad()
def icnr_(
    weight: Tensor,
    factor: int | Sequence[int],
    init: Callable[[Tensor], Tensor] = _default_conv_init,
) -> Tensor:
    """Fill a sub-pixel conv weight in place so its ``prod(factor)`` sub-kernels per output
    channel are equal copies of one kernel drawn with ``init``.

    Args:
        weight: conv weight ``(C·prod(factor), C_in, *kernel)``; the number of spatial dims
            ``d`` is ``weight.ndim - 2``.
        factor: the pixel shuffle factor, one int or one per spatial axis.
        init: in-place initialiser for one ``(C, C_in, *kernel)`` kernel; defaults to the
            one ``nn.ConvNd`` uses.

    Returns:
        ``weight``, filled.

    Shape:
        - weight: ``(C * prod(factor), C_in, *kernel)``

    Examples:
        >>> w = icnr_(torch.empty(27, 2, 1), factor=3, init=torch.nn.init.ones_)
        >>> bool((w == 1).all())
        True
    """
    dims = weight.ndim - 2
    factors = (factor,) * dims if isinstance(factor, int) else tuple(factor)
    if len(factors) != dims:
        raise ValueError(f"factor: expected one int or {dims} ints, got {factor!r}")
    block = math.prod(factors)
    if weight.shape[0] % block:
        raise ValueError(
            f"weight: {weight.shape[0]} output channels are not a multiple of the "
            f"{block} sub-pixel positions of factor {factor!r}"
        )
    kernel = init(weight.new_empty(weight.shape[0] // block, *weight.shape[1:]))
    return weight.copy_(kernel.repeat_interleave(block, dim=0))
