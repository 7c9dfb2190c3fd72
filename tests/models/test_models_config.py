"""create() and its errors, per-stage specs, summary() and the papers' parameter counts."""

from __future__ import annotations

import io
from typing import Any

import pytest
import torch

from resamplers.layers import BlurDown, DySample, MaxDown, TransposedUp
from resamplers.models import (
    ConfigError,
    FPNSeg,
    UNet,
    create,
    list_models,
    summary,
)
from resamplers.models._common import crop_to, pad_to_multiple

ISSUE_MODELS = {
    "unet", "autoencoder", "espcn", "fsrcnn", "fpn_seg", "classifier", "dcgan_generator",
    "dcgan_discriminator",
}
UNET = {"in_channels": 1, "out_channels": 1, "depth": 2, "width": 4}


def test_the_issue_models_are_registered() -> None:
    assert set(list_models()) >= ISSUE_MODELS


@pytest.mark.parametrize(
    ("name", "cfg", "key", "match"),
    [
        ("resnet", {}, "name", "unknown model 'resnet'; available: autoencoder, "),
        ("unet", {**UNET, "widht": 4}, "widht", "unknown key for model 'unet'"),
        ("unet", {"in_channels": 1}, "out_channels", "needs this key"),
        ("unet", {**UNET, "depth": 0}, "depth", "integer >= 1, got 0"),
        ("unet", {**UNET, "width": 2.5}, "width", "integer"),
        ("unet", {**UNET, "skip": "mul"}, "skip", "'concat', 'add', 'none'"),
        ("unet", {**UNET, "norm": "layer"}, "norm", "'batch', 'group', None"),
        ("unet", {**UNET, "dims": 4}, "dims", "got 4"),
        ("unet", {**UNET, "pad_mode": "wrap"}, "pad_mode", "'replicate'"),
        ("unet", {**UNET, "down": "bilinear"}, "down", "unknown downsampler 'bilinear'"),
        ("unet", {**UNET, "down": ["max", "blur", "aps"]}, "down", "expected 2 specs"),
        ("unet", {**UNET, "down": ["max", "maxpool"]}, "down[1]", "'maxpool'"),
        ("unet", {**UNET, "down": 3}, "down", "got int"),
        ("unet", {**UNET, "up": {"name": "dysample", "groups": 3}}, "up", "groups"),
        ("unet", {**UNET, "up": [{"groups": 2}, "linear"]}, "up[0]", "'name' key"),
        ("unet", {**UNET, "up": {"name": "transposed", "kernel_size": 3}}, "up", "kernel_size"),
        ("autoencoder", {"in_channels": 1, "latent_channels": 0}, "latent_channels", ">= 1"),
        ("espcn", {"scale": 1}, "scale", ">= 2"),
        ("fsrcnn", {"scale": 2, "up": "bicubic"}, "up", "unknown upsampler 'bicubic'"),
        ("fpn_seg", {"in_channels": 1, "num_classes": 2, "merge": "mul"}, "merge", "'add'"),
        ("classifier", {"in_channels": 1, "num_classes": 2, "down": ["conv"]}, "down",
         "expected 3 specs"),
        ("dcgan_generator", {"image_size": 48}, "image_size", "power of two"),
        ("dcgan_discriminator", {"image_size": 4}, "image_size", ">= 8"),
    ],
)
def test_bad_config_is_one_error_naming_the_key(
    name: str, cfg: dict[str, Any], key: str, match: str
) -> None:
    with pytest.raises(ConfigError, match=match) as info:
        create(name, **cfg)
    assert info.value.key == key
    assert str(info.value).startswith(f"{key}: ")
    assert isinstance(info.value, ValueError)


def test_discriminator_rejects_other_sizes() -> None:
    net = create("dcgan_discriminator", image_size=8, width=2)
    with pytest.raises(ValueError, match=r"x: expected spatial size \(8, 8\) \(image_size\)"):
        net(torch.rand(1, 1, 16, 16))


