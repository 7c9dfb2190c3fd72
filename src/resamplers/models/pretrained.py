"""Pretrained super-resolution weights shipped inside the package, loaded without a network.

Each model is two files in ``resamplers/models/weights``: ``NAME.pt``, a ``state_dict``, and
``NAME.json``, its metadata: ``model`` and ``config`` (what :func:`resamplers.models.create`
builds), ``scale``, how it was trained and what it scores on Set5/Set14. The loader reads only
``model``, ``config`` and the ``state_dict`` (float16 files are widened to the model's float32).

Two families, each at x2, x3 and x4: ``espcn-x*`` (ESPCN, Shi et al. 2016: 21-25 k
parameters) and ``fsrcnn-ps-x*`` (FSRCNN(56, 16, 6) with pixel shuffle in place of FSRCNN's
deconvolution: 19-26 k parameters, at x3 the best network under 25 k parameters trained here,
``docs/results/super_resolution.md``). All take ``Y / 255`` (BT.601 luma of
:mod:`resamplers.data.color`, as :mod:`resamplers.tasks.sr` makes it), ``(N, 1, h, w)``, and give
``(N, 1, scale h, scale w)``.

>>> import torch
>>> list_pretrained()
['espcn-x2', 'espcn-x3', 'espcn-x4', 'fsrcnn-ps-x2', 'fsrcnn-ps-x3', 'fsrcnn-ps-x4']
>>> net = pretrained("espcn-x3")
>>> net(torch.full((1, 1, 8, 6), 0.5)).shape
torch.Size([1, 1, 24, 18])
"""

from __future__ import annotations

import io
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from resamplers.models.registry import create

if TYPE_CHECKING:  # importlib.resources.abc is 3.11+; importlib.abc's name is deprecated there
    from importlib.abc import Traversable

__all__ = ["list_pretrained", "pretrained", "pretrained_info"]


def _folder() -> Traversable:
    return resources.files("resamplers.models").joinpath("weights")


def list_pretrained() -> list[str]:
    """The names :func:`pretrained` loads, sorted."""
    return sorted(f.name.removesuffix(".json") for f in _folder().iterdir()
                  if f.name.endswith(".json"))


def pretrained_info(name: str) -> dict[str, Any]:
    """The metadata of ``name``: ``model``, ``config``, ``scale``, training and scores.

    Raises:
        ValueError: an unknown name (the message lists the known ones).
    """
    names = list_pretrained()
    if name not in names:
        raise ValueError(f"unknown pretrained model {name!r}; choose one of {', '.join(names)}")
    return json.loads(_folder().joinpath(f"{name}.json").read_text(encoding="utf-8"))


def pretrained(name: str) -> nn.Module:
    """The model ``name`` with its shipped weights, on the CPU, in ``eval()`` mode.

    Reads only files inside the package (``torch.load(weights_only=True)``): no download.

    Raises:
        ValueError: an unknown name (the message lists the known ones).
    """
    info = pretrained_info(name)
    model = create(info["model"], **info["config"])
    # Read into memory first: a resource inside a zip has no file path for torch.load.
    data = _folder().joinpath(f"{name}.pt").read_bytes()
    state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()
