"""The ESPCN body with each upsampler of the registry: Set5/Set14 PSNR/SSIM at x2/x3/x4.

Each row trains ``configs/sr/espcn_x{scale}.yaml`` through the training engine with the same
budget (``--steps`` steps of ``--batch`` patches, cosine learning rate, one pool of ``--pool``
T91 patches) and only the upsampling stage changed, then scores the last checkpoint with the
literature's protocol. Runs go to ``runs/sr/upsamplers/<method>_x<scale>/`` with a
``result.json`` each; ``--table`` gathers them into ``docs/results/sr_upsamplers.json`` and the
table between the markers in ``docs/results/super_resolution.md``. A run whose ``result.json``
exists is skipped, so an interrupted sweep continues where it stopped, and two sweeps may run
side by side on different methods (``--methods``), e.g. pinned to one core each:

    OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/sr_upsamplers.py --methods pre_cubic
    .venv/bin/python benchmarks/sr_upsamplers.py --table
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import torch
from _pages import replace_between

from resamplers.tasks.engine import load_config, train
from resamplers.tasks.sr.train import evaluate_checkpoint

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "runs" / "sr" / "upsamplers"
PAGE = ROOT / "docs" / "results" / "super_resolution.md"
RESULTS = ROOT / "docs" / "results" / "sr_upsamplers.json"
MARKERS = ("<!-- sr-upsampler-table:start -->", "<!-- sr-upsampler-table:end -->")
SCALES = (2, 3, 4)
# The upsampling stage of each row, as ``model`` overrides of the ESPCN config.
METHODS: dict[str, dict[str, Any]] = {
    "pixelshuffle": {"up": "pixelshuffle"},  # the paper's sub-pixel conv, ICNR init
    "transposed": {"up": "transposed"},
    "resizeconv": {"up": "resizeconv"},
    # 16 compressed channels: the layer's default 64 would widen this 32-channel body.
    "carafe": {"up": {"name": "carafe", "compressed_channels": 16}},
    "dysample": {"up": "dysample"},
    "pre_cubic": {"up": "cubic", "position": "pre"},  # SRCNN: bicubic first, convs at HR
}
LABELS = {
    "pixelshuffle": "pixel shuffle + ICNR (ESPCN)",
    "transposed": "transposed conv",
    "resizeconv": "resize-conv (nearest + conv)",
    "carafe": "CARAFE",
    "dysample": "DySample",
    "pre_cubic": "bicubic first, convs at HR (SRCNN-style)",
}


def run(method: str, scale: int, steps: int, batch: int, pool: int) -> dict[str, Any]:
    """Train one row (unless its ``result.json`` exists) and return its result."""
    out = RUNS / f"{method}_x{scale}"
    result_file = out / "result.json"
    if result_file.is_file():
        return json.loads(result_file.read_text())
    overrides = [f"out={out}", f"trainer.max_steps={steps}", f"trainer.val_every_n_steps={steps}",
                 f"trainer.checkpoint_every_n_steps={max(steps // 4, 1)}",
                 "trainer.enable_progress_bar=false", "+trainer.enable_model_summary=false",
                 f"data.pool={pool}", f"data.batch_size={batch}"]
    overrides += [f"+model.{key}={json.dumps(value)}" for key, value in METHODS[method].items()]
    config = load_config(ROOT / "configs" / "sr" / f"espcn_x{scale}.yaml", overrides)
    start, cpu_start = time.monotonic(), time.process_time()
    status = train("sr", config)
    if status:
        raise SystemExit(status)
    seconds, cpu_seconds = time.monotonic() - start, time.process_time() - cpu_start
    checkpoint = out / "checkpoints" / "last.ckpt"
    scores: dict[str, Any] = {}
    for name in ("Set5", "Set14"):
        result, _ = evaluate_checkpoint(checkpoint, name)
        scores[name] = {"psnr": round(result.psnr, 3), "ssim": round(result.ssim, 4)}
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)["state_dict"]
    params = sum(v.numel() for k, v in state.items() if k.startswith("model."))
    result = {"method": method, "scale": scale, "model": config["model"], "steps": steps,
              "batch": config["data"]["batch_size"], "pool": pool, "params": params,
              "train_seconds": round(seconds), "cpu_seconds": round(cpu_seconds),
              "threads": torch.get_num_threads(), "scores": scores}
    result_file.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result), flush=True)
    return result


def table(results: list[dict[str, Any]]) -> str:
    """The markdown table: one row per method, PSNR/SSIM per set and scale, params, and the
    CPU time of training (drawing the pool included; wall time depends on what else runs)."""
    by = {(r["method"], r["scale"]): r for r in results}
    head = " | ".join(f"Set5 ×{s} | Set14 ×{s}" for s in SCALES)
    rows = [f"| upsampler | {head} | params (×2/×3/×4) | train CPU s (×2/×3/×4) |",
            "|---" * (3 + 2 * len(SCALES)) + "|"]
    for method in METHODS:
        cells, params, seconds = [], [], []
        for scale in SCALES:
            r = by.get((method, scale))
            for name in ("Set5", "Set14"):
                cells.append("–" if r is None else
                             f"{r['scores'][name]['psnr']:.2f} / {r['scores'][name]['ssim']:.4f}")
            params.append("–" if r is None else f"{r['params']:,}")
            seconds.append("–" if r is None else str(r["cpu_seconds"]))
        rows.append(f"| {LABELS[method]} | {' | '.join(cells)} | {' / '.join(params)} | "
                    f"{' / '.join(seconds)} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--scales", nargs="+", type=int, choices=SCALES, default=list(SCALES))
    parser.add_argument("--steps", type=int, default=4000, help="training steps per row")
    parser.add_argument("--batch", type=int, default=16, help="patches per step")
    parser.add_argument("--pool", type=int, default=20000, help="T91 patches drawn per run")
    parser.add_argument("--table", action="store_true",
                        help="only gather the finished runs into the JSON and the page")
    args = parser.parse_args()
    if not args.table:
        for method in args.methods:
            for scale in args.scales:
                run(method, scale, args.steps, args.batch, args.pool)
    results = [json.loads(p.read_text()) for p in sorted(RUNS.glob("*/result.json"))]
    text = table(results)
    print(text)
    if args.table:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        replace_between(PAGE, MARKERS, text)
        print(f"-> {RESULTS}, {PAGE}")


if __name__ == "__main__":
    main()
