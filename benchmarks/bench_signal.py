"""Polyphase resampling: resamplers.resample_poly against scipy.signal.resample_poly.

One process, the same float64 signal (10 M samples by default) for every library; cases ↓4
(up=1, down=4), ↑4 (4, 1), ↓3/↑2 (2, 3) and 44.1 -> 48 kHz (160, 147). Timings are medians of
interleaved runs after one warm-up call; peak extra memory (temporaries plus the output) is
measured per library in a fresh process. Prints tables and writes
``benchmarks/results/bench_signal.json``.

    .venv/bin/python benchmarks/bench_signal.py [--repeats 7] [--threads 2] [--samples 10000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from scipy import signal as sps

from resamplers.bench.harness import (
    environment,
    fmt_diff,
    fmt_ms,
    fmt_ratio,
    format_table,
    interleaved_samples,
    nbytes_mib,
    parse_threads,
    probe_peak_memory,
    report_probe,
    run_probe,
    write_json,
)
from resamplers.functional.signal import resample_poly

RESULTS = Path(__file__).resolve().parent / "results"

CASES = {
    "down4": ("↓4", 1, 4),
    "up4": ("↑4", 4, 1),
    "down3up2": ("↓3/↑2", 2, 3),
    "44k1to48k": ("44.1→48 kHz", 160, 147),
}


def make_signal(samples: int) -> np.ndarray:
    """A sound-like float64 signal: a few decaying harmonics over noise."""
    t = np.arange(samples) / 44_100
    rng = np.random.default_rng(0)
    tones = sum(np.sin(2 * np.pi * 110 * k * t) / k for k in range(1, 6))
    return tones + 0.1 * rng.standard_normal(samples)


def variants(x: np.ndarray, up: int, down: int) -> dict[str, Callable[[], np.ndarray]]:
    tensor = torch.from_numpy(x)
    return {
        "resamplers (NumPy in/out)": lambda: resample_poly(x, up, down),
        "resamplers (torch tensor)": lambda: resample_poly(tensor, up, down),
        "scipy.signal.resample_poly": lambda: sps.resample_poly(x, up, down),
    }


def to_numpy(result: object) -> np.ndarray:
    return result.numpy() if isinstance(result, torch.Tensor) else np.asarray(result)


def run_case(key: str, x: np.ndarray, threads: int, repeats: int) -> list[dict]:
    title, up, down = CASES[key]
    torch.set_num_threads(threads)
    fns = variants(x, up, down)
    outputs = {name: to_numpy(fn()) for name, fn in fns.items()}  # also the warm-up call
    reference = outputs["scipy.signal.resample_poly"]
    samples = interleaved_samples(list(fns.values()), [repeats] * len(fns))
    rows = []
    for (name, out), times in zip(outputs.items(), samples, strict=True):
        rows.append(
            {
                "case": key,
                "title": title,
                "up": up,
                "down": down,
                "threads": threads,
                "variant": name,
                "median_ms": statistics.median(times),
                "min_ms": min(times),
                "samples_ms": times,
                "max_abs_diff": float(np.abs(out - reference).max()),
                "out_shape": list(out.shape),
            }
        )
        print(
            f"  {title:12s} {threads}t {name:28s} {rows[-1]['median_ms']:9.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    scipy_ms = rows[-1]["median_ms"]
    for row in rows:
        row["speedup_vs_scipy"] = scipy_ms / row["median_ms"]
    return rows


def probe_child(key: str, samples: int, threads: int) -> None:
    """``--probe CASE``: peak extra memory of each library on that case, in this fresh process."""
    torch.set_num_threads(threads)
    _, up, down = CASES[key]
    x = make_signal(samples)
    report_probe({name: probe_peak_memory(fn) for name, fn in variants(x, up, down).items()})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000_000, help="signal length")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per library")
    parser.add_argument("--threads", default="2", help="torch threads, e.g. 2 or 1,2")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory probes")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    threads = parse_threads(args.threads)
    if args.probe:
        probe_child(args.probe, args.samples, threads[0])
        return 0

    x = make_signal(args.samples)
    load_before = os.getloadavg()
    start = time.perf_counter()
    rows = [row for key in CASES for n in threads for row in run_case(key, x, n, args.repeats)]
    memory = []
    if not args.no_memory:
        for key, (title, up, down) in CASES.items():
            probe = [
                __file__,
                "--probe",
                key,
                "--samples",
                str(args.samples),
                "--threads",
                str(threads[0]),
            ]
            output_mib = nbytes_mib(np.empty(-(-args.samples * up // down)))
            for name, m in (run_probe(probe) or {}).items():
                memory.append(
                    {"case": key, "title": title, "variant": name, "output_mib": output_mib, **m}
                )
    load_after = os.getloadavg()

    print(
        f"\n{args.samples:,} float64 samples, median of {args.repeats} interleaved runs after "
        f"a warm-up; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after\n"
    )
    headers = [
        "case",
        "threads",
        "library",
        "median ms",
        "min ms",
        "speed-up vs scipy",
        "max|diff|",
    ]
    print(
        format_table(
            headers,
            [
                [
                    r["title"],
                    str(r["threads"]),
                    r["variant"],
                    fmt_ms(r["median_ms"]),
                    fmt_ms(r["min_ms"]),
                    fmt_ratio(r["speedup_vs_scipy"]),
                    fmt_diff(r["max_abs_diff"]),
                ]
                for r in rows
            ],
        )
    )
    if memory:
        print(f"\npeak extra memory, fresh process (input {nbytes_mib(x):.0f} MiB, not counted)\n")
        print(
            format_table(
                ["case", "library", "output MiB", "peak extra MiB", "extra/output"],
                [
                    [
                        m["title"],
                        m["variant"],
                        f"{m['output_mib']:.0f}",
                        f"{m['peak_extra_mib']:.0f}",
                        fmt_ratio(m["peak_extra_mib"] / m["output_mib"]),
                    ]
                    for m in memory
                ],
            )
        )
    path = write_json(
        RESULTS / "bench_signal.json",
        {
            "environment": environment(["torch", "numpy", "scipy"]),
            "samples": args.samples,
            "repeats": args.repeats,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "seconds": time.perf_counter() - start,
            "timings": rows,
            "memory": memory,
        },
    )
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
