"""Pooling and pixel shuffle: resamplers against their peers, in one process, on the same inputs.

Forward passes on CPU, float32, in both memory formats (contiguous and channels_last):
max / avg pool against torch; blur_pool against antialiased-cnns' ``BlurPool`` and a plain
pad + depthwise conv; max_blur_pool against ``nn.MaxPool2d(2, 1)`` followed by those; aps_pool
against a straightforward APS (stack the components, take norms, gather) and, for scale, plain
strided subsampling; pixel (un)shuffle 2-D against torch and NumPy reshape/transpose, 3-D
against NumPy. The implementations of one workload are timed in turns
(see ``resamplers.bench.harness``).

    .venv/bin/python benchmarks/bench_pooling.py [--repeats 7] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from resamplers.bench.harness import (
    environment,
    fmt_diff,
    fmt_ms,
    fmt_ratio,
    format_table,
    interleaved_samples,
    optional,
    write_json,
)
from resamplers.functional.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from resamplers.functional.pooling import aps_pool, avg_pool, blur_pool, max_blur_pool, max_pool

RESULTS = Path(__file__).resolve().parent / "results"

THREADS = 2
LAYOUTS_2D = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}
LAYOUTS_3D = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last_3d}

# (workload, implementation, run); the first implementation of each workload is ours
Case = tuple[str, str, Callable[[], object]]


def plain_blur_conv(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    return F.conv2d(F.pad(x, (1, 2, 1, 2), mode="reflect"), weight, stride=2, groups=x.shape[1])


def stacked_aps(x: torch.Tensor) -> torch.Tensor:
    phases = torch.stack([x[:, :, i::2, j::2] for i in range(2) for j in range(2)], dim=1)
    best = torch.linalg.vector_norm(phases, dim=(2, 3, 4)).argmax(dim=1)
    return phases[torch.arange(x.shape[0]), best]


def numpy_unshuffle(a: np.ndarray, f: int) -> np.ndarray:
    n, c, *size = a.shape
    dims = len(size)
    split = [d for s in size for d in (s // f, f)]
    order = [0, 1, *range(3, 2 + 2 * dims, 2), *range(2, 2 + 2 * dims, 2)]
    blocks = np.ascontiguousarray(a.reshape(n, c, *split).transpose(order))
    return blocks.reshape(n, c * f**dims, *(s // f for s in size))


def numpy_shuffle(a: np.ndarray, f: int) -> np.ndarray:
    n, c, *size = a.shape
    dims = len(size)
    order = [0, 1, *(i for axis in range(dims) for i in (2 + dims + axis, 2 + axis))]
    blocks = np.ascontiguousarray(a.reshape(n, c // f**dims, *(f,) * dims, *size).transpose(order))
    return blocks.reshape(n, c // f**dims, *(s * f for s in size))


def cases(layout: str, shape_2d: tuple[int, ...], shape_3d: tuple[int, ...]) -> list[Case]:
    torch.manual_seed(0)
    x = torch.randn(shape_2d).contiguous(memory_format=LAYOUTS_2D[layout])
    channels = x.shape[1]
    taps = torch.tensor([1.0, 3.0, 3.0, 1.0]) / 8
    weight = (taps[:, None] * taps).expand(channels, 1, 4, 4).contiguous()
    reference_module = optional("antialiased_cnns.blurpool")
    reference = None if reference_module is None else reference_module.BlurPool(channels)
    max_stride1 = torch.nn.MaxPool2d(2, stride=1)

    rows: list[Case] = [
        ("max_pool 2x2", "resamplers", lambda: max_pool(x, 2)),
        ("max_pool 2x2", "torch F.max_pool2d", lambda: F.max_pool2d(x, 2)),
        ("avg_pool 2x2", "resamplers", lambda: avg_pool(x, 2)),
        ("avg_pool 2x2", "torch F.avg_pool2d", lambda: F.avg_pool2d(x, 2)),
        ("blur_pool f=2 n=4", "resamplers", lambda: blur_pool(x)),
        ("blur_pool f=2 n=4", "pad + depthwise conv2d", lambda: plain_blur_conv(x, weight)),
    ]
    if reference is not None:
        rows.append(("blur_pool f=2 n=4", "antialiased-cnns BlurPool", lambda: reference(x)))
    rows += [
        ("max_blur_pool", "resamplers", lambda: max_blur_pool(x)),
        (
            "max_blur_pool",
            "MaxPool2d(2, 1) + conv",
            lambda: plain_blur_conv(max_stride1(x), weight),
        ),
    ]
    if reference is not None:
        rows.append(
            (
                "max_blur_pool",
                "MaxPool2d(2, 1) + antialiased-cnns",
                lambda: reference(max_stride1(x)),
            )
        )
    rows += [
        ("aps_pool f=2", "resamplers", lambda: aps_pool(x)),
        ("aps_pool f=2", "stack components + gather", lambda: stacked_aps(x)),
        ("aps_pool f=2", "x[..., ::2, ::2] (not APS)", lambda: x[:, :, ::2, ::2].contiguous()),
    ]

    shuffled = pixel_unshuffle(x, 2)
    a, a_shuffled = x.numpy(), shuffled.numpy()
    rows += [
        ("pixel_unshuffle 2-D f=2", "resamplers", lambda: pixel_unshuffle(x, 2)),
        ("pixel_unshuffle 2-D f=2", "torch F.pixel_unshuffle", lambda: F.pixel_unshuffle(x, 2)),
        ("pixel_unshuffle 2-D f=2", "NumPy reshape/transpose", lambda: numpy_unshuffle(a, 2)),
        ("pixel_shuffle 2-D f=2", "resamplers", lambda: pixel_shuffle(shuffled, 2)),
        ("pixel_shuffle 2-D f=2", "torch F.pixel_shuffle", lambda: F.pixel_shuffle(shuffled, 2)),
        ("pixel_shuffle 2-D f=2", "NumPy reshape/transpose", lambda: numpy_shuffle(a_shuffled, 2)),
    ]
    v = torch.randn(shape_3d).contiguous(memory_format=LAYOUTS_3D[layout])
    v_shuffled = pixel_unshuffle(v, 2)
    b, b_shuffled = v.numpy(), v_shuffled.numpy()
    rows += [
        ("pixel_unshuffle 3-D f=2", "resamplers", lambda: pixel_unshuffle(v, 2)),
        ("pixel_unshuffle 3-D f=2", "NumPy reshape/transpose", lambda: numpy_unshuffle(b, 2)),
        ("pixel_shuffle 3-D f=2", "resamplers", lambda: pixel_shuffle(v_shuffled, 2)),
        ("pixel_shuffle 3-D f=2", "NumPy reshape/transpose", lambda: numpy_shuffle(b_shuffled, 2)),
    ]
    return rows


def max_abs_diff(result: object, ours: torch.Tensor) -> float | None:
    other = torch.as_tensor(result)
    if other.shape != ours.shape:
        return None
    return float((other.double() - ours.double()).abs().max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per implementation")
    parser.add_argument("--quick", action="store_true", help="smoke test: small inputs, 3 runs")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    shape_2d = (2, 16, 64, 64) if args.quick else (8, 64, 256, 256)
    shape_3d = (1, 8, 16, 16, 16) if args.quick else (2, 16, 64, 64, 64)
    torch.set_num_threads(THREADS)

    results, table = [], []
    with torch.inference_mode():
        for layout in LAYOUTS_2D:
            rows = cases(layout, shape_2d, shape_3d)
            for workload in dict.fromkeys(name for name, _, _ in rows):
                impls = [(impl, run) for name, impl, run in rows if name == workload]
                outputs = [run() for _, run in impls]  # also the warm-up call
                times = interleaved_samples([run for _, run in impls], [repeats] * len(impls))
                ours_ms = statistics.median(times[0])
                for (impl, _), output, samples in zip(impls, outputs, times, strict=True):
                    median = statistics.median(samples)
                    diff = max_abs_diff(output, outputs[0])
                    results.append(
                        {
                            "workload": workload,
                            "layout": layout,
                            "impl": impl,
                            "median_ms": median,
                            "min_ms": min(samples),
                            "vs_ours": median / ours_ms,
                            "max_abs_diff": diff,
                        }
                    )
                    table.append(
                        [
                            workload,
                            layout,
                            impl,
                            fmt_ms(median),
                            fmt_ms(min(samples)),
                            fmt_ratio(median / ours_ms),
                            fmt_diff(diff),
                        ]
                    )

    headers = [
        "workload",
        "layout",
        "library / variant",
        "median ms",
        "min ms",
        "vs ours",
        "max|diff|",
    ]
    print(format_table(headers, table))
    print(
        f"\nfloat32 {shape_2d} (3-D shuffle: {shape_3d}), {THREADS} threads, {repeats} runs; "
        "vs ours = peer median / resamplers median (> 1x: resamplers is faster)"
    )
    payload = {
        "environment": environment(["torch", "numpy", "antialiased-cnns"]),
        "threads": THREADS,
        "repeats": repeats,
        "dtype": "float32",
        "shape_2d": shape_2d,
        "shape_3d": shape_3d,
        "results": results,
    }
    print(f"wrote {write_json(RESULTS / 'bench_pooling.json', payload)}")


if __name__ == "__main__":
    main()
