"""Time ``resamplers.resize`` against PyTorch, Pillow, OpenCV, scikit-image, SciPy (and kornia
when installed) on the same inputs, in one process.

    resamplers bench                         # full run, 2 threads (the CLI wraps this module)
    resamplers bench --threads 1,2           # both thread counts
    resamplers bench --quick                 # smoke test: small inputs
    resamplers bench --only cubic            # workloads matching a pattern
    .venv/bin/python benchmarks/bench_resize.py [same options]   # results in benchmarks/results

Prints a table (see ``benchmarks/README.md`` for the columns) and writes ``bench_resize.json``
and, with matplotlib installed, ``bench_resize.png`` (a bar chart) to ``--out``. Peers that are
not installed are skipped and named.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

import resamplers
from resamplers.bench.harness import (
    environment,
    fmt_diff,
    fmt_ms,
    fmt_ratio,
    format_table,
    interleaved_samples,
    nbytes_mib,
    optional,
    parse_threads,
    probe_peak_memory,
    report_probe,
    run_probe,
    write_json,
)
from resamplers.functional.compat import Axis, make_plan
from resamplers.functional.resize import _run

# The peers, imported by load_peers() (a memory-probe child builds only resamplers and torch).
cv2: Any = None
PIL_Image: Any = None
skimage_transform: Any = None
ndimage: Any = None
kornia: Any = None


def load_peers() -> None:
    global cv2, PIL_Image, skimage_transform, ndimage, kornia
    cv2, PIL_Image = optional("cv2"), optional("PIL.Image")
    skimage_transform, ndimage = optional("skimage.transform"), optional("scipy.ndimage")
    kornia = optional("kornia")


def _as_array(result: Any) -> np.ndarray:
    if isinstance(result, torch.Tensor):
        return result.detach().cpu().numpy()
    return np.asarray(result)


@dataclass
class Variant:
    """One library's way of doing a workload. ``run`` returns its result; ``to_array`` turns it
    into a NumPy array in the layout of the reference (the first variant, resamplers)."""

    name: str
    run: Callable[[], Any]
    same_op: bool  # computes the operation the reference computes (up to rounding)
    note: str = ""
    to_array: Callable[[Any], np.ndarray] = _as_array
    slow: bool = False  # a slow peer: fewer repeats
    probe: bool = False  # also measure its peak memory in a fresh process


@dataclass
class Workload:
    key: str  # stable id, used by --only and in the JSON
    title: str  # what the table shows
    variants: list[Variant]  # the first one is the reference
    input_mib: float
    skipped: list[str] = field(default_factory=list)


def _shape(dims: Sequence[int]) -> str:
    return "x".join(str(d) for d in dims)


# --- peers, in their native layouts (conversions happen before timing) -------------------------

_TORCH_MODE = {"linear": "bilinear", "cubic": "bicubic", "lanczos3": "lanczos"}
_PIL_FILTER = {
    "nearest": "NEAREST",
    "linear": "BILINEAR",
    "cubic": "BICUBIC",
    "lanczos3": "LANCZOS",
}


def _torch_variant(
    x: torch.Tensor,
    size: tuple[int, ...],
    mode: str,
    antialias: bool,
    same_op: bool,
    note: str = "",
) -> Variant:
    def run() -> torch.Tensor:
        return F.interpolate(x, size=size, mode=mode, antialias=antialias)

    name = f"torch {mode}" + (" AA" if antialias else "")
    return Variant(name, run, same_op, note, probe=same_op)


def _pil_planes(x: torch.Tensor, size: tuple[int, int], method: str) -> Variant:
    """Pillow on each (H, W) plane of an (N, C, H, W) float32 tensor, as 'F' images."""
    assert PIL_Image is not None
    n, c = x.shape[:2]
    planes = [PIL_Image.fromarray(p) for p in x.reshape(-1, *x.shape[2:]).numpy()]
    resample = getattr(PIL_Image.Resampling, _PIL_FILTER[method])
    wh = (size[1], size[0])

    def run() -> list[Any]:
        return [p.resize(wh, resample) for p in planes]

    def to_array(out: list[Any]) -> np.ndarray:
        return np.stack([np.asarray(o) for o in out]).reshape(n, c, *size)

    return Variant(
        f"Pillow {_PIL_FILTER[method]} per plane", run, True, "'F' mode, 1 thread", to_array
    )


def _hwc_images(x: torch.Tensor) -> list[np.ndarray]:
    return [np.ascontiguousarray(img.permute(1, 2, 0).numpy()) for img in x]


def _from_hwc(out: list[np.ndarray]) -> np.ndarray:
    return np.stack([o if o.ndim == 3 else o[..., None] for o in out]).transpose(0, 3, 1, 2)


def _cv2_images(
    images: list[np.ndarray], size: tuple[int, int], flag: str, same_op: bool, note: str
) -> Variant:
    """cv2.resize on each HWC image of a batch."""
    assert cv2 is not None
    interpolation = getattr(cv2, flag)
    wh = (size[1], size[0])

    def run() -> list[np.ndarray]:
        return [cv2.resize(im, wh, interpolation=interpolation) for im in images]

    return Variant(f"OpenCV {flag} per image", run, same_op, note, _from_hwc)


def _skimage_images(
    images: list[np.ndarray], size: tuple[int, ...], order: int, note: str, slow: bool = True
) -> Variant:
    """skimage.transform.resize(anti_aliasing=True) on each image (HWC) or volume."""
    assert skimage_transform is not None

    def run() -> list[np.ndarray]:
        return [
            skimage_transform.resize(im, size, order=order, anti_aliasing=True, preserve_range=True)
            for im in images
        ]

    return Variant(f"skimage resize order={order} AA", run, False, note, _from_hwc, slow=slow)


def _scipy_planes(planes: np.ndarray, lead: tuple[int, ...], factor: float, order: int) -> Variant:
    """scipy.ndimage.zoom (half-pixel grid) on each plane/volume of a stack."""
    assert ndimage is not None

    def run() -> list[np.ndarray]:
        return [
            ndimage.zoom(p, factor, order=order, grid_mode=True, mode="reflect") for p in planes
        ]

    def to_array(out: list[np.ndarray]) -> np.ndarray:
        return np.stack(out).reshape(*lead, *out[0].shape)

    return Variant(
        f"scipy zoom order={order}",
        run,
        False,
        "spline, no antialias: aliases",
        to_array,
        slow=True,
    )


def _kornia_variant(x: torch.Tensor, size: tuple[int, int], method: str) -> Variant:
    assert kornia is not None
    mode = _TORCH_MODE[method]

    def run() -> torch.Tensor:
        return kornia.geometry.transform.resize(x, size, interpolation=mode, antialias=True)

    return Variant(f"kornia {mode} AA", run, False, "gaussian blur, then interpolate")


def _ours(
    x: Any, method: str, size: tuple[int, ...], name: str = "resamplers", **options: Any
) -> Variant:
    def run() -> Any:
        return resamplers.resize(x, size, method=method, **options)

    return Variant(name, run, True, "reference", probe=True)


def _engine(
    x: torch.Tensor,
    method: str,
    size: tuple[int, ...],
    compat: str | None = None,
    spatial: tuple[int, ...] | None = None,
) -> Variant:
    """resamplers' tensor engine alone: neither the compiled kernels nor the F.interpolate
    shortcut that ``resize`` takes where they apply (the same cached plan). ``spatial``: the
    resized axes, by default those after ``(N, C)``, or an HWC image's with a ``compat``."""
    if spatial is None:
        spatial = tuple(range(2, x.ndim)) if compat is None else (0, 1)
    axes = tuple(Axis(x.shape[a], m, None) for a, m in zip(spatial, size, strict=True))
    plan = make_plan(compat, method, axes, True, False)

    def run() -> torch.Tensor:
        return _run(x, spatial, plan, method)

    return Variant(
        "resamplers tensor engine", run, True, "no compiled kernel, no torch shortcut", probe=True
    )


