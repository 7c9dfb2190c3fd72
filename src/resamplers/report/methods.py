"""The methods ``resamplers compare`` runs: every downsampler and every fixed upsampler.

A method maps a float tensor ``(1, C, H, W)`` and a target size ``(h, w)`` to a tensor
``(1, C, h, w)``. Downsamplers are given sizes that divide the input exactly (the pooling
operators need a whole factor). :data:`UPSAMPLERS` is keyed by name, so a learned upsampler
(a super-resolution model) joins the report by adding an entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from resamplers import aps_pool, avg_pool, blur_pool, max_pool, pixel_unshuffle, resize
from resamplers.functional.compat import METHODS

Resampler = Callable[[Tensor, tuple[int, int]], Tensor]

# The partners in a round trip: downsamplers are undone with this upsampler, and upsamplers
# restore images made small with this downsampler (cubic, antialiased: the common default).
REFERENCE_DOWN = "cubic"
REFERENCE_UP = "cubic"

# resize methods that antialias when shrinking, so they get a "-noaa" twin
_ANTIALIASING = ("linear", "cubic", "lanczos2", "lanczos3", "box", "hamming", "gaussian")
# what the presets do by default: Pillow always low-passes, OpenCV and F.interpolate do not
_PRESET_NOTES = {"pil": "Pillow", "opencv": "OpenCV", "torch": "F.interpolate",
                 "matlab": "MATLAB imresize"}
FIXED_UPSAMPLERS = ("nearest", "linear", "cubic", "lanczos3")


@dataclass(frozen=True)
class Method:
    """A named resampler, with the group the report files it under and a one-line note."""

    name: str
    group: str
    note: str
    fn: Resampler


def _resize(method: str, antialias: bool = True, compat: str | None = None) -> Resampler:
    def run(x: Tensor, size: tuple[int, int]) -> Tensor:
        return resize(x, size=size, method=method, antialias=antialias, compat=compat)

    return run


def _factor(x: Tensor, size: tuple[int, int]) -> tuple[int, int]:
    return x.shape[-2] // size[0], x.shape[-1] // size[1]


def _max_pool(x: Tensor, size: tuple[int, int]) -> Tensor:
    return max_pool(x, _factor(x, size))


def _avg_pool(x: Tensor, size: tuple[int, int]) -> Tensor:
    return avg_pool(x, _factor(x, size))


def _blur_pool(x: Tensor, size: tuple[int, int]) -> Tensor:
    return blur_pool(x, _factor(x, size))


def _aps_pool(x: Tensor, size: tuple[int, int]) -> Tensor:
    return aps_pool(x, _factor(x, size))


def _unshuffle_mean(x: Tensor, size: tuple[int, int]) -> Tensor:
    # each output pixel's block lands in channels c * f² .. (c + 1) * f² - 1
    blocks = pixel_unshuffle(x, _factor(x, size))
    return blocks.view(x.shape[0], x.shape[1], -1, *size).mean(dim=2)


def _downsamplers() -> dict[str, Method]:
    methods = []
    for name in METHODS[None]:
        if name in _ANTIALIASING:
            methods.append(Method(name, "resize", f"{name}, antialiased", _resize(name)))
            methods.append(Method(f"{name}-noaa", "resize, no antialias",
                                  f"{name}, kernel not stretched", _resize(name, False)))
        else:
            methods.append(Method(name, "resize", name, _resize(name)))
    methods += [
        Method("max_pool", "pooling", "max over each block", _max_pool),
        Method("avg_pool", "pooling", "mean of each block", _avg_pool),
        Method("blur_pool", "pooling", "binomial [1 3 3 1] blur, then subsample", _blur_pool),
        Method("aps_pool", "pooling", "adaptive polyphase sampling", _aps_pool),
        Method("unshuffle_mean", "pooling", "pixel unshuffle, mean over the block's channels",
               _unshuffle_mean),
    ]
    for compat, names in METHODS.items():
        if compat is None:
            continue
        # F.interpolate's default is antialias=False; the other presets ignore the flag
        methods += [
            Method(f"{compat}:{name}", f"{compat} preset", f"{_PRESET_NOTES[compat]} {name}",
                   _resize(name, antialias=False, compat=compat))
            for name in names
        ]
    return {m.name: m for m in methods}


DOWNSAMPLERS: dict[str, Method] = _downsamplers()

UPSAMPLERS: dict[str, Method] = {
    name: Method(name, "resize", f"{name} interpolation", _resize(name))
    for name in FIXED_UPSAMPLERS
}


def select(names: list[str] | None) -> tuple[list[Method], list[Method]]:
    """The downsamplers and upsamplers called ``names`` (all of them for ``None``), in the
    order of :data:`DOWNSAMPLERS` and :data:`UPSAMPLERS`.

    Raises:
        ValueError: a name neither list knows.
    """
    if names is None:
        return list(DOWNSAMPLERS.values()), list(UPSAMPLERS.values())
    unknown = [n for n in names if n not in DOWNSAMPLERS and n not in UPSAMPLERS]
    if unknown:
        raise ValueError(f"unknown method {', '.join(map(repr, unknown))}; choose from "
                         f"{', '.join(DOWNSAMPLERS)} (downsampling) and {', '.join(UPSAMPLERS)} "
                         "(upsampling)")
    wanted = set(names)
    return ([m for n, m in DOWNSAMPLERS.items() if n in wanted],
            [m for n, m in UPSAMPLERS.items() if n in wanted])


@torch.no_grad()
def apply(method: Method, x: Tensor, size: tuple[int, int]) -> Tensor:
    """Run ``method`` without autograd bookkeeping."""
    return method.fn(x, size)
