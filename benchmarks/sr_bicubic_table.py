"""The bicubic rows of the SR literature, measured with ``resamplers.tasks.sr``'s protocol.

Prints two tables and writes them between the markers in ``docs/results/super_resolution.md``:
the protocol's bicubic PSNR/SSIM on Set5 and Set14 at x2/x3/x4 (LR computed, and LR read from
the MATLAB-made ``*_LR_bicubic`` files) against the published numbers, and the mean PSNR of
the variants one could pick (how ``Y`` is rounded, whether the output is rounded, how a gray
image becomes ``Y``, where the LR is made), to show which one the published numbers used.
Reads ``../shared/data`` (or ``$RESAMPLERS_SHARED/data``); about 15 s on 2 cores.

    .venv/bin/python benchmarks/sr_bicubic_table.py [--no-write]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _pages import replace_between

from resamplers.data.color import rgb_to_y
from resamplers.functional import resize
from resamplers.metrics import psnr
from resamplers.tasks.sr import SRPair, SRTestSet, bicubic_upscaler, evaluate

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RESAMPLERS_SHARED", ROOT.parent / "shared")) / "data" / "sr"
PAGE = ROOT / "docs" / "results" / "super_resolution.md"
MARKERS = ("<!-- sr-bicubic-table:start -->", "<!-- sr-bicubic-table:end -->")
SETS, SCALES = ("Set5", "Set14"), (2, 3, 4)
# Bicubic rows: PSNR from SRCNN/ESPCN/VDSR (Set14 x3 is 27.54 in SRCNN, 27.55 in VDSR),
# SSIM from VDSR (Kim et al. 2016, Table 2).
PUBLISHED = {
    ("Set5", 2): (33.66, 0.9299), ("Set5", 3): (30.39, 0.8682), ("Set5", 4): (28.42, 0.8104),
    ("Set14", 2): (30.24, 0.8688), ("Set14", 3): (27.55, 0.7742), ("Set14", 4): (26.00, 0.7027),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED}: no such folder (set RESAMPLERS_SHARED)")
    tables = "\n\n".join([_protocol_table(), _variant_table()])
    print(tables)
    if not args.no_write:
        replace_between(PAGE, MARKERS, tables)
        print(f"-> {PAGE}")


def _protocol_table() -> str:
    rows = [
        "| set | scale | PSNR (LR computed) | PSNR (LR files) | published | Δ | "
        "SSIM (LR computed) | published SSIM |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in SETS:
        for scale in SCALES:
            up = bicubic_upscaler(scale)
            ours = evaluate(up, SRTestSet(SHARED / name, scale), scale)
            files = SRTestSet(SHARED / name, scale, SHARED / f"{name}_LR_bicubic" / f"X{scale}")
            from_files = evaluate(up, files, scale)
            published, published_ssim = PUBLISHED[name, scale]
            rows.append(
                f"| {name} | ×{scale} | {ours.psnr:.3f} | {from_files.psnr:.3f} | {published:.2f} "
                f"| {ours.psnr - published:+.3f} | {ours.ssim:.4f} | {published_ssim:.4f} |"
            )
    return "\n".join(rows)


def _y_float(image: np.ndarray) -> np.ndarray:
    """MATLAB's rgb2ycbcr luma without rounding, 0..255 (gray: itself)."""
    return image.astype(np.float64) if image.ndim == 2 else rgb_to_y(image / 255.0) * 255


def _y_uint8(image: np.ndarray) -> np.ndarray:
    return (image if image.ndim == 2 else rgb_to_y(image)).astype(np.float64)


def _mean_psnr(
    pairs: SRTestSet, scale: int, y: Callable[[np.ndarray], np.ndarray], lr_from_y: bool,
    round_output: bool,
) -> float:
    """Mean bicubic PSNR on ``y``, the LR made from the RGB (as the files) or from HR's ``y``."""
    scores = []
    for pair in pairs:
        ref = y(pair.hr)
        lr = resize(ref, scale=1 / scale, compat="matlab") if lr_from_y else y(pair.lr)
        out = resize(lr, scale=scale, compat="matlab")
        if round_output:
            out = np.clip(np.floor(out + 0.5), 0, 255)
        inside = (slice(scale, -scale),) * 2
        scores.append(psnr(out[inside], ref[inside], data_range=255))
    return float(np.mean(scores))


def _rgb_gray(pairs: SRTestSet) -> list[SRPair]:
    """Gray images as R = G = B, so that their Y goes through BT.601 (16..235)."""
    def rgb(image: np.ndarray) -> np.ndarray:
        return np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image

    return [SRPair(p.name, rgb(p.hr), rgb(p.lr)) for p in pairs]


def _variant_table() -> str:
    variants: dict[str, Callable[[SRTestSet, int], float]] = {
        "**protocol**: LR of uint8 RGB, uint8 Y, float output, gray = Y":
            lambda pairs, s: _mean_psnr(pairs, s, _y_uint8, False, False),
        "float Y (rgb2ycbcr not rounded)":
            lambda pairs, s: _mean_psnr(pairs, s, _y_float, False, False),
        "output rounded to uint8":
            lambda pairs, s: _mean_psnr(pairs, s, _y_uint8, False, True),
        "gray images through BT.601 (Y in 16..235)":
            lambda pairs, s: evaluate(bicubic_upscaler(s), _rgb_gray(pairs), s).psnr,
        "SRCNN demo: LR of uint8 Y in float, output rounded":
            lambda pairs, s: _mean_psnr(pairs, s, _y_uint8, True, True),
        "LR of uint8 Y in float, float output":
            lambda pairs, s: _mean_psnr(pairs, s, _y_uint8, True, False),
    }
    header = " | ".join(f"{name} ×{s}" for name in SETS for s in SCALES)
    rows = [f"| variant (mean PSNR, dB) | {header} |", "|---" * (1 + len(SETS) * len(SCALES)) + "|"]
    rows.append("| published | " + " | ".join(
        f"{PUBLISHED[name, s][0]:.2f}" for name in SETS for s in SCALES) + " |")
    test_sets = {(name, s): SRTestSet(SHARED / name, s) for name in SETS for s in SCALES}
    for label, measure in variants.items():
        cells = " | ".join(f"{measure(pairs, s):.3f}" for (_, s), pairs in test_sets.items())
        rows.append(f"| {label} | {cells} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
