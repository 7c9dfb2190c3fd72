"""torch.export of every model family, with per-stage lists that together use every
registered layer name: the exported program gives the eager model's output. (TorchScript is
not supported: the layers' functional code uses Python the scripting compiler rejects; see
docs/models.md.)"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from resamplers.layers import list_down, list_up
from resamplers.models import create

CASES: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
    ("unet", {"in_channels": 1, "out_channels": 2, "depth": 2, "width": 4, "down": ["aps", "max"],
              "up": ["dysample", "transposed"]}, (1, 1, 9, 10)),
    ("autoencoder", {"in_channels": 1, "depth": 2, "width": 4, "down": ["interp", "avg"],
                     "up": [{"name": "carafe", "compressed_channels": 8}, "nearest"]},
     (1, 1, 8, 8)),
    ("espcn", {"scale": 3}, (1, 1, 6, 5)),
    ("fsrcnn", {"scale": 2, "up": "cubic"}, (1, 1, 6, 5)),
    ("fpn_seg", {"in_channels": 1, "num_classes": 3, "depth": 2, "width": 4, "fpn_channels": 8,
                 "down": "maxblur", "up": "linear"}, (1, 1, 7, 8)),
    ("classifier", {"in_channels": 3, "num_classes": 4, "width": 4,
                    "down": ["blur", "conv", "convblur"]},
     (2, 3, 16, 16)),
    ("dcgan_generator", {"latent_dim": 8, "image_size": 16, "width": 4,
                         "up": ["pixelshuffle", "resizeconv"]},
     (2, 8)),
    ("dcgan_discriminator", {"image_size": 16, "width": 4, "down": "unshuffle"},
     (2, 1, 16, 16)),
]


def _names(spec: Any) -> set[str]:
    if isinstance(spec, str):
        return {spec}
    if isinstance(spec, dict):
        return {spec["name"]}
    return set().union(*(_names(s) for s in spec))


def test_the_cases_use_every_registered_name() -> None:
    used = set().union(*(_names(cfg.get(k, [])) for _, cfg, _ in CASES for k in ("down", "up")))
    assert set(list_down()) | set(list_up()) <= used


@pytest.mark.parametrize(("name", "cfg", "shape"), CASES, ids=[c[0] for c in CASES])
def test_torch_export_matches_eager(name: str, cfg: dict[str, Any], shape: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    model = create(name, **cfg).eval()
    x = torch.randn(shape)
    exported = torch.export.export(model, (x,))
    with torch.no_grad():
        torch.testing.assert_close(exported.module()(x), model(x))
