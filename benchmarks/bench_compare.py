"""``resamplers compare``: wall time of the whole default run, as a user starts it, and where the
time goes (measuring, then writing the report).

Each run is a fresh ``resamplers compare`` process (start-up and imports included) writing to a
temporary folder; the phases come from one in-process run. The issue's target: the default run
in under a minute on a 2-core machine.

    .venv/bin/python benchmarks/bench_compare.py [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from resamplers.bench.harness import environment, write_json
from resamplers.cli.compare import load_images
from resamplers.report import compare, html, methods
from resamplers.report.inputs import DEFAULT_SAMPLES

RESULTS = Path(__file__).resolve().parent / "results"

TARGET_S = 60.0
QUICK_METHODS = ["nearest", "cubic", "cubic-noaa", "area", "max_pool", "linear"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="whole-command runs (default: 3)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: one run with {len(QUICK_METHODS)} methods",
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    extra = ["--methods", *QUICK_METHODS] if args.quick else []
    command = [str(Path(sys.executable).with_name("resamplers")), "compare", *extra]

    walls = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(runs):
            out = Path(folder) / f"run{i}"
            start = time.perf_counter()
            subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
            print(f"run {i + 1}/{runs}: {walls[-1]:.1f} s")
            shutil.rmtree(out)
        phases = _phases(Path(folder) / "phases", extra[1:])

    median = statistics.median(walls)
    verdict = "within" if median < TARGET_S else "OVER"
    print(
        f"{' '.join(['resamplers compare', *extra])}: median {median:.1f} s of {runs} runs "
        f"({verdict} the {TARGET_S:.0f} s target); measuring {phases['measure_s']:.1f} s, "
        f"writing {phases['write_s']:.1f} s"
    )
    path = write_json(
        RESULTS / "compare.json",
        {
            "environment": environment(["torch", "numpy", "pillow", "matplotlib", "scikit-image"]),
            "command": command[1:],
            "wall_s": walls,
            "median_s": median,
            "target_s": TARGET_S,
            "phases": phases,
        },
    )
    print(f"-> {path}")


def _phases(out: Path, names: list[str]) -> dict[str, float]:
    """Seconds spent measuring and writing, in this process (imports already done)."""
    images = load_images([f"sample:{n}" for n in DEFAULT_SAMPLES])
    downs, ups = methods.select(names or None)
    start = time.perf_counter()
    results, visuals = compare.run(images, [4], downs, ups)
    measured = time.perf_counter()
    html.write_report(out, results, visuals, images)
    return {"measure_s": measured - start, "write_s": time.perf_counter() - measured}


if __name__ == "__main__":
    main()
