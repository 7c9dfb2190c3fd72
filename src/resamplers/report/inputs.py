"""The images ``resamplers compare`` works on: prepared user images, the default samples and
a synthetic zone plate, plus the choice of a detailed region to crop.

>>> plate = zone_plate(64)
>>> plate.shape, plate.dtype, float(plate.min()) >= 0.0, float(plate.max()) <= 1.0
((64, 64, 1), dtype('float32'), True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_SAMPLES = ("astronaut", "camera")
ZONE_PLATE = "zoneplate"
# multiples of 2, 3 and 4, so that they split evenly on every scale's grid
ZONE_PLATE_SIZE = 192
CROP_SIZE = 96


@dataclass(frozen=True)
class Image:
    """A float32 ``(H, W, C)`` image with values in ``[0, 1]`` (C = 1 or 3)."""

    name: str
    pixels: np.ndarray
    synthetic: bool = False


def zone_plate(size: int = ZONE_PLATE_SIZE) -> np.ndarray:
    """A radial chirp ``(1 + cos(pi r² / (sqrt(2) size))) / 2``, centred, as ``(size, size, 1)``.

    Its local frequency ``r / (sqrt(2) size)`` cycles per pixel grows linearly from 0 in the
    centre to the Nyquist limit 0.5 in the corners, so each position shows how one frequency
    (and direction) comes through a resampler: downsampled by ``s``, everything farther than
    ``sqrt(2) size / (2 s)`` from the centre lies above the output's Nyquist limit, and any
    pattern an output shows there is aliasing (moiré).
    """
    coords = np.arange(size) - (size - 1) / 2
    r2 = coords[:, None] ** 2 + coords[None, :] ** 2
    plate = 0.5 + 0.5 * np.cos(math.pi * r2 / (math.sqrt(2) * size))
    return plate.astype(np.float32)[..., None]


def prepare(name: str, array: np.ndarray) -> Image:
    """Turn a decoded image into an :class:`Image`: integers are divided by their type's
    maximum, floats stretched to ``[0, 1]``, alpha dropped, gray kept as one channel.

    Raises:
        ValueError: not an ``(H, W)`` or ``(H, W, C)`` image with 1 to 4 channels.
    """
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"{name}: expected an image (H, W[, C]) with 1 to 4 channels, got an "
                         f"array of shape {array.shape}")
    array = array[..., :1] if array.shape[2] == 2 else array[..., :3]  # drop alpha
    if np.issubdtype(array.dtype, np.integer):
        pixels = array.astype(np.float32) / float(np.iinfo(array.dtype).max)
    elif np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise ValueError(f"{name}: holds NaN or infinite values")
        lo, hi = float(array.min()), float(array.max())
        pixels = ((array - lo) / ((hi - lo) or 1.0)).astype(np.float32)
    else:
        raise ValueError(f"{name}: cannot compare {array.dtype} images")
    return Image(name, np.ascontiguousarray(np.clip(pixels, 0.0, 1.0)))


def crop_to_multiple(pixels: np.ndarray, factor: int) -> np.ndarray:
    """The top-left part of ``pixels`` whose height and width are multiples of ``factor``."""
    h, w = (pixels.shape[0] // factor) * factor, (pixels.shape[1] // factor) * factor
    return pixels[:h, :w]


def detailed_region(pixels: np.ndarray, size: int, step: int) -> tuple[int, int, int]:
    """``(top, left, size)`` of the square with the most gradient energy, its corners on the
    ``step`` grid: the region where resamplers differ most. ``size`` shrinks to fit."""
    h, w = pixels.shape[:2]
    size = min(size, (min(h, w) // step) * step)
    gray = pixels.mean(axis=2, dtype=np.float64)
    energy = np.zeros((h, w))
    energy[:, 1:] += np.diff(gray, axis=1) ** 2
    energy[1:, :] += np.diff(gray, axis=0) ** 2
    # integral image: every window's sum in O(1)
    integral = np.pad(energy.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    tops, lefts = np.arange(0, h - size + 1, step), np.arange(0, w - size + 1, step)
    t, left = tops[:, None], lefts[None, :]
    sums = (integral[t + size, left + size] - integral[t, left + size]
            - integral[t + size, left] + integral[t, left])
    i, j = np.unravel_index(int(np.argmax(sums)), sums.shape)
    return int(tops[i]), int(lefts[j]), size
