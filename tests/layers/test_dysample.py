"""DySample against its grid convention and the authors' algorithm."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from resamplers.layers import DySample, dysample

TORCH_MODES = {1: "linear", 2: "bilinear", 3: "trilinear"}


def authors_forward(layer: DySample, x: torch.Tensor) -> torch.Tensor:
    """tiny-smart/dysample ``DySample.forward`` (2-D): offsets plus ``init_pos`` at the coarse
    pixel centres, normalised, pixel-shuffled, then ``grid_sample``."""
    s, g = layer.factor, layer.groups
    h_pos = torch.arange((-s + 1) / 2, (s - 1) / 2 + 1, dtype=x.dtype) / s
    init_pos = torch.stack(torch.meshgrid([h_pos, h_pos], indexing="ij")).transpose(1, 2)
    init_pos = init_pos.repeat(1, g, 1).reshape(1, -1, 1, 1)
    if layer.style == "pl":
        source = F.pixel_shuffle(x, s)
        offset = layer.offset(source)
        if layer.scope is not None:
            offset = offset * layer.scope(source).sigmoid() * 2  # 0.5 below, not 0.25
        offset = F.pixel_unshuffle(offset, s) * 0.25 + init_pos
    else:
        offset = layer.offset(x)
        if layer.scope is not None:
            offset = offset * layer.scope(x).sigmoid() * 2
        offset = offset * 0.25 + init_pos
    b, _, h, w = offset.shape
    offset = offset.view(b, 2, -1, h, w)
    coords_h, coords_w = torch.arange(h) + 0.5, torch.arange(w) + 0.5
    coords = torch.stack(torch.meshgrid([coords_w, coords_h], indexing="ij")).transpose(1, 2)
    coords = coords.unsqueeze(1).unsqueeze(0).to(x.dtype)
    normalizer = torch.tensor([w, h], dtype=x.dtype).view(1, 2, 1, 1, 1)
    coords = 2 * (coords + offset) / normalizer - 1
    coords = F.pixel_shuffle(coords, s).permute(0, 2, 3, 4, 1).contiguous().flatten(0, 1)
    sampled = F.grid_sample(x.reshape(b * g, -1, h, w), coords, mode="bilinear",
                            align_corners=False, padding_mode="border")
    return sampled.view(b, -1, s * h, s * w)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("factor", [2, 3])
def test_zero_offsets_are_linear_upsampling(dims: int, factor: int) -> None:
    torch.manual_seed(0)
    x = torch.randn(2, 4, *(3 + i for i in range(dims)), dtype=torch.float64)
    fine = [s * factor for s in x.shape[2:]]
    expected = F.interpolate(x, scale_factor=factor, mode=TORCH_MODES[dims], align_corners=False)
    torch.testing.assert_close(dysample(x, x.new_zeros(2, dims * 2, *fine), factor, 2), expected)
    layer = DySample(4, factor=factor, dims=dims, groups=2).double()
    torch.nn.init.zeros_(layer.offset.weight)
    torch.testing.assert_close(layer(x), expected)


@pytest.mark.parametrize(
    ("style", "dyscope", "factor"), [("lp", False, 2), ("lp", True, 3), ("pl", False, 2),
                                     ("pl", True, 2)]
)
def test_module_matches_the_authors_algorithm(style: str, dyscope: bool, factor: int) -> None:
    torch.manual_seed(0)
    layer = DySample(36, factor=factor, style=style, dyscope=dyscope).double()
    with torch.no_grad():  # offsets of a pixel or more, so their layout matters
        for p in layer.parameters():
            p.normal_()
    x = torch.randn(2, 36, 4, 5, dtype=torch.float64)
    torch.testing.assert_close(layer(x), authors_forward(layer, x))


def test_offsets_move_samples_along_the_named_axis() -> None:
    # a ramp along W: an x offset (component 0) of +1 pixel adds 1, a y offset adds nothing
    x = torch.arange(6.0).view(1, 1, 1, 6).expand(1, 1, 5, 6)
    offset = torch.zeros(1, 2, 10, 12)
    offset[:, 0] = 1.0
    y = dysample(x, offset, 2)
    base = dysample(x, torch.zeros_like(offset), 2)
    torch.testing.assert_close(y[..., 2:-3], base[..., 2:-3] + 1)
    offset = offset.flip(1)
    torch.testing.assert_close(dysample(x, offset, 2), base)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_gradcheck(dims: int) -> None:
    torch.manual_seed(0)
    size = 3 if dims < 3 else 2
    x = torch.randn(1, 2, *(size,) * dims, dtype=torch.float64, requires_grad=True)
    # small offsets, away from the kinks of linear interpolation at whole pixels
    fine = (2 * size,) * dims
    offset = (0.1 * torch.randn(1, dims * 2, *fine, dtype=torch.float64)).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: dysample(a, b, 2, 2), (x, offset))


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="groups: 4 does not divide in_channels=6"):
        DySample(6)
    with pytest.raises(ValueError, match="style: 'pl'"):
        DySample(6, factor=2, groups=2, style="pl")
    with pytest.raises(ValueError, match="style: expected one of"):
        DySample(8, style="lpl")
    with pytest.raises(ValueError, match="offset: expected shape"):
        dysample(torch.rand(1, 4, 3, 3), torch.rand(1, 2, 6, 6), 2, 2)
