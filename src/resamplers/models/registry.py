"""The model registry behind :func:`create`, and :func:`summary`.

A model class joins the registry through ``@register_model("name")`` in the file that defines
it (as in timm); ``resamplers.models`` imports those files, so the names exist as soon as the
package does. :func:`create` checks the config keys against the class's signature before
building, so a misspelt key fails with a :class:`ConfigError` naming it.

>>> from torch import nn
>>> create("espcn", scale=2, in_channels=3, up="dysample").tail.__class__.__name__
'DySample'
>>> create("espcn", scael=2)
Traceback (most recent call last):
...
resamplers.models.ConfigError: scael: unknown key for model 'espcn'; expected ...
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

from torch import nn

from resamplers.models._common import ConfigError

ModelT = TypeVar("ModelT", bound=type[nn.Module])

_MODELS: dict[str, type[nn.Module]] = {}


def register_model(name: str) -> Callable[[ModelT], ModelT]:
    """Class decorator: make the model class buildable as ``create(name, **cfg)``."""

    def add(cls: ModelT) -> ModelT:
        if name in _MODELS:
            raise ValueError(f"name: model {name!r} is already registered by {_MODELS[name]}")
        _MODELS[name] = cls
        return cls

    return add


def list_models() -> list[str]:
    """The registered model names, sorted.

    >>> "unet" in list_models()
    True
    """
    return sorted(_MODELS)


def create(name: str, **cfg: Any) -> nn.Module:
    """Build the model registered as ``name`` with config ``cfg`` (its constructor keywords).

    Raises :class:`ConfigError` (a ``ValueError``) naming the offending key for an unknown model
    (``name``), an unknown or missing key, or a bad value (``down[1]`` for the second entry of a
    per-stage list).

    Shape:
        - Input and output: as the model's own docstring says, ``(N, C, *spatial)``.

    Examples:
        >>> import torch
        >>> net = create("unet", in_channels=1, out_channels=2, depth=2, width=4, down="blur")
        >>> net(torch.rand(1, 1, 9, 11)).shape
        torch.Size([1, 2, 9, 11])
    """
    if not isinstance(name, str) or name not in _MODELS:
        raise ConfigError("name", f"unknown model {name!r}; available: {', '.join(list_models())}")
    cls = _MODELS[name]
    params = inspect.signature(cls).parameters
    for key in cfg:
        if key not in params:
            raise ConfigError(
                key, f"unknown key for model {name!r}; expected one of {', '.join(params)}"
            )
    for key, param in params.items():
        if param.default is inspect.Parameter.empty and key not in cfg:
            raise ConfigError(key, f"model {name!r} needs this key")
    return cls(**cfg)


def summary(model: nn.Module, file: TextIO | None = None) -> int:
    """Print one line per top-level submodule (name, type, parameter count) and the totals,
    split into kernel weights (tensors of 2 or more dims: the count the papers report) and the
    rest (biases, norms, PReLU slopes); return the total number of parameters.

    Examples:
        >>> total = summary(create("fsrcnn", scale=3))
        module  type          params
        head    Sequential     1,512
        body    Sequential     6,760
        tail    TransposedUp   4,537
        total                 12,809 (12,464 weights + 345 other)
        >>> total
        12809
    """
    out = sys.stdout if file is None else file
    rows = [
        (name, type(child).__name__, f"{sum(p.numel() for p in child.parameters()):,}")
        for name, child in model.named_children()
    ]
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    weights = sum(p.numel() for p in params if p.dim() >= 2)
    rows.insert(0, ("module", "type", "params"))
    rows.append(("total", "", f"{total:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for i, (name, kind, count) in enumerate(rows):
        line = f"{name:<{widths[0]}}  {kind:<{widths[1]}}  {count:>{widths[2]}}"
        if i == len(rows) - 1:
            line += f" ({weights:,} weights + {total - weights:,} other)"
        print(line.rstrip(), file=out)
    return total