# --- workloads -------------------------------------------------------------------------------


def down_2d(
    method: str,
    quick: bool,
    batch: int = 8,
    side: int = 512,
    factor: int = 4,
    out_side: int | None = None,
    peers: str = "all",
) -> Workload:
    """float32 (N, 3, side, side) -> side/factor (or out_side), ``method`` antialiased."""
    if quick:
        batch, side = 2, side // 4
        out_side = out_side // 4 if out_side else None
    x = torch.rand(batch, 3, side, side, generator=torch.Generator().manual_seed(0))
    out = out_side or side // factor
    size = (out, out)
    down = f"/{factor}" if out_side is None else f"-> {out}^2"
    w = Workload(
        f"down{factor if out_side is None else '-frac'}-{method}",
        f"f32 {_shape(x.shape[:2])}x{side}^2 {down} {method} AA",
        [_ours(x, method, size), _engine(x, method, size)],
        nbytes_mib(x),
    )
    w.variants.append(_torch_variant(x, size, _TORCH_MODE[method], True, True))
    if peers == "torch":
        return w
    if PIL_Image:
        w.variants.append(_pil_planes(x, size, method))
    else:
        w.skipped.append("Pillow")
    if cv2:
        images = _hwc_images(x)
        if method == "cubic":
            w.variants.append(_cv2_images(images, size, "INTER_AREA", False, "area (box) filter"))
        if peers in ("all", "pil+cv2"):
            flag = {"linear": "INTER_LINEAR", "cubic": "INTER_CUBIC", "lanczos3": "INTER_LANCZOS4"}[
                method
            ]
            w.variants.append(_cv2_images(images, size, flag, False, "no antialias: aliases"))
    else:
        w.skipped.append("cv2")
    if peers != "all":
        return w
    if kornia and method in ("linear", "cubic"):
        w.variants.append(_kornia_variant(x, size, method))
    elif not kornia:
        w.skipped.append("kornia (not installed)")
    order = {"linear": 1, "cubic": 3}.get(method)
    if order is not None:
        if skimage_transform:
            w.variants.append(
                _skimage_images(_hwc_images(x), size, order, "gaussian prefilter + spline")
            )
        else:
            w.skipped.append("scikit-image")
        if ndimage:
            w.variants.append(
                _scipy_planes(x.reshape(-1, side, side).numpy(), (batch, 3), out / side, order)
            )
        else:
            w.skipped.append("scipy")
    return w


