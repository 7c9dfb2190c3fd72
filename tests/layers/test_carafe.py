"""CARAFE against naive references (the authors' conventions, see ``carafe.py``)."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from resamplers.layers import CARAFE, carafe


def unfold_reference(x: torch.Tensor, kernels: torch.Tensor, factor: int, k: int) -> torch.Tensor:
    """2-D: every k×k neighbourhood via F.unfold, repeated to the fine grid, weighted, summed."""
    n, c, h, w = x.shape
    groups = kernels.shape[1] // k**2
    patches = F.unfold(x, k, padding=k // 2).view(n, groups, c // groups, k * k, h, w)
    patches = patches.repeat_interleave(factor, -2).repeat_interleave(factor, -1)
    weights = kernels.view(n, groups, 1, k * k, h * factor, w * factor)
    return (patches * weights).sum(3).view(n, c, h * factor, w * factor)


def loop_reference(x: torch.Tensor, kernels: torch.Tensor, factor: int, k: int) -> torch.Tensor:
    """Any dims: the CUDA naive kernel's loops, one output sample at a time."""
    n, c, *size = x.shape
    dims = len(size)
    groups = kernels.shape[1] // k**dims
    out = x.new_zeros(n, c, *(s * factor for s in size))
    for b, ch, *p in itertools.product(range(n), range(c), *(range(s * factor) for s in size)):
        src = [q // factor for q in p]
        for j, shift in enumerate(itertools.product(range(k), repeat=dims)):
            q = [s + d - k // 2 for s, d in zip(src, shift, strict=True)]
            if all(0 <= qi < si for qi, si in zip(q, size, strict=True)):
                g = ch // (c // groups)
                out[(b, ch, *p)] += kernels[(b, g * k**dims + j, *p)] * x[(b, ch, *q)]
    return out


def _kernels(n: int, groups: int, k: int, dims: int, fine: list[int]) -> torch.Tensor:
    logits = torch.randn(n, groups, k**dims, *fine, dtype=torch.float64)
    return logits.softmax(2).view(n, groups * k**dims, *fine)


@pytest.mark.parametrize(("factor", "k", "groups"), [(2, 5, 1), (3, 3, 2), (4, 1, 1)])
def test_carafe_equals_the_unfold_reference(factor: int, k: int, groups: int) -> None:
    torch.manual_seed(0)
    x = torch.randn(2, 4, 5, 7, dtype=torch.float64)
    kernels = _kernels(2, groups, k, 2, [5 * factor, 7 * factor])
    torch.testing.assert_close(
        carafe(x, kernels, factor, k), unfold_reference(x, kernels, factor, k)
    )


@pytest.mark.parametrize(("dims", "size"), [(1, [6]), (3, [2, 3, 2])])
def test_carafe_equals_the_loop_reference_in_1d_and_3d(dims: int, size: list[int]) -> None:
    torch.manual_seed(0)
    x = torch.randn(1, 2, *size, dtype=torch.float64)
    kernels = _kernels(1, 2, 3, dims, [s * 2 for s in size])
    torch.testing.assert_close(carafe(x, kernels, 2, 3), loop_reference(x, kernels, 2, 3))


def test_module_is_compressor_encoder_shuffle_softmax_reassembly() -> None:
    torch.manual_seed(0)
    layer = CARAFE(6, factor=2, k_up=3, groups=2, compressed_channels=8).double()
    with torch.no_grad():  # kernels far from uniform, so their layout matters
        layer.encoder.weight.normal_()
    x = torch.randn(2, 6, 4, 5, dtype=torch.float64)
    # the authors' CARAFEPack.kernel_normalizer
    mask = F.pixel_shuffle(layer.encoder(layer.compressor(x)), 2)
    mask = mask.view(2, 2, 9, 8, 10).softmax(2).view(2, 18, 8, 10)
    torch.testing.assert_close(layer(x), unfold_reference(x, mask, 2, 3))


def test_defaults_are_the_papers() -> None:
    layer = CARAFE(32)
    assert layer.compressor.out_channels == 64
    assert layer.encoder.kernel_size == (3, 3)
    assert layer.encoder.out_channels == 5 * 5 * 2 * 2
    # near-uniform kernels at initialisation: a blur of the nearest-upsampled input
    x = torch.ones(1, 32, 8, 8)
    # (away from the zero padding: 2 coarse = 4 fine samples)
    assert layer(x)[..., 4:-4, 4:-4].sub(1).abs().max() < 1e-2


def test_gradcheck() -> None:
    torch.manual_seed(0)
    x = torch.randn(1, 2, 3, 4, dtype=torch.float64, requires_grad=True)
    kernels = _kernels(1, 2, 3, 2, [6, 8]).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: carafe(a, b, 2, 3), (x, kernels))
    x1 = torch.randn(1, 2, 4, dtype=torch.float64, requires_grad=True)
    kernels1 = _kernels(1, 1, 3, 1, [12]).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: carafe(a, b, 3, 3), (x1, kernels1))


def test_errors_name_the_argument() -> None:
    x = torch.rand(1, 4, 3, 3)
    with pytest.raises(ValueError, match="kernels: expected"):
        carafe(x, torch.rand(1, 25, 5, 6), 2)
    with pytest.raises(ValueError, match="kernels: 3 groups"):
        carafe(x, torch.rand(1, 27, 6, 6), 2, 3)
    with pytest.raises(ValueError, match="k_up: expected an odd"):
        CARAFE(4, k_up=4)
    with pytest.raises(ValueError, match="groups: 3 does not divide"):
        CARAFE(4, groups=3)
