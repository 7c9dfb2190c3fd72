"""Every registered down- and upsampler of ``resamplers.layers`` on one 2-D feature map.

For each name (factor 2, channels kept): parameters, multiply-accumulates, forward + backward
time on CPU (float32, 2 threads) for a 1×64×64×64 input, and for upsamplers the checkerboard
measure at initialisation: the share of the output's non-DC spectral energy at the period-2
frequencies (π, π), (π, 0), (0, π), for a smooth input (bicubic-upsampled noise), see
:func:`resamplers.layers.checkerboard_energy`. The layers of one kind are timed in turns (see
``resamplers.bench.harness``).

MACs are counted by ``torch.utils.flop_counter.FlopCounterMode`` (convolutions and matrix
products, FLOPs / 2) plus, for CARAFE and DySample, their reassembly / interpolation counted by
hand (k_up² resp. 2^d multiply-adds per output value), which the counter does not see.

    .venv/bin/python benchmarks/bench_layers.py [--repeats 7] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from resamplers.bench.harness import (
    environment,
    fmt_ms,
    format_table,
    interleaved_samples,
    write_json,
)
from resamplers.functional.resize import resize
from resamplers.layers import CARAFE, DOWN, UP, checkerboard_energy, create_down, create_up

RESULTS = Path(__file__).resolve().parent / "results"

THREADS = 2
FACTOR = 2


def count_macs(layer: torch.nn.Module, x: torch.Tensor) -> int:
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        y = layer(x)
    macs = counter.get_total_flops() // 2
    out_values = y.numel()
    if isinstance(layer, CARAFE):
        macs += layer.k_up**layer.dims * out_values
    elif type(layer).__name__ == "DySample":
        macs += 2**layer.dims * out_values
    return macs


def fwd_bwd(layer: torch.nn.Module, x: torch.Tensor) -> None:
    layer.zero_grad(set_to_none=True)
    y = layer(x)
    y.backward(torch.ones_like(y))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per layer")
    parser.add_argument("--quick", action="store_true", help="smoke test: 16×32×32, 3 runs")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    shape = (1, 16, 32, 32) if args.quick else (1, 64, 64, 64)
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    channels = shape[1]
    x = torch.randn(shape, requires_grad=True)
    coarse = torch.randn(shape[0], channels, shape[2] // 8, shape[3] // 8)
    smooth = resize(coarse, size=shape[2:], method="cubic")

    results, table = [], []
    for kind, registry, create in (("down", DOWN, create_down), ("up", UP, create_up)):
        names = registry.names()
        layers = [create(name, channels, None, FACTOR, 2) for name in names]
        runs = [lambda layer=layer: fwd_bwd(layer, x) for layer in layers]
        for run in runs:
            run()  # warm-up
        times = interleaved_samples(runs, [repeats] * len(runs))
        for name, layer, samples in zip(names, layers, times, strict=True):
            params = sum(p.numel() for p in layer.parameters())
            macs = count_macs(layer, x.detach())
            checker = None
            if kind == "up":
                with torch.no_grad():
                    checker = checkerboard_energy(layer(smooth), FACTOR)
            median = statistics.median(samples)
            results.append(
                {
                    "kind": kind,
                    "name": name,
                    "params": params,
                    "macs": macs,
                    "fwd_bwd_median_ms": median,
                    "fwd_bwd_min_ms": min(samples),
                    "checkerboard": checker,
                }
            )
            table.append(
                [
                    kind,
                    name,
                    f"{params:,}".replace(",", " "),
                    f"{macs / 1e6:.1f}",
                    fmt_ms(median),
                    "-" if checker is None else f"{checker:.2e}",
                ]
            )

    headers = ["kind", "name", "params", "MMACs", "fwd+bwd ms", "checkerboard@init"]
    print(format_table(headers, table))
    print(
        f"\nfloat32 {shape}, factor {FACTOR}, channels kept, {THREADS} threads, median of "
        f"{repeats} runs; checkerboard = share of non-DC energy at the period-2 frequencies"
    )
    payload = {
        "environment": environment(["torch", "numpy"]),
        "threads": THREADS,
        "repeats": repeats,
        "dtype": "float32",
        "shape": shape,
        "factor": FACTOR,
        "results": results,
    }
    print(f"wrote {write_json(RESULTS / 'bench_layers.json', payload)}")


if __name__ == "__main__":
    main()
