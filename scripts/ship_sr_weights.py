"""Ship a trained SR run's weights inside the package: ``NAME.pt`` and ``NAME.json``.

Reads a run folder of the training engine (``resamplers train sr``): its ``last.ckpt``, the
config it ran with and its launch record. Scores the network on Set5 and Set14 with the
literature's protocol in float32 and float16, next to bicubic; writes the ``state_dict`` as
float16 when that moves no PSNR by 0.005 dB or more (half the size), else float32, and the
metadata :func:`resamplers.models.pretrained_info` returns (model, config, training, scores,
git commit) into ``src/resamplers/models/weights``.

    .venv/bin/python scripts/ship_sr_weights.py runs/sr/espcn_x3 espcn-x3
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

import torch
import yaml
from torch import nn

from resamplers.models import create
from resamplers.tasks.engine import resolve_data_path
from resamplers.tasks.sr import SRTestSet, bicubic_upscaler, evaluate
from resamplers.tasks.sr.protocol import Upscaler

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "src" / "resamplers" / "models" / "weights"
FP16_TOLERANCE_DB = 0.005
TEST_SETS = ("Set5", "Set14")


def scores(model: nn.Module | Upscaler, config: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Set5 and Set14 PSNR/SSIM of ``model`` (a network or an upscaler function)."""
    scale = config["data"]["scale"]
    if isinstance(model, nn.Module):
        model.eval()
    out = {}
    for name in TEST_SETS:
        result = evaluate(model, SRTestSet(resolve_data_path(config, name), scale), scale)
        out[name] = {"psnr": round(result.psnr, 3), "ssim": round(result.ssim, 4)}
    return out


def load_run(run: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A run folder's config and ``last.ckpt``."""
    checkpoint = torch.load(run / "checkpoints" / "last.ckpt", map_location="cpu",
                            weights_only=False)
    return yaml.safe_load((run / "config.yaml").read_text()), checkpoint


def training_record(run: Path, config: dict[str, Any], checkpoint: dict[str, Any]
                    ) -> dict[str, Any]:
    """How the run trained: its data, optimizer, steps, and wall time from its launches; for a
    run started from another's weights (``init``), that run's record too."""
    launches = yaml.safe_load((run / "run.yaml").read_text())
    first = datetime.datetime.fromisoformat(launches[0]["time"])
    saved = datetime.datetime.fromtimestamp((run / "checkpoints" / "last.ckpt").stat().st_mtime,
                                            tz=datetime.timezone.utc)
    data, optim = config["data"], config["optim"]
    record = {
        "engine": "resamplers train sr (config.yaml below)",
        "data": f"{data['train']}, {data.get('pool') or 'fresh'} random {data['patch_size']}px "
                "HR Y patches with flips/rot90, LR by MATLAB bicubic",
        "optimizer": f"Adam, lr {optim['lr']}" + (
            f" cosine to {optim.get('min_lr', optim['lr'] / 100)}"
            if optim.get("schedule") == "cosine" else " constant"),
        "loss": config["loss"],
        "batch": data["batch_size"],
        "steps": int(checkpoint["global_step"]),
        "wall_seconds": round((saved - first).total_seconds()),
        "launches": len(launches),
        "gpus": launches[0].get("gpus"),
        "cpu_threads": launches[0].get("cpu_threads"),
        "git_commit": launches[0]["git_commit"],
        "config": config,
    }
    if config.get("init"):
        source = Path(config["init"]).parents[1]  # RUN/checkpoints/last.ckpt
        record["init"] = training_record(source, *load_run(source))
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the run folder (holds checkpoints/last.ckpt)")
    parser.add_argument("name", help="the shipped name, e.g. espcn-x3")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="folder for NAME.pt/.json")
    args = parser.parse_args()
    config, checkpoint = load_run(args.run)
    spec = dict(config["model"])
    name = spec.pop("name")
    build = {"scale": config["data"]["scale"], "in_channels": 1, **spec}
    state = {k.removeprefix("model."): v for k, v in checkpoint["state_dict"].items()}
    model = create(name, **build)
    model.load_state_dict(state)
    fp32 = scores(model, config)
    half = {k: v.half() for k, v in state.items()}
    model16 = create(name, **build)
    model16.load_state_dict(half)
    fp16 = scores(model16, config)
    use_fp16 = all(abs(fp16[s]["psnr"] - fp32[s]["psnr"]) < FP16_TOLERANCE_DB for s in fp16)
    meta = {
        "name": args.name,
        "model": name,
        "config": build,
        "scale": build["scale"],
        "input": "Y / 255 (BT.601 luma, MATLAB rgb2ycbcr), float32 (N, 1, h, w)",
        "dtype": "float16" if use_fp16 else "float32",
        "training": training_record(args.run, config, checkpoint),
        "eval": {"protocol": "resamplers.tasks.sr.evaluate (Y, scale-pixel border cropped)",
                 name: fp32, f"{name}_float16": fp16,
                 "bicubic": scores(bicubic_upscaler(build["scale"]), config)},
        "torch": torch.__version__,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(half if use_fp16 else state, args.out / f"{args.name}.pt")
    (args.out / f"{args.name}.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta["eval"], indent=2))


if __name__ == "__main__":
    main()
