"""The measurements behind ``resamplers compare``: every method on every image and scale.

For a scale ``s``, each image is cropped to a multiple of ``s`` so that every downsampler gives
exactly ``H/s x W/s`` pixels and every round trip comes back to ``H x W``.

- A downsampler ``D`` is undone by the reference upsampler (:data:`REFERENCE_UP`); an
  upsampler ``U`` restores the output of the reference downsampler (:data:`REFERENCE_DOWN`).
  The round trip is compared with the original (PSNR, SSIM; data range 1).
- Aliasing (downsamplers): :func:`~resamplers.metrics.aliasing_energy` on the zone plate.
- Overshoot: :func:`~resamplers.metrics.overshoot` of each method's output against its own
  input (the original for ``D``, the reference-downsampled image for ``U``).
- Time: median over ``repeats`` runs (after one warm-up) on the first image.
- Pairs: round-trip PSNR of every downsampler with every upsampler, averaged over the photos
  (every image but the zone plate).
"""

from __future__ import annotations

import math
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import torch
from torch import Tensor

from resamplers import __version__
from resamplers.metrics import aliasing_energy, overshoot, psnr, ssim_against
from resamplers.report.inputs import CROP_SIZE, Image, crop_to_multiple, detailed_region
from resamplers.report.methods import (
    DOWNSAMPLERS,
    REFERENCE_DOWN,
    REFERENCE_UP,
    UPSAMPLERS,
    Method,
    apply,
)

MIN_PIXELS = 4  # a downsampled side shorter than this shows nothing worth comparing


@dataclass
class Visuals:
    """Pictures for the report, keyed by ``(scale, image name, "down" | "up", method)``:
    ``{"small": the downsampled image, "crop_small": its crop, "crop": the crop of the
    round trip, "round_trip": the whole round trip}``, float32 ``(h, w, C)``; and each
    image's crop box per scale."""

    pictures: dict[tuple[int, str, str, str], dict[str, np.ndarray]] = field(default_factory=dict)
    regions: dict[tuple[int, str], tuple[int, int, int]] = field(default_factory=dict)


def check_sizes(images: Sequence[Image], scales: Sequence[int]) -> None:
    """Raise ``ValueError`` (one line) for an image that a scale leaves too small."""
    for image in images:
        h, w = image.pixels.shape[:2]
        for s in scales:
            if min(h, w) // s < MIN_PIXELS:
                raise ValueError(
                    f"{image.name} ({w}x{h}) at --scale {s} leaves {w // s}x{h // s} pixels; "
                    f"every side needs at least {MIN_PIXELS} (a larger image or a smaller scale)"
                )


def run(
    images: Sequence[Image],
    scales: Sequence[int],
    downs: Sequence[Method],
    ups: Sequence[Method],
    repeats: int = 5,
    step: Callable[[str], None] = lambda label: None,
) -> tuple[dict, Visuals]:
    """Measure every method; return the JSON-ready results and the pictures.

    ``images`` must hold the zone plate (the synthetic image) and at least one photo, first;
    ``step`` is called once per unit of :func:`work_units` (for a progress bar).
    """
    visuals = Visuals()
    results: dict = {
        "resamplers": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "torch": torch.__version__,
                    "threads": torch.get_num_threads(), "processor": platform.machine()},
        "reference": {"down": REFERENCE_DOWN, "up": REFERENCE_UP},
        "repeats": repeats,
        "images": [{"name": im.name, "width": im.pixels.shape[1], "height": im.pixels.shape[0],
                    "channels": im.pixels.shape[2], "synthetic": im.synthetic}
                   for im in images],
        "scales": {},
    }
    for s in scales:
        results["scales"][str(s)] = _one_scale(images, s, downs, ups, repeats, step, visuals)
    return results, visuals


def work_units(images: Sequence[Image], scales: Sequence[int], methods: int) -> int:
    """How many times :func:`run` calls ``step``."""
    return len(scales) * (len(images) + 1) * methods


