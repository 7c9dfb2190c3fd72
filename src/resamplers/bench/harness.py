"""Helpers shared by the benchmarks: timing, a text table, JSON output, peak memory.

Every benchmark times all libraries in one process on the same inputs; see
``benchmarks/README.md``.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

# --- timing ----------------------------------------------------------------------------------


def samples_ms(fn: Callable[[], object], repeats: int = 7, warmup: int = 1) -> list[float]:
    """Wall times of ``repeats`` calls of ``fn`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def timeit(fn: Callable[[], object], repeats: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in milliseconds (see :func:`samples_ms`)."""
    return statistics.median(samples_ms(fn, repeats, warmup))


def interleaved_samples(
    fns: Sequence[Callable[[], object]], repeats: Sequence[int]
) -> list[list[float]]:
    """Wall times in ms of ``repeats[i]`` calls of each ``fns[i]``, taken in rounds (one call of
    every function that still needs runs per round), so that a change in the machine's load hits
    all of them alike. What runs just before a call matters (a core left idle by a slow
    single-threaded peer wakes late for the next call's second thread; a peer's spinning OpenMP
    threads hold one), so the rounds follow :func:`balanced_order`: over ``n`` rounds (``2n``
    for an odd ``n``) each function runs right after each other one equally often. No warm-up
    here: call each function once before."""
    times: list[list[float]] = [[] for _ in fns]
    for round_ in range(max(repeats, default=0)):
        for i in balanced_order(len(fns), round_):
            if round_ < repeats[i]:
                start = time.perf_counter()
                fns[i]()
                times[i].append((time.perf_counter() - start) * 1e3)
    return times


def balanced_order(n: int, round_: int) -> list[int]:
    """Round ``round_``'s order of ``n`` functions in a Williams design (a balanced Latin
    square): ``0, 1, n-1, 2, n-2, ...`` shifted by the round; for odd ``n`` every other block of
    ``n`` rounds reversed. Rotating one order instead would keep each function's predecessor."""
    first, low, high = [0], 1, n - 1
    for k in range(1, n):
        if k % 2:
            first.append(low)
            low += 1
        else:
            first.append(high)
            high -= 1
    order = [(i + round_) % n for i in first]
    return order[::-1] if n % 2 and (round_ // n) % 2 else order


def parse_threads(text: str) -> list[int]:
    """``"1,2"`` -> ``[1, 2]``."""
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise ValueError(f"--threads: expected positive integers like 2 or 1,2, got {text!r}")
    return counts


# --- optional peers and environment ----------------------------------------------------------


def optional(module: str) -> ModuleType | None:
    """Import ``module`` if it is installed, else ``None`` (benchmarks skip that peer)."""
    try:
        return import_module(module)
    except ImportError:
        return None


def environment(packages: Iterable[str]) -> dict[str, Any]:
    """Machine and package versions, for the JSON file."""
    versions: dict[str, str | None] = {}
    for name in packages:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {
        "git": _git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        # How PyTorch's OpenMP threads wait between ops (see docs/performance.md): they spin for
        # a few ms by default, on the cores the next library's threads need.
        "omp_env": {name: os.environ.get(name) for name in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")},
        "argv": sys.argv[1:],
        "versions": versions,
    }


def _git_state() -> dict[str, Any]:
    """The commit, and whether tracked files under ``src/`` have uncommitted changes."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no", "--", "src")
    dirty = None if status is None else bool(status)
    return {"commit": git("rev-parse", "HEAD"), "src_dirty": dirty}


# --- output ----------------------------------------------------------------------------------


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], group: int | None = 0
) -> str:
    """A plain-text table; text columns left-aligned, the rest right-aligned. A rule separates
    rows whose ``group`` column differs (``None``: no rules)."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    numeric = [all(_looks_numeric(r[i]) for r in rows) and i > 0 for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        aligned = zip(cells, widths, numeric, strict=True)
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in aligned]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(headers), rule]
    for i, row in enumerate(rows):
        if group is not None and i > 0 and row[group] != rows[i - 1][group]:
            out.append("")
        out.append(line(row))
    return "\n".join(out)


def _looks_numeric(cell: str) -> bool:
    text = cell.rstrip("x%").strip()
    if text in ("", "-"):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def fmt_ms(value: float | None) -> str:
    """Milliseconds for a table cell (``-`` when missing)."""
    if value is None:
        return "-"
    return f"{value:.1f}" if value >= 100 else f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def fmt_ratio(value: float | None) -> str:
    """A time ratio: ``12.3x``."""
    if value is None:
        return "-"
    return f"{value:.0f}x" if value >= 100 else f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def fmt_diff(value: float | None) -> str:
    """A max |difference|: ``0``, ``3.0e-07``, ``0.125``."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    return f"{value:.1e}" if value < 0.01 else f"{value:.3g}"


def write_json(path: Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` as JSON to ``path`` (its folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


# --- peak memory -----------------------------------------------------------------------------

_MIB = 1024 * 1024
PROBE_MARKER = "PEAK_MEMORY_JSON "


def _proc_status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (``VmHWM``; Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return _proc_status_kib("VmHWM") is not None


def probe_peak_memory(fn: Callable[[], object]) -> dict[str, Any]:
    """Peak extra resident memory of one call of ``fn`` (run in a fresh child process).

    ``fn`` runs once to warm up (imports, caches, thread pools), then the peak-RSS counter is
    reset and ``fn`` runs again; the result is the peak RSS during that call minus the RSS just
    before it: temporaries plus the output, as the operating system saw them (torch, NumPy and
    C libraries alike, which ``tracemalloc`` would not see). Falls back to the growth of
    ``ru_maxrss`` where the counter can't be reset (then the warm-up call's peak can hide it).
    """
    fn()
    gc.collect()
    if _reset_peak_rss():
        method = "VmHWM after reset - VmRSS before"
        before = _proc_status_kib("VmRSS") or 0
        result = fn()
        peak = _proc_status_kib("VmHWM") or 0
    else:
        method = "ru_maxrss growth"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = fn()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del result
    return {
        "peak_extra_mib": max(peak - before, 0) / 1024,
        "rss_before_mib": before / 1024,
        "method": method,
    }


def report_probe(measurements: Any) -> None:
    """Child side: print measurements (anything JSON can hold) where :func:`run_probe` finds
    them."""
    print(PROBE_MARKER + json.dumps(measurements), flush=True)


def run_probe(args: Sequence[str], timeout: float = 600) -> Any:
    """Parent side: run ``python <args>`` (a script that ends in :func:`report_probe`) in a fresh
    process and return what it reported, or ``None`` if it failed.

    glibc is told to ``mmap`` every block over 128 KiB, so memory freed by a warm-up call goes
    back to the OS and the measured call can't hide in it.
    """
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072")
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(PROBE_MARKER):
            return json.loads(line[len(PROBE_MARKER) :])
    sys.stderr.write(f"memory probe {' '.join(args)} failed:\n{proc.stderr[-2000:]}\n")
    return None


def nbytes_mib(*arrays: Any) -> float:
    """Total size of tensors/arrays in MiB."""
    total = 0
    for a in arrays:
        total += a.nbytes if hasattr(a, "nbytes") else a.numel() * a.element_size()
    return total / _MIB
