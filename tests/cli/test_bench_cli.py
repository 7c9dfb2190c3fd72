"""``resamplers bench`` runs the resize suite against the peers and writes JSON and a chart."""

import json
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from resamplers.bench.harness import interleaved_samples
from resamplers.cli.main import main


def test_bench_quick_writes_json_and_chart(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("matplotlib")
    code = main(
        [
            "bench",
            "--quick",
            "--only",
            "down4-linear",
            "--threads",
            "1",
            "--no-memory",
            "--repeats",
            "2",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    payload = json.loads((tmp_path / "bench_resize.json").read_text())
    variants = {r["variant"] for r in payload["results"]}
    assert {"resamplers", "torch bilinear AA"} <= variants
    torch_row = next(r for r in payload["results"] if r["variant"] == "torch bilinear AA")
    assert torch_row["same_op"] and torch_row["max_abs_diff"] < 1e-5  # same op, same result
    assert (tmp_path / "bench_resize.png").stat().st_size > 5_000
    assert set(payload["environment"]["omp_env"]) == {"OMP_NUM_THREADS", "OMP_WAIT_POLICY"}
    out = capsys.readouterr().out
    assert "vs ours" in out
    assert "wait policy" not in out  # one thread: nothing to say about waiting threads


def test_bench_notes_the_openmp_wait_policy(tmp_path: Path, monkeypatch, capsys) -> None:
    """With 2 threads and no OMP_WAIT_POLICY, the output says why the medians may be bimodal."""
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    args = [
        "bench",
        "--quick",
        "--only",
        "down4-linear",
        "--threads",
        "2",
        "--no-memory",
        "--repeats",
        "1",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    assert "OMP_WAIT_POLICY=PASSIVE" in capsys.readouterr().out
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    assert main(args) == 0
    assert "wait policy" not in capsys.readouterr().out


def test_bench_unknown_workload_lists_the_keys(capsys: pytest.CaptureFixture) -> None:
    assert main(["bench", "--only", "no-such-workload"]) == 1
    assert "down4-cubic" in capsys.readouterr().out


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7])
def test_each_function_follows_each_other_equally_often(n) -> None:
    """A call's time depends on what ran just before it: over the rounds of one design (``n``,
    ``2n`` for odd ``n``), run back to back, each function runs right after each other one
    equally often, and each round runs every function once."""
    calls: list[int] = []
    fns = [lambda i=i: calls.append(i) for i in range(n)]
    rounds = n if n % 2 == 0 else 2 * n
    interleaved_samples(fns, [rounds] * n)
    assert all(sorted(calls[r * n : (r + 1) * n]) == list(range(n)) for r in range(rounds))
    within = Counter(pair for r in range(rounds) for pair in pairwise(calls[r * n : (r + 1) * n]))
    assert set(within.values()) == {rounds // n} and len(within) == n * (n - 1)


def test_slow_peers_with_fewer_repeats_drop_out() -> None:
    calls: list[str] = []
    fns = [lambda name=name: calls.append(name) for name in "abc"]
    times = interleaved_samples(fns, [3, 3, 1])
    assert sorted(calls) == ["a", "a", "a", "b", "b", "b", "c"] and calls.count("c") == 1
    assert [len(t) for t in times] == [3, 3, 1]
