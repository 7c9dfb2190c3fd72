"""Every model family x a sample of the registered down/up layers: builds, runs forward and
backward on odd and even sizes with the right output shapes, sends a gradient to every
parameter, and round-trips its state dict. Every registered name appears at least once."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from resamplers.layers import list_down, list_up
from resamplers.models import create

SMALL = {"depth": 2, "width": 4}

# (model, config): each runs on an odd- and an even-sized input
CASES: list[tuple[str, dict[str, Any]]] = [
    # U-Net 2-D: every down and every up name, paired off
    ("unet", {**SMALL, "down": "aps", "up": {"name": "carafe", "compressed_channels": 8}}),
    ("unet", {**SMALL, "down": "avg", "up": "cubic", "skip": "add"}),
    ("unet", {**SMALL, "down": "blur", "up": "dysample", "norm": "group"}),
    ("unet", {**SMALL, "down": "conv", "up": "linear", "skip": "none"}),
    ("unet", {**SMALL, "down": "convblur", "up": "nearest", "norm": None}),
    ("unet", {**SMALL, "down": "interp", "up": "pixelshuffle"}),
    ("unet", {**SMALL, "down": "max", "up": "resizeconv"}),
    ("unet", {**SMALL, "down": "maxblur", "up": "transposed"}),
    ("unet", {**SMALL, "down": ["unshuffle", "max"], "up": [{"name": "dysample", "groups": 2},
                                                              "transposed"]}),
    # U-Net 3-D
    ("unet", {**SMALL, "dims": 3, "down": "max", "up": "transposed"}),
    ("unet", {**SMALL, "dims": 3, "down": "unshuffle", "up": "linear", "skip": "add"}),
    ("unet", {**SMALL, "dims": 3, "down": "blur", "up": "pixelshuffle", "norm": "group"}),
    ("autoencoder", {**SMALL, "down": "conv", "up": "transposed", "latent_channels": 3}),
    ("autoencoder", {**SMALL, "down": "aps", "up": "resizeconv", "skip": True}),
    ("autoencoder", {**SMALL, "down": "interp", "up": "cubic"}),
    ("espcn", {"scale": 3}),
    ("espcn", {"scale": 2, "up": {"name": "carafe", "compressed_channels": 8}}),
    ("espcn", {"scale": 2, "up": "dysample", "in_channels": 3}),
    ("fsrcnn", {"scale": 3}),
    ("fsrcnn", {"scale": 2, "d": 16, "s": 8, "m": 2}),
    ("fsrcnn", {"scale": 2, "d": 16, "s": 8, "up": "pixelshuffle"}),
    ("fpn_seg", {**SMALL, "fpn_channels": 8}),
    ("fpn_seg", {**SMALL, "fpn_channels": 8, "down": "blur", "up": "linear", "merge": "concat"}),
    ("fpn_seg", {**SMALL, "fpn_channels": 8, "down": "unshuffle", "up": "dysample"}),
    ("fpn_seg", {**SMALL, "fpn_channels": 8, "down": "conv", "up": "transposed"}),
    *[("classifier", {"width": 4, "stages": 2, "down": name}) for name in list_down()],
    ("classifier", {"width": 4, "stages": 3, "blocks": 2, "down": ["conv", "blur", "aps"]}),
    ("dcgan_generator", {"latent_dim": 8, "image_size": 16, "width": 4}),
    ("dcgan_generator", {"latent_dim": 8, "image_size": 16, "width": 4, "up": "resizeconv"}),
    ("dcgan_generator", {"latent_dim": 8, "image_size": 8, "width": 4, "up": "pixelshuffle",
                         "out_channels": 3}),
    ("dcgan_generator", {"latent_dim": 8, "image_size": 8, "width": 4, "up": "dysample"}),
    ("dcgan_discriminator", {"image_size": 16, "width": 4}),
    ("dcgan_discriminator", {"image_size": 16, "width": 4, "down": "convblur"}),
    ("dcgan_discriminator", {"image_size": 16, "width": 4, "down": ["blur", "aps"],
                             "in_channels": 3}),
]

ODD, EVEN = 7, 10


def _names(spec: Any) -> set[str]:
    if isinstance(spec, str):
        return {spec}
    if isinstance(spec, dict):
        return {spec["name"]}
    return set().union(*(_names(s) for s in spec))


def _inputs_and_shapes(name: str, cfg: dict[str, Any]) -> list[tuple[torch.Tensor, tuple]]:
    """Odd- and even-sized inputs with the output shape the model's contract gives."""
    dims = cfg.get("dims", 2)
    if name == "dcgan_generator":
        size = (cfg["image_size"],) * 2
        return [(torch.randn(2, cfg["latent_dim"]), (2, cfg.get("out_channels", 1), *size))]
    if name == "dcgan_discriminator":
        size = (cfg["image_size"],) * 2
        return [(torch.rand(2, cfg.get("in_channels", 1), *size), (2, 1))]
    pairs = []
    for spatial in [(ODD, EVEN, ODD - 2)[:dims], (EVEN, ODD + 2, EVEN)[:dims]]:
        channels = cfg.get("in_channels", 1)
        x = torch.rand(2, channels, *spatial)
        if name in ("espcn", "fsrcnn"):
            shape = (2, channels, *(s * cfg["scale"] for s in spatial))
        elif name == "classifier":
            shape = (2, cfg["num_classes"])
        elif name == "unet":
            shape = (2, cfg["out_channels"], *spatial)
        elif name == "fpn_seg":
            shape = (2, cfg["num_classes"], *spatial)
        else:  # autoencoder: the reconstruction
            shape = tuple(x.shape)
        pairs.append((x, shape))
    return pairs


def _full_config(name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    required = {
        "unet": {"in_channels": 1, "out_channels": 2},
        "autoencoder": {"in_channels": 1},
        "fpn_seg": {"in_channels": 1, "num_classes": 3},
        "classifier": {"in_channels": 1, "num_classes": 5},
    }
    return {**required.get(name, {}), **cfg}


def test_every_registered_name_is_covered() -> None:
    downs = set().union(*(_names(c["down"]) for _, c in CASES if "down" in c))
    ups = set().union(*(_names(c["up"]) for _, c in CASES if "up" in c))
    assert set(list_down()) <= downs
    assert set(list_up()) <= ups


@pytest.mark.parametrize(
    ("name", "cfg"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_forward_backward_shapes_and_state_dict(name: str, cfg: dict[str, Any]) -> None:
    torch.manual_seed(0)
    cfg = _full_config(name, cfg)
    model = create(name, **cfg)
    pairs = _inputs_and_shapes(name, cfg)
    for x, shape in pairs:
        y = model(x)
        assert tuple(y.shape) == shape
        model.zero_grad()
        y.square().mean().backward()
        for pname, p in model.named_parameters():
            assert p.grad is not None, f"{pname} got no gradient"
            assert torch.isfinite(p.grad).all(), pname
        assert sum(p.grad.abs().sum() for p in model.parameters()) > 0

    # a fresh model differs until it loads the state dict, then matches exactly
    model.eval()
    x = pairs[0][0]
    with torch.no_grad():
        expected = model(x)
        clone = create(name, **cfg).eval()
        assert not torch.equal(clone(x), expected)
        clone.load_state_dict(model.state_dict())
        assert torch.equal(clone(x), expected)


def test_dcgan_generator_spatial_size_follows_image_size() -> None:
    for size in (8, 16, 32):
        net = create("dcgan_generator", latent_dim=4, image_size=size, width=2, up="nearest")
        assert net(torch.randn(1, 4)).shape == (1, 1, size, size)
