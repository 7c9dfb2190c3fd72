"""Building blocks shared by the model families: config checks that name the offending key,
per-stage resampler specs, conv blocks, and the pad-then-crop that lets models take any size.

>>> import torch
>>> stage_specs("max", 2, "down")
[('down', 'max'), ('down', 'max')]
>>> stage_specs(["max", "blur"], 2, "down")
[('down[0]', 'max'), ('down[1]', 'blur')]
>>> x = pad_to_multiple(torch.rand(1, 1, 5, 8), 4)
>>> x.shape, crop_to(x, (5, 8)).shape
(torch.Size([1, 1, 8, 8]), torch.Size([1, 1, 5, 8]))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch.nn.functional as F
from torch import Tensor, nn

from resamplers.layers import create_down, create_up

Spec = str | Mapping[str, Any]

CONV: dict[int, type[nn.Module]] = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
BATCH_NORM: dict[int, type[nn.Module]] = {
    1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d,
}
NORMS = ("batch", "group", None)
PAD_MODES = ("replicate", "reflect", "constant", "circular")


class ConfigError(ValueError):
    """A bad model config; ``key`` names the offending entry (``"down[2]"`` for the third
    element of a per-stage list) and the message starts with it.

    >>> str(ConfigError("width", "expected an integer >= 1, got 0"))
    'width: expected an integer >= 1, got 0'
    """

    __module__ = "resamplers.models"  # its public home, in tracebacks

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


def check_int(value: object, key: str, minimum: int = 1) -> int:
    """``value`` if it is an int >= ``minimum``, else a :class:`ConfigError` naming ``key``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(key, f"expected an integer >= {minimum}, got {value!r}")
    return value


def check_choice(value: object, key: str, choices: Sequence[object]) -> Any:
    """``value`` if it is one of ``choices``, else a :class:`ConfigError` naming ``key``."""
    if value not in choices:
        raise ConfigError(key, f"expected one of {list(choices)}, got {value!r}")
    return value


def check_dims(dims: object, allowed: Sequence[int] = (1, 2, 3)) -> int:
    """The number of spatial dims, checked against ``allowed``."""
    return check_choice(dims, "dims", allowed)


def stage_specs(spec: Spec | Sequence[Spec], count: int, key: str) -> list[tuple[str, Spec]]:
    """One ``(key, spec)`` pair per stage: a single spec (name or dict) is used at every stage
    under ``key``; a list or tuple must hold exactly ``count`` specs, in the order the stages
    run, and its entries are named ``key[i]`` in errors."""
    if isinstance(spec, str | Mapping):
        return [(key, spec)] * count
    if not isinstance(spec, Sequence):
        raise ConfigError(
            key, f"expected a name, a dict or a list of {count}, got {type(spec).__name__}"
        )
    if len(spec) != count:
        raise ConfigError(key, f"expected {count} specs (one per stage), got {len(spec)}")
    return [(f"{key}[{i}]", item) for i, item in enumerate(spec)]


def _with_defaults(spec: Spec, defaults: Mapping[str, Mapping[str, Any]]) -> Spec:
    """``spec`` with the model's per-name default options underneath the user's ones."""
    if isinstance(spec, str):
        name, options = spec, {}
    elif isinstance(spec, Mapping):
        name, options = spec.get("name"), {k: v for k, v in spec.items() if k != "name"}
    else:  # not a spec: the registry's own error says so
        return spec
    if not isinstance(name, str) or name not in defaults:
        return spec
    return {"name": name, **defaults[name], **options}


def _build(
    create: Callable[..., nn.Module],
    spec: Spec,
    key: str,
    defaults: Mapping[str, Mapping[str, Any]],
    *args: Any,
) -> nn.Module:
    try:
        return create(_with_defaults(spec, defaults), *args)
    except (KeyError, ValueError, TypeError) as err:
        # re-raise under the model's key: the layer only knows its own argument names
        reason = err.args[0] if err.args else err
        raise ConfigError(key, f"cannot build {spec!r}: {reason}") from err


def make_down(
    spec: Spec,
    key: str,
    in_channels: int,
    out_channels: int | None = None,
    factor: int = 2,
    dims: int = 2,
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
) -> nn.Module:
    """:func:`~resamplers.layers.create_down`, with errors re-raised as :class:`ConfigError`
    under ``key`` and ``defaults`` (options per layer name) under the spec's own options."""
    return _build(create_down, spec, key, defaults or {}, in_channels, out_channels, factor, dims)


def make_up(
    spec: Spec,
    key: str,
    in_channels: int,
    out_channels: int | None = None,
    factor: int = 2,
    dims: int = 2,
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
) -> nn.Module:
    """:func:`~resamplers.layers.create_up`, with errors re-raised as :class:`ConfigError`
    under ``key`` and ``defaults`` (options per layer name) under the spec's own options."""
    return _build(create_up, spec, key, defaults or {}, in_channels, out_channels, factor, dims)


def norm_layer(norm: str | None, channels: int, dims: int) -> nn.Module:
    """Batch norm, group norm (``gcd(channels, 8)`` groups) or nothing."""
    if norm == "batch":
        return BATCH_NORM[dims](channels)
    if norm == "group":
        return nn.GroupNorm(math.gcd(channels, 8), channels)
    return nn.Identity()


def conv_norm_act(
    in_channels: int, out_channels: int, dims: int, norm: str | None, kernel_size: int = 3
) -> nn.Sequential:
    """``kernel_size`` conv (same padding; no bias when a norm follows), norm, ReLU."""
    return nn.Sequential(
        CONV[dims](in_channels, out_channels, kernel_size, padding=kernel_size // 2,
                   bias=norm is None),
        norm_layer(norm, out_channels, dims),
        nn.ReLU(inplace=True),
    )


def double_conv(in_channels: int, out_channels: int, dims: int, norm: str | None) -> nn.Sequential:
    """Two 3×3 conv–norm–ReLU layers, U-Net's unit (Ronneberger et al., MICCAI 2015)."""
    return nn.Sequential(
        conv_norm_act(in_channels, out_channels, dims, norm),
        conv_norm_act(out_channels, out_channels, dims, norm),
    )


def pad_to_multiple(x: Tensor, multiple: int, mode: str = "replicate") -> Tensor:
    """Pad every spatial axis of ``x`` (``(N, C, *S)``) up to a multiple of ``multiple``,
    splitting the padding between both ends (the extra sample at the end); :func:`crop_to`
    undoes it."""
    extra = [-s % multiple for s in x.shape[2:]]
    if not any(extra):
        return x
    # F.pad lists the last axis first, (before, after) per axis
    pads = [p for e in reversed(extra) for p in (e // 2, e - e // 2)]
    return F.pad(x, pads, mode=mode)


def crop_to(x: Tensor, size: Sequence[int]) -> Tensor:
    """The centre ``size`` region of ``x``'s spatial axes, where :func:`pad_to_multiple` put
    the input."""
    region = [slice((have - want) // 2, (have - want) // 2 + want)
              for have, want in zip(x.shape[2:], size, strict=True)]
    return x[(slice(None), slice(None), *region)]