def down_uint8(quick: bool, width_only: bool = False) -> Workload:
    """uint8 RGB (H, W, 3) NumPy image /4 (both axes, or the width alone), cubic antialiased."""
    side = 512 if quick else 2048
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    size = (side, side // 4) if width_only else (side // 4, side // 4)
    w = Workload(
        "uint8-rgb-width" if width_only else "uint8-rgb",
        f"u8 RGB {side}^2 HWC {'width ' if width_only else ''}/4 cubic AA",
        [
            _ours(img, "cubic", size, "resamplers compat=pil", compat="pil"),
            _ours(img, "cubic", size, "resamplers (default)"),
        ],
        nbytes_mib(img),
    )
    w.variants[1].note = "rounds once at the end"
    w.variants[1].same_op = False
    engine = _engine(torch.from_numpy(img), "cubic", size, compat="pil")
    engine.name += " compat=pil"
    engine.to_array = lambda r: r.numpy()
    w.variants.insert(1, engine)

    def torch_u8() -> np.ndarray:
        t = torch.from_numpy(img).permute(2, 0, 1)[None]  # a channels_last view
        r = F.interpolate(t, size=size, mode="bicubic", antialias=True)
        return r[0].permute(1, 2, 0).numpy()

    w.variants.append(
        Variant(
            "torch bicubic AA uint8 CL", torch_u8, True, "channels_last, NumPy in/out", probe=True
        )
    )
    if PIL_Image:
        pil = PIL_Image.fromarray(img)
        w.variants.append(
            Variant(
                "Pillow BICUBIC",
                lambda: pil.resize(size[::-1], PIL_Image.Resampling.BICUBIC),
                True,
                "Image in/out, 1 thread",
            )
        )
    if cv2:
        w.variants.append(
            Variant(
                "OpenCV INTER_AREA",
                lambda: cv2.resize(img, size[::-1], interpolation=cv2.INTER_AREA),
                False,
                "area (box) filter",
            )
        )
    return w


def up_2d(method: str, quick: bool) -> Workload:
    """float32 (8, 3, 256, 256) x2, linear or cubic."""
    batch, side = (2, 64) if quick else (8, 256)
    x = torch.rand(batch, 3, side, side, generator=torch.Generator().manual_seed(1))
    size = (2 * side, 2 * side)
    w = Workload(
        f"up2-{method}",
        f"f32 {batch}x3x{side}^2 x2 {method}",
        [_ours(x, method, size), _engine(x, method, size)],
        nbytes_mib(x),
    )
    if method == "linear":
        w.variants.append(_torch_variant(x, size, "bilinear", False, True))
    else:
        w.variants.append(_torch_variant(x, size, "bicubic", False, False, "a=-0.75, clamped"))
        w.variants.append(_torch_variant(x, size, "bicubic", True, True, "same op as ours"))
    if cv2:
        flag = "INTER_LINEAR" if method == "linear" else "INTER_CUBIC"
        same = method == "linear"
        w.variants.append(
            _cv2_images(_hwc_images(x), size, flag, same, "" if same else "a=-0.75, clamped")
        )
    if PIL_Image:
        w.variants.append(_pil_planes(x, size, method))
    return w


def up_nearest(quick: bool) -> Workload:
    """float32 (8, 3, 256, 256) feature maps x2, nearest (a U-Net decoder's upsampling)."""
    batch, side = (2, 64) if quick else (8, 256)
    x = torch.rand(batch, 3, side, side, generator=torch.Generator().manual_seed(5))
    size = (2 * side, 2 * side)
    w = Workload(
        "up2-nearest",
        f"f32 {batch}x3x{side}^2 x2 nearest",
        [_ours(x, "nearest", size), _engine(x, "nearest", size)],
        nbytes_mib(x),
    )
    w.variants.append(_torch_variant(x, size, "nearest-exact", False, True))
    if cv2:
        w.variants.append(_cv2_images(_hwc_images(x), size, "INTER_NEAREST_EXACT", True, ""))
    if PIL_Image:
        w.variants.append(_pil_planes(x, size, "nearest"))
    return w


# uint8 x2: torch's mode (its uint8 kernel; antialias=True where it has one: on x2 the same
# filter), OpenCV's flag and whether OpenCV computes our operation (its cubic: a=-0.75).
_UINT8_UP = {
    "nearest": ("nearest-exact", "INTER_NEAREST_EXACT", True),
    "linear": ("bilinear", "INTER_LINEAR", True),
    "cubic": ("bicubic", "INTER_CUBIC", False),
}


def up_uint8(method: str, quick: bool) -> Workload:
    """uint8 RGB (1024, 1024, 3) NumPy image x2: nearest, linear or cubic."""
    side = 256 if quick else 1024
    rng = np.random.default_rng(4)
    img = rng.integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    size = (2 * side, 2 * side)
    w = Workload(f"up2-{method}-uint8", f"u8 RGB {side}^2 HWC x2 {method}", [], nbytes_mib(img))
    mode, flag, cv2_same = _UINT8_UP[method]
    if method == "nearest":
        w.variants.append(_ours(img, method, size))
        # The engine as resize ran NumPy images before the compiled gathers: index_select.
        engine = _engine(torch.from_numpy(img), "nearest", size, spatial=(0, 1))
        engine.to_array = lambda r: r.numpy()
        w.variants.append(engine)
    else:  # as down_uint8: Pillow's operation the reference, the default rounds once
        w.variants.append(_ours(img, method, size, "resamplers compat=pil", compat="pil"))
        w.variants.append(_ours(img, method, size, "resamplers (default)"))
        w.variants[1].note, w.variants[1].same_op = "rounds once at the end", False
    antialias = method != "nearest"

    def torch_u8() -> np.ndarray:
        t = torch.from_numpy(img).permute(2, 0, 1)[None]  # a channels_last view
        r = F.interpolate(t, size=size, mode=mode, antialias=antialias)
        return r[0].permute(1, 2, 0).numpy()

    note = "channels_last, NumPy in/out" + (", rounds between passes" if antialias else "")
    w.variants.append(Variant(f"torch {mode} uint8 CL", torch_u8, True, note))
    if PIL_Image:
        pil = PIL_Image.fromarray(img)
        resample = getattr(PIL_Image.Resampling, _PIL_FILTER[method])
        run = lambda: pil.resize(size[::-1], resample)  # noqa: E731
        w.variants.append(Variant(f"Pillow {_PIL_FILTER[method]}", run, True, "Image in/out"))
    if cv2:
        interpolation = getattr(cv2, flag)
        run = lambda: cv2.resize(img, size[::-1], interpolation=interpolation)  # noqa: E731
        w.variants.append(Variant(f"OpenCV {flag}", run, cv2_same, "" if cv2_same else "a=-0.75"))
    return w


def down_1d(method: str, quick: bool, factor: int = 3) -> Workload:
    """float32 (N, 2, L) signals /factor, ``method`` antialiased along L."""
    batch, length = (4, 12000) if quick else (64, 48000)
    x = torch.rand(batch, 2, length, generator=torch.Generator().manual_seed(3))
    out = length // factor
    w = Workload(
        f"1d-down{factor}-{method}",
        f"f32 {batch}x2x{length} /{factor} {method} AA",
        [_ours(x, method, (out,)), _engine(x, method, (out,))],
        nbytes_mib(x),
    )

    def torch_rows() -> torch.Tensor:  # the same op: torch's 2-D antialias on (1, L) images
        rows = x.reshape(-1, 1, 1, length)
        mode = _TORCH_MODE[method]
        return F.interpolate(rows, size=(1, out), mode=mode, antialias=True).reshape(batch, 2, out)

    w.variants.append(Variant(f"torch {_TORCH_MODE[method]} AA on (1, L)", torch_rows, True))
    return w


def down_3d(method: str, quick: bool, side: int, factor: int) -> Workload:
    """float32 (1, 1, side^3) /factor, antialiased (3-D)."""
    if quick:
        side //= 4
    x = torch.rand(1, 1, side, side, side, generator=torch.Generator().manual_seed(2))
    out = side // factor
    size = (out, out, out)
    order = {"linear": 1, "cubic": 3}[method]
    w = Workload(
        f"3d-down{factor}-{method}",
        f"f32 1x1x{side}^3 /{factor} {method} AA",
        [_ours(x, method, size)],
        nbytes_mib(x),
    )
    w.variants.append(
        _torch_variant(x, size, "trilinear", False, False, "no antialias (torch has none in 3-D)")
    )
    volume = x[0, 0].numpy()
    if skimage_transform:
        variant = _skimage_images([volume], size, order, "gaussian prefilter + spline")
        variant.to_array = lambda r: np.stack(r)[:, None]
        w.variants.append(variant)
    if ndimage:
        w.variants.append(_scipy_planes(volume[None], (1, 1), out / side, order))
    return w


@dataclass(frozen=True)
class Spec:
    key: str
    build: Callable[[bool], Workload]
    full_only: bool = False


SPECS = [
    Spec("down4-cubic", lambda q: down_2d("cubic", q)),
    Spec("down4-linear", lambda q: down_2d("linear", q)),
    Spec("down4-lanczos3", lambda q: down_2d("lanczos3", q, peers="pil+cv2")),
    Spec("uint8-rgb", down_uint8),
    Spec("uint8-rgb-width", lambda q: down_uint8(q, width_only=True)),
    Spec("1d-down3-cubic", lambda q: down_1d("cubic", q)),
    Spec("up2-linear", lambda q: up_2d("linear", q)),
    Spec("up2-cubic", lambda q: up_2d("cubic", q)),
    Spec("up2-nearest", up_nearest),
    Spec("up2-nearest-uint8", lambda q: up_uint8("nearest", q)),
    Spec("up2-linear-uint8", lambda q: up_uint8("linear", q)),
    Spec("up2-cubic-uint8", lambda q: up_uint8("cubic", q)),
    Spec("3d-down2-linear", lambda q: down_3d("linear", q, 128, 2)),
    Spec("3d-down4-cubic", lambda q: down_3d("cubic", q, 256, 4), full_only=True),
    Spec(
        "down-frac-cubic",
        lambda q: down_2d("cubic", q, side=500, out_side=333, peers="pil+area"),
    ),
    Spec("down8-cubic", lambda q: down_2d("cubic", q, factor=8, peers="pil+area")),
]


# --- running ---------------------------------------------------------------------------------


def set_threads(n: int) -> None:
    torch.set_num_threads(n)
    if cv2 is not None:
        cv2.setNumThreads(n)


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.shape != b.shape:
        return None
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


def run_workload(w: Workload, threads: int, repeats: int, slow_repeats: int) -> list[dict]:
    """Warm up every variant (its result is compared with the reference's), then time them all
    in interleaved rounds."""
    set_threads(threads)
    reference = w.variants[0]
    ref_array = reference.to_array(reference.run())
    tolerance = 1.0 if ref_array.dtype == np.uint8 else 1e-4
    rows = []
    for v in w.variants:
        array = v.to_array(v.run())  # the warm-up call
        diff = max_abs_diff(array, ref_array)
        if v.same_op and (diff is None or diff > tolerance):
            print(
                f"  warning: {w.key}/{v.name} is marked same-op but differs by {diff}",
                file=sys.stderr,
            )
        rows.append(
            {
                "workload": w.key,
                "title": w.title,
                "threads": threads,
                "variant": v.name,
                "max_abs_diff": diff,
                "same_op": v.same_op,
                "note": v.note,
                "out_shape": list(array.shape),
                "reference": v is reference,
            }
        )
    counts = [slow_repeats if v.slow else repeats for v in w.variants]
    times = interleaved_samples([v.run for v in w.variants], counts)
    for row, samples in zip(rows, times, strict=True):
        row.update(
            median_ms=statistics.median(samples),
            min_ms=min(samples),
            repeats=len(samples),
            samples_ms=samples,
        )
        print(
            f"  {w.key:16s} {threads}t {row['variant']:32s} {row['median_ms']:9.2f} ms",
            file=sys.stderr,
            flush=True,
        )
    for row in rows:
        row["ratio"] = row["median_ms"] / rows[0]["median_ms"]
    return rows


def table(rows: list[dict]) -> str:
    headers = [
        "workload",
        "thr",
        "library / variant",
        "median ms",
        "min ms",
        "vs ours",
        "max|diff|",
        "same op",
        "note",
    ]
    cells = [
        [
            r["title"],
            str(r["threads"]),
            r["variant"],
            fmt_ms(r["median_ms"]),
            fmt_ms(r["min_ms"]),
            fmt_ratio(r["ratio"]),
            fmt_diff(r["max_abs_diff"]),
            "yes" if r["same_op"] else "no",
            r["note"],
        ]
        for r in rows
    ]
    return format_table(headers, cells)


def memory_table(rows: list[dict]) -> str:
    headers = [
        "workload",
        "library / variant",
        "input MiB",
        "output MiB",
        "peak extra MiB",
        "extra/output",
    ]
    cells = []
    for r in rows:
        per_output = r["peak_extra_mib"] / r["output_mib"] if r["output_mib"] else None
        cells.append(
            [
                r["title"],
                r["variant"],
                f"{r['input_mib']:.1f}",
                f"{r['output_mib']:.1f}",
                f"{r['peak_extra_mib']:.1f}",
                fmt_ratio(per_output),
            ]
        )
    return format_table(headers, cells)


def selected(specs: list[Spec], pattern: str | None, quick: bool) -> list[Spec]:
    out = [s for s in specs if not (quick and s.full_only)]
    if pattern:
        glob = pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"
        out = [s for s in out if fnmatch.fnmatch(s.key, glob)]
    return out


def probe_child(key: str, threads: int, quick: bool) -> None:
    """``--probe KEY``: the peak memory of each of a workload's ``probe`` variants, measured one
    after the other in this fresh process (only resamplers and torch are built here)."""
    spec = next(s for s in SPECS if s.key == key)
    set_threads(threads)
    report_probe({v.name: probe_peak_memory(v.run) for v in spec.build(quick).variants if v.probe})


def add_arguments(parser: argparse.ArgumentParser, default_out: Path) -> None:
    """The options of ``resamplers bench`` and of ``benchmarks/bench_resize.py``."""
    parser.add_argument("--threads", default="2", help="torch/OpenCV threads, e.g. 2 or 1,2")
    parser.add_argument("--quick", action="store_true", help="small inputs, 3 repeats")
    parser.add_argument(
        "--only",
        metavar="PATTERN",
        help="workload keys matching a glob or substring (e.g. 'down4-*', 3d)",
    )
    parser.add_argument("--repeats", type=int, help="timed runs per variant (default 7; 3 quick)")
    parser.add_argument(
        "--slow-repeats",
        type=int,
        help="timed runs for slow peers: scikit-image, scipy (default 3)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory probes")
    parser.add_argument("--list", action="store_true", help="list workload keys and exit")
    parser.add_argument(
        "--out",
        type=Path,
        default=default_out,
        metavar="DIR",
        help=f"where to write bench_resize.json and bench_resize.png (default: {default_out})",
    )
    parser.add_argument("--probe", help=argparse.SUPPRESS)


def main(argv: Sequence[str] | None = None, default_out: Path = Path("resamplers-bench")) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, default_out)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run the selected workloads, print the tables, write the JSON and the chart."""
    threads = parse_threads(args.threads)
    if args.probe:
        probe_child(args.probe, threads[0], args.quick)
        return 0
    load_peers()
    specs = selected(SPECS, args.only, args.quick)
    if args.list or not specs:
        print("\n".join(s.key + (" (full only)" if s.full_only else "") for s in SPECS))
        return 0 if args.list else 1
    repeats = args.repeats or (3 if args.quick else 7)
    slow_repeats = args.slow_repeats or 3

    start = time.perf_counter()
    rows: list[dict] = []
    memory: list[dict] = []
    skipped: dict[str, list[str]] = {}
    for spec in specs:
        w = spec.build(args.quick)
        if w.skipped:
            skipped[w.key] = w.skipped
        for n in threads:
            rows += run_workload(w, n, repeats, slow_repeats)
        if args.no_memory:
            continue
        output_mib = nbytes_mib(w.variants[0].to_array(w.variants[0].run()))
        probe_args = ["-m", __name__, "--probe", w.key, "--threads", str(threads[0])]
        measured = run_probe(probe_args + (["--quick"] if args.quick else [])) or {}
        for name, m in measured.items():
            memory.append(
                {
                    "workload": w.key,
                    "title": w.title,
                    "variant": name,
                    "threads": threads[0],
                    "input_mib": w.input_mib,
                    "output_mib": output_mib,
                    **m,
                }
            )

    print(table(rows))
    if memory:
        print(f"\npeak extra memory of one call (fresh process per row, {memory[0]['method']}):")
        print(memory_table(memory))
    for key, names in skipped.items():
        print(f"skipped in {key}: {', '.join(names)}")
    elapsed = time.perf_counter() - start
    print(
        f"\n{len(rows)} timings in {elapsed:.0f} s; ratio = median ms / resamplers median ms "
        "(same workload and threads); max|diff| vs resamplers' result"
    )
    if max(threads) > 1 and "OMP_WAIT_POLICY" not in os.environ:
        print(
            "multi-thread rows ran with OpenMP's default wait policy: PyTorch's threads keep "
            "spinning for a few ms after each op, on the cores the next library's threads need "
            "(medians turn bimodal); OMP_WAIT_POLICY=PASSIVE times each library without that "
            "(docs/performance.md)"
        )
    path = write_json(
        args.out / "bench_resize.json",
        {
            "benchmark": "resize",
            "quick": args.quick,
            "threads": threads,
            "repeats": repeats,
            "slow_repeats": slow_repeats,
            "elapsed_s": elapsed,
            "environment": environment(
                [
                    "resamplers",
                    "torch",
                    "numpy",
                    "pillow",
                    "opencv-python-headless",
                    "scikit-image",
                    "scipy",
                    "kornia",
                ]
            ),
            "results": rows,
            "memory": memory,
            "skipped": skipped,
        },
    )
    print(f"wrote {path}")
    chart = bar_chart(rows, args.out / "bench_resize.png")
    print(f"wrote {chart}" if chart else "no chart: pip install 'resamplers[report]' for one")
    return 0


def bar_chart(rows: list[dict], path: Path) -> Path | None:
    """Median time of every same-op variant per workload (first thread count), resamplers
    highlighted; ``None`` when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    first = rows[0]["threads"]
    shown = [r for r in rows if r["threads"] == first and r["same_op"]]
    labels = [f"{r['title']}  ·  {r['variant']}" for r in shown]
    colors = ["#2563eb" if r["variant"].startswith("resamplers") else "#9ca3af" for r in shown]
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(shown) + 1.2))
    ax.barh(range(len(shown)), [r["median_ms"] for r in shown], color=colors)
    ax.set_yticks(range(len(shown)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel(f"median ms, {first} thread(s), log scale (blue: resamplers)")
    ax.set_title("resize: resamplers and the peers that compute the same operation")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":
    sys.exit(main())