def _one_scale(
    images: Sequence[Image],
    s: int,
    downs: Sequence[Method],
    ups: Sequence[Method],
    repeats: int,
    step: Callable[[str], None],
    visuals: Visuals,
) -> dict:
    ref_down, ref_up = DOWNSAMPLERS[REFERENCE_DOWN], UPSAMPLERS[REFERENCE_UP]
    photos = [im.name for im in images if not im.synthetic]
    plate = next(im.name for im in images if im.synthetic)
    down_rows = {m.name: _row(m) for m in downs}
    up_rows = {m.name: _row(m) for m in ups}
    pairs: dict[str, dict[str, list[float]]] = {d.name: {u.name: [] for u in ups} for d in downs}

    for image in images:
        pixels = crop_to_multiple(image.pixels, s)
        h, w = pixels.shape[:2]
        small_size, full_size = (h // s, w // s), (h, w)
        x = _tensor(pixels)
        # the zone plate is shown whole
        whole = (0, 0, min(h, w))
        region = whole if image.synthetic else detailed_region(pixels, CROP_SIZE, s)
        visuals.regions[(s, image.name)] = region
        # SSIM's 11x11 window needs that much image
        judge = ssim_against(pixels, 1.0) if min(h, w) >= 11 else None

        for m in downs:
            step(f"x{s} {image.name}: {m.name}")
            small = apply(m, x, small_size)
            back = apply(ref_up, small, full_size)
            row = down_rows[m.name]
            _score(row, image.name, _image(back), pixels, judge)
            row["overshoot"][image.name] = overshoot(_image(small), pixels)
            visuals.pictures[(s, image.name, "down", m.name)] = _pictures(small, back, region, s)
            if image.name in photos:
                for u in ups:
                    restored = back if u.name == REFERENCE_UP else apply(u, small, full_size)
                    pairs[m.name][u.name].append(psnr(_image(restored), pixels, data_range=1.0))
            if image.synthetic:
                row["aliasing"] = aliasing_energy(_gray_fn(m, small_size), pixels[..., 0], s)

        small = apply(ref_down, x, small_size)
        for m in ups:
            step(f"x{s} {image.name}: {m.name} (up)")
            back = apply(m, small, full_size)
            row = up_rows[m.name]
            _score(row, image.name, _image(back), pixels, judge)
            row["overshoot"][image.name] = overshoot(_image(back), _image(small))
            visuals.pictures[(s, image.name, "up", m.name)] = _pictures(small, back, region, s)

    timed = crop_to_multiple(images[0].pixels, s)
    x = _tensor(timed)
    small_size, full_size = (timed.shape[0] // s, timed.shape[1] // s), timed.shape[:2]
    small = apply(ref_down, x, small_size)
    calls = [(down_rows[m.name], lambda m=m: apply(m, x, small_size)) for m in downs]
    calls += [(up_rows[m.name], lambda m=m: apply(m, small, full_size)) for m in ups]
    for (row, _), ms in zip(calls, _median_ms([fn for _, fn in calls], repeats, step, s),
                            strict=True):
        row["time_ms"] = ms

    for rows in (down_rows, up_rows):
        for row in rows.values():
            _summarize(row, photos, plate)
    return {
        "down": _ranked(down_rows),
        "up": _ranked(up_rows),
        "pairs": {d: {u: _mean(v) for u, v in row.items()} for d, row in pairs.items()},
        "timed_on": f"{images[0].name} {timed.shape[1]}x{timed.shape[0]}",
    }


def _row(m: Method) -> dict:
    return {"name": m.name, "group": m.group, "note": m.note,
            "psnr": {}, "ssim": {}, "overshoot": {}}


def _score(
    row: dict,
    name: str,
    result: np.ndarray,
    original: np.ndarray,
    judge: Callable[[np.ndarray], float] | None,
) -> None:
    row["psnr"][name] = psnr(result, original, data_range=1.0)
    row["ssim"][name] = None if judge is None else judge(result)


def _summarize(row: dict, photos: list[str], plate: str) -> None:
    """Means over the photos; the zone plate's PSNR stays apart (it is a stress test)."""
    row["psnr_mean"] = _mean([row["psnr"][p] for p in photos])
    row["ssim_mean"] = _mean([row["ssim"][p] for p in photos if row["ssim"][p] is not None])
    row["psnr_zoneplate"] = row["psnr"][plate]
    row["overshoot_max"] = max(row["overshoot"].values())
    if "aliasing" in row:
        row["aliasing_db"] = _db(row["aliasing"])


def _ranked(rows: dict[str, dict]) -> list[dict]:
    ordered = sorted(rows.values(), key=lambda r: -(r["psnr_mean"] or -math.inf))
    for rank, row in enumerate(ordered, 1):
        row["rank"] = rank
    return ordered


def _tensor(pixels: np.ndarray) -> Tensor:
    return torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))[None]


def _image(t: Tensor) -> np.ndarray:
    return t[0].permute(1, 2, 0).numpy()


def _gray_fn(m: Method, size: tuple[int, int]) -> Callable[[np.ndarray], np.ndarray]:
    def down(a: np.ndarray) -> np.ndarray:
        return apply(m, torch.from_numpy(a)[None, None], size)[0, 0].numpy()

    return down


def _pictures(
    small: Tensor, back: Tensor, region: tuple[int, int, int], s: int
) -> dict[str, np.ndarray]:
    top, left, size = region
    small_img, back_img = _image(small), _image(back)
    return {
        "small": small_img,
        "crop_small": small_img[top // s:(top + size) // s, left // s:(left + size) // s],
        "crop": back_img[top:top + size, left:left + size],
        "round_trip": back_img,
    }


def _median_ms(
    fns: list[Callable[[], object]], repeats: int, step: Callable[[str], None], s: int
) -> list[float]:
    """Median wall time of each function in ms. After one warm-up call each (tap tables are
    built and cached then), the runs go in rounds, one call of every function per round, so
    that a change in the machine's load hits all of them alike."""
    for fn in fns:
        step(f"x{s} timing")
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, samples in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1e3)
    return [statistics.median(samples) for samples in times]


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _db(fraction: float) -> float:
    return 10.0 * math.log10(fraction) if fraction > 0 else -math.inf
