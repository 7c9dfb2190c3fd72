"""``resamplers compare`` end to end: the JSON, the terminal table, the page as Chromium
renders it, and one-line errors."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from resamplers.cli.main import main
from resamplers.data.io import write_image

METHODS = ["nearest", "cubic", "cubic-noaa", "max_pool", "pil:cubic", "linear"]
DOWN = {"nearest", "cubic", "cubic-noaa", "max_pool", "pil:cubic", "linear"}
UP = {"nearest", "cubic", "linear"}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> dict:
    """One run on a 192x160 photo at x2 and x4 with a few methods; its folder and output
    (captured by hand: capsys is per test)."""
    folder = tmp_path_factory.mktemp("compare")
    write_image(folder / "photo.png", astronaut)
    out = folder / "report"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["compare", str(folder / "photo.png"), "--scale", "2", "4", "--methods",
                     *METHODS, "--repeats", "1", "--out", str(out)])
    return {"code": code, "out": out, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(),
            "results": json.loads((out / "results.json").read_text())}


def test_json_has_every_method_and_sane_numbers(report: dict):
    assert report["code"] == 0, report["stderr"]
    assert report["stderr"] == ""  # no progress bar off a terminal
    results = report["results"]
    assert [im["name"] for im in results["images"]] == ["photo", "zoneplate"]
    assert set(results["scales"]) == {"2", "4"}
    for scale in results["scales"].values():
        down = {row["name"]: row for row in scale["down"]}
        up = {row["name"]: row for row in scale["up"]}
        assert set(down) == DOWN and set(up) == UP
        assert [row["rank"] for row in scale["down"]] == list(range(1, len(DOWN) + 1))
        for row in [*down.values(), *up.values()]:
            assert set(row["psnr"]) == set(row["ssim"]) == {"photo", "zoneplate"}
            assert 5 < row["psnr"]["photo"] < 60 and 0 < row["ssim"]["photo"] <= 1
            assert row["time_ms"] > 0 and row["overshoot_max"] >= 0
        # antialiasing: a better round trip on the zone plate, far less aliasing
        assert down["cubic"]["psnr"]["zoneplate"] >= down["nearest"]["psnr"]["zoneplate"]
        assert down["cubic"]["aliasing"] < 0.2 * down["cubic-noaa"]["aliasing"]
        assert down["nearest"]["aliasing"] > 0.5
        # pil:cubic is cubic; max_pool is the worst round trip; cubic rings, linear does not
        assert down["pil:cubic"]["psnr"]["photo"] == pytest.approx(down["cubic"]["psnr"]["photo"],
                                                                   abs=1e-4)
        assert scale["down"][-1]["name"] == "max_pool"
        assert up["cubic"]["overshoot_max"] > 0 == up["linear"]["overshoot_max"]
        assert set(scale["pairs"]) == DOWN and set(scale["pairs"]["max_pool"]) == UP
        assert scale["pairs"]["cubic"]["cubic"] == pytest.approx(down["cubic"]["psnr_mean"])


def test_terminal_table_and_files(report: dict):
    lines = report["stdout"].splitlines()
    assert lines[0].startswith("x2 downsampling, ranked by round-trip PSNR")
    first = lines[2].split()
    best = report["results"]["scales"]["2"]["down"][0]
    assert first[:3] == ["1", best["name"], f"{best['psnr_mean']:.2f}"]
    assert re.fullmatch(r"6 downsamplers and 3 upsamplers on 2 images in [\d.]+ s -> .*index\.html",
                        lines[-1])
    out = report["out"]
    for name in ("kernels.png", "psnr-time-x2.png", "pairs-x4.png"):
        assert Image.open(out / "figures" / name).size[0] > 300
    html = (out / "index.html").read_text()
    for src in re.findall(r"src=['\"]([^'\"]+)['\"]", html):
        assert (out / src).is_file(), src
    assert "http" not in re.sub(r"<p class='sub'>.*?</p>", "", html)  # nothing fetched


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("Chromium not found (apt-get install chromium; .ci/run installs it)")


def test_page_renders_in_chromium(report: dict, tmp_path: Path):
    browser = chromium()
    url = (report["out"] / "index.html").resolve().as_uri()
    base = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*base, "--dump-dom", "--virtual-time-budget=10000", url],
                         capture_output=True, text=True, timeout=120).stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body, dom[:500]
    images = int(re.search(r'data-images="(\d+)"', body.group(1)).group(1))
    assert images > 50
    assert 'data-images-broken="0"' in body.group(1)
    assert dom.count("<table") == 4  # down and up, x2 and x4
    assert dom.count("<tr>") == 2 * (len(DOWN) + len(UP) + 2)

    shot = tmp_path / "shot.png"
    subprocess.run([*base, f"--screenshot={shot}", "--window-size=1280,1400", url],
                   capture_output=True, timeout=120)
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.shape == (1400, 1280)
    assert pixels.std() > 30  # images and text, not a blank page


# --- errors ----------------------------------------------------------------------------------


def test_unreadable_image(capsys, tmp_path: Path):
    (tmp_path / "bad.png").write_bytes(b"not a png")
    code, out, err = run(capsys, "compare", tmp_path / "bad.png", "--out", tmp_path / "r")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("resamplers: error: ")
    assert "bad.png" in err and not (tmp_path / "r").exists()


def test_scale_that_leaves_too_few_pixels(capsys, tmp_path: Path):
    write_image(tmp_path / "tiny.png", np.zeros((15, 40), dtype=np.uint8))
    code, _, err = run(capsys, "compare", tmp_path / "tiny.png", "--scale", "4")
    assert code == 2
    assert err == ("resamplers: error: tiny (40x15) at --scale 4 leaves 10x3 pixels; every side "
                   "needs at least 4 (a larger image or a smaller scale)\n")


@pytest.mark.parametrize(("options", "message"), [
    (["--scale", "5"], "invalid choice: 5"),
    (["--methods", "bilinear"], "unknown method 'bilinear'"),
    (["--repeats", "0"], "--repeats must be at least 1"),
])
def test_bad_options(capsys, tmp_path: Path, options: list[str], message: str):
    code, _, err = run(capsys, "compare", "--out", tmp_path / "r", *options)
    assert code == 2 and message in err and err.count("\n") == 1


def test_without_matplotlib_says_what_to_install(capsys, monkeypatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes "import matplotlib" fail
    code, _, err = run(capsys, "compare", "--out", tmp_path / "r")
    assert code == 2
    assert "pip install 'resamplers[report]'" in err and err.count("\n") == 1
