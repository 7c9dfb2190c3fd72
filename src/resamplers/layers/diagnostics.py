"""Diagnostics for upsamplers: how much checkerboard an output carries.

An upsampler by ``f`` that treats the ``f^d`` sub-pixel positions of a block differently leaves
a pattern of period ``f``: energy at the frequencies ``2πk/f`` (``k ≠ 0``), which is ``(π, π)``,
``(π, 0)`` and ``(0, π)`` for ``f = 2`` in 2-D. A smooth input has almost none there, so the
share of the output's (non-DC) energy at those frequencies measures the artefact.

>>> import torch
>>> smooth = torch.linspace(0, 1, 16).view(1, 1, 16).expand(1, 1, 16, 16)
>>> checkerboard_energy(smooth.repeat_interleave(2, -1).repeat_interleave(2, -2), 2) < 1e-12
True
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["checkerboard_energy"]


def checkerboard_energy(y: Tensor, factor: int) -> float:
    """Share of ``y``'s non-DC spectral energy at the non-zero multiples of ``2π / factor``.

    Args:
        y: upsampler output ``(N, C, *S)``, every ``S`` divisible by ``factor``.
        factor: the upsampling factor (the period of the pattern to look for).

    Returns:
        A number in ``[0, 1]``: near 0 when a smooth input was upsampled without artefacts,
        larger for stronger period-``factor`` patterns, 1 for a pure checkerboard.

    Shape:
        - Input: ``(N, C, *S)``

    Examples:
        >>> board = torch.tensor([[1.0, -1.0], [-1.0, 1.0]]).repeat(4, 4).view(1, 1, 8, 8)
        >>> checkerboard_energy(board, 2)
        1.0
    """
    size = y.shape[2:]
    if any(s % factor for s in size):
        raise ValueError(f"y: spatial sizes {tuple(size)} are not divisible by factor={factor}")
    power = torch.fft.fftn(y.detach().double(), dim=tuple(range(2, y.ndim))).abs().square()
    on_grid = torch.ones((), dtype=torch.bool)
    dc = torch.ones((), dtype=torch.bool)
    for axis, s in enumerate(size):
        k = torch.arange(s).view([-1 if a == axis else 1 for a in range(len(size))])
        on_grid = on_grid & (k % (s // factor) == 0)
        dc = dc & (k == 0)
    total = power[..., ~dc].sum()
    return float(power[..., on_grid & ~dc].sum() / total) if total > 0 else 0.0
