"""ICNR initialisation."""

from __future__ import annotations

import pytest
import torch

from resamplers.layers import icnr_


@pytest.mark.parametrize(("shape", "factor"), [((12, 2, 3), 3), ((8, 3, 3, 3), 2),
                                               ((24, 1, 1, 1, 1), (1, 2, 3))])
def test_sub_kernels_are_equal_and_drawn_with_init(shape: tuple[int, ...], factor: object) -> None:
    torch.manual_seed(0)
    weight = icnr_(torch.empty(shape), factor)  # type: ignore[arg-type]
    block = 3 if shape == (12, 2, 3) else (4 if len(shape) == 4 else 6)
    blocks = weight.view(shape[0] // block, block, *shape[1:])
    assert torch.equal(blocks, blocks[:, :1].expand_as(blocks))
    assert not torch.equal(blocks[0, 0], blocks[1, 0])


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="weight: 6 output channels"):
        icnr_(torch.empty(6, 1, 3, 3), 2)
    with pytest.raises(ValueError, match="factor: expected one int or 2 ints"):
        icnr_(torch.empty(8, 1, 3, 3), (2, 2, 2))
