"""``resamplers bench`` runs the resize suite against the peers and writes JSON and a chart."""

import json
from pathlib import Path

import pytest

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
    assert "vs ours" in capsys.readouterr().out


def test_bench_unknown_workload_lists_the_keys(capsys: pytest.CaptureFixture) -> None:
    assert main(["bench", "--only", "no-such-workload"]) == 1
    assert "down4-cubic" in capsys.readouterr().out
