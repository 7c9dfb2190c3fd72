"""Train the shipped ESPCN weights quickly on CPU: plain PyTorch, a fixed wall-clock budget.

A stop-gap until the training engine retrains them; the loader
(:func:`resamplers.models.pretrained`) only reads the state_dict and the metadata JSON.

For each scale: a pool of random T91 ``Y`` patches (``SRPatches``: MATLAB-bicubic LR, flips and
90° rotations) drawn once, then Adam on MSE with batches drawn from the pool, the learning rate
decayed from ``--lr`` to ``--lr / 100`` (cosine) over ``--seconds``; then Set5/Set14 PSNR/SSIM
(``resamplers.tasks.sr.evaluate``) next to bicubic, and ``espcn-x{s}.pt`` (float16 when that
changes neither PSNR by 0.005 dB or more, else float32) plus ``espcn-x{s}.json`` written to
``src/resamplers/models/weights``.

    .venv/bin/python scripts/train_espcn_quick.py --scales 2 3 4 --seconds 300
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import time
from pathlib import Path

import torch
from torch import nn

from resamplers.models import create
from resamplers.tasks.sr import SRPatches, SRTestSet, bicubic_upscaler, evaluate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sr"
WEIGHTS = ROOT / "src" / "resamplers" / "models" / "weights"
FP16_TOLERANCE_DB = 0.005


def patch_pool(scale: int, lr_patch: int, count: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` random (LR, HR) patch pairs, stacked: making them costs ~0.7 ms each, so they
    are made once instead of per step."""
    patches = SRPatches(DATA / "T91", scale, lr_patch * scale,
                        patches_per_image=math.ceil(count / 91))
    pairs = [patches[i] for i in torch.randperm(len(patches))[:count].tolist()]
    return torch.stack([lr for lr, _ in pairs]), torch.stack([hr for _, hr in pairs])


def scores(model: nn.Module, scale: int) -> dict[str, dict[str, float]]:
    """Set5 and Set14 PSNR/SSIM of ``model`` (in float32, eval mode)."""
    model.eval()
    out = {}
    for name in ("Set5", "Set14"):
        result = evaluate(model, SRTestSet(DATA / name, scale), scale)
        out[name] = {"psnr": round(result.psnr, 3), "ssim": round(result.ssim, 4)}
    return out


def train(scale: int, args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed + scale)
    start = time.process_time()
    lr_pool, hr_pool = patch_pool(scale, args.lr_patch, args.pool)
    pool_seconds = time.process_time() - start
    model = create("espcn", scale=scale, in_channels=1)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    wall0, steps = time.monotonic(), 0
    while (elapsed := time.monotonic() - wall0) < args.seconds:
        for group in optimizer.param_groups:  # cosine from lr to lr / 100 over the budget
            group["lr"] = args.lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * elapsed
                                                                          / args.seconds)))
        index = torch.randint(len(lr_pool), (args.batch,))
        loss = nn.functional.mse_loss(model(lr_pool[index]), hr_pool[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        steps += 1
        if steps % 200 == 0:
            print(f"x{scale} step {steps} {elapsed:.0f}s loss {loss.item():.2e}", flush=True)
    train_seconds = time.monotonic() - wall0
    cpu_seconds = time.process_time() - start

    fp32 = scores(model, scale)
    half = {k: v.half() for k, v in model.state_dict().items()}
    model16 = create("espcn", scale=scale, in_channels=1)
    model16.load_state_dict(half)
    fp16 = scores(model16, scale)
    use_fp16 = all(abs(fp16[s]["psnr"] - fp32[s]["psnr"]) < FP16_TOLERANCE_DB for s in fp16)
    bicubic = {}
    for name in ("Set5", "Set14"):
        result = evaluate(bicubic_upscaler(scale), SRTestSet(DATA / name, scale), scale)
        bicubic[name] = {"psnr": round(result.psnr, 3), "ssim": round(result.ssim, 4)}

    stem = WEIGHTS / f"espcn-x{scale}"
    state = half if use_fp16 else model.state_dict()
    torch.save(state, stem.with_suffix(".pt"))
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    meta = {
        "name": f"espcn-x{scale}",
        "model": "espcn",
        "config": {"scale": scale, "in_channels": 1},
        "scale": scale,
        "input": "Y / 255 (BT.601 luma, MATLAB rgb2ycbcr), float32 (N, 1, h, w)",
        "receptive_margin": 4,
        "dtype": "float16" if use_fp16 else "float32",
        "training": {
            "script": "scripts/train_espcn_quick.py",
            "data": f"T91 (91 images), {args.pool} random {args.lr_patch * scale}px HR Y "
                    "patches with flips/rot90, LR by MATLAB bicubic",
            "optimizer": f"Adam, lr {args.lr} cosine to {args.lr / 100}",
            "loss": "MSE",
            "batch": args.batch,
            "steps": steps,
            "train_wall_seconds": round(train_seconds),
            "cpu_seconds": round(cpu_seconds),
            "pool_cpu_seconds": round(pool_seconds),
            "threads": torch.get_num_threads(),
            "seed": args.seed + scale,
        },
        "eval": {"protocol": "resamplers.tasks.sr.evaluate (Y, scale-pixel border cropped)",
                 "espcn": fp32, "espcn_float16": fp16, "bicubic": bicubic},
        "git_commit": commit,
        "torch": torch.__version__,
    }
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--seconds", type=float, default=300, help="training wall time per scale")
    parser.add_argument("--lr-patch", type=int, default=17, help="LR patch side")
    parser.add_argument("--pool", type=int, default=20000, help="patches drawn up front")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="1 by default: on a shared CPU, threads waiting for each other at "
                        "every op's barrier can cost more than a second thread gains")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    WEIGHTS.mkdir(parents=True, exist_ok=True)
    for scale in args.scales:
        train(scale, args)


if __name__ == "__main__":
    main()
