"""The checkerboard measure."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from resamplers.layers import checkerboard_energy


def test_nearest_upsampling_has_none_and_a_period_f_pattern_is_all_of_it() -> None:
    torch.manual_seed(0)
    x = torch.randn(1, 2, 6, 6)
    assert checkerboard_energy(F.interpolate(x, scale_factor=3), 3) < 1e-20
    pattern = torch.randn(1, 2, 3, 3).repeat(1, 1, 4, 4)
    pattern = pattern - pattern.mean(dim=(2, 3), keepdim=True)
    assert checkerboard_energy(pattern, 3) == pytest.approx(1.0)


def test_adding_a_checkerboard_raises_it() -> None:
    torch.manual_seed(0)
    smooth = F.interpolate(torch.randn(1, 1, 8), scale_factor=4, mode="linear")
    board = torch.tensor([1.0, -1.0]).repeat(16).view(1, 1, 32)
    low, high = (checkerboard_energy(smooth + a * board, 2) for a in (0.01, 0.1))
    assert low < high
    with pytest.raises(ValueError, match="divisible"):
        checkerboard_energy(smooth[..., :31], 2)