def test_per_stage_lists_and_dict_specs_reach_the_layers() -> None:
    net = UNet(1, 1, depth=2, width=4, down=["max", "blur"],
               up=[{"name": "dysample", "groups": 2}, "transposed"])
    assert [type(m) for m in net.encoder.downs] == [MaxDown, BlurDown]
    assert [type(m) for m in net.ups] == [DySample, TransposedUp]
    assert net.ups[0].groups == 2
    # up[0] starts from the bottleneck: 16 -> 8 channels, then 8 -> 4
    assert [(m.in_channels, m.out_channels) for m in net.ups] == [(16, 8), (8, 4)]


def test_fsrcnn_deconvolution_is_the_papers_9x9_unless_the_spec_says_otherwise() -> None:
    assert create("fsrcnn", scale=3).tail.conv.kernel_size == (9, 9)
    # an even scale needs an even kernel for an output of exactly scale x the input
    assert create("fsrcnn", scale=2).tail.conv.kernel_size == (8, 8)
    spec = {"name": "transposed", "kernel_size": 5}
    assert create("fsrcnn", scale=3, up=spec).tail.conv.kernel_size == (5, 5)


def test_unet_features_are_the_encoder_levels() -> None:
    net = UNet(2, 1, depth=3, width=4, down="conv")
    features = net.features(torch.rand(1, 2, 16, 24))
    assert [tuple(f.shape) for f in features] == [
        (1, 4 * 2**i, 16 // 2**i, 24 // 2**i) for i in range(4)
    ]


def test_unet_pads_and_crops_the_same_region() -> None:
    x = torch.rand(1, 3, 5, 11)
    padded = pad_to_multiple(x, 8)
    assert padded.shape[2:] == (8, 16)
    assert torch.equal(crop_to(padded, (5, 11)), x)
    assert pad_to_multiple(padded, 8) is padded


def test_autoencoder_reports_its_bottleneck() -> None:
    ae = create("autoencoder", in_channels=3, depth=2, width=4, latent_channels=5)
    x = torch.rand(2, 3, 16, 12)
    z = ae.encode(x)
    assert tuple(z.shape[1:]) == ae.latent_shape((16, 12)) == (5, 4, 3)
    assert ae.compression((16, 12)) == pytest.approx(x[0].numel() / z[0].numel())
    assert ae.decode(z).shape == x.shape
    # odd sizes: the code covers the padded input, decode(size=) crops back
    z = ae.encode(torch.rand(1, 3, 9, 10))
    assert tuple(z.shape[1:]) == ae.latent_shape((9, 10)) == (5, 3, 3)
    assert ae.decode(z, size=(9, 10)).shape == (1, 3, 9, 10)


def _weights(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.dim() >= 2)


def test_espcn_parameter_count_matches_the_paper() -> None:
    # Shi et al. 2016: 5x5 -> 64, 3x3 -> 32, 3x3 -> r^2 C; one channel at x3
    net = create("espcn", scale=3, in_channels=1)
    assert _weights(net) == 25 * 64 + 9 * 64 * 32 + 9 * 32 * 9
    total = summary(net, file=io.StringIO())
    assert 20_000 <= total <= 25_000


def test_fsrcnn_parameter_count_matches_the_paper() -> None:
    # Dong et al. 2016, FSRCNN(56, 12, 4): 25d + sd + 9ms^2 + ds + 81d = 12,464 weights
    net = create("fsrcnn", scale=3)
    assert _weights(net) == 12_464
    total = summary(net, file=io.StringIO())
    assert 12_000 <= total <= 13_000


def test_summary_prints_rows_that_add_up_to_the_total() -> None:
    net = FPNSeg(1, 2, depth=2, width=4, fpn_channels=8)
    out = io.StringIO()
    total = summary(net, file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["module", "type", "params"]
    rows = [int(line.split()[-1].replace(",", "")) for line in lines[1:-1]]
    assert sum(rows) == total == sum(p.numel() for p in net.parameters())
    assert f"total {total:,}" in " ".join(lines[-1].split())
    assert [line.split()[0] for line in lines[1:-1]] == ["encoder", "neck", "head"]
