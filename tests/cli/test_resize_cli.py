"""``resamplers resize``: results equal ``resamplers.resize``, one summary line, clean errors."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import resamplers
from resamplers.cli.main import main
from resamplers.data.io import read_image, write_image

RNG = np.random.default_rng(0)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def rgb(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """A 40 wide, 30 high RGB PNG: not square, so width/height mix-ups show."""
    array = RNG.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    write_image(tmp_path / "in.png", array)
    return tmp_path / "in.png", array


# --- results ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "expected"), [
    (["--size", "20x10"], {"size": (10, 20)}),
    (["--size", "12"], {"size": 12}),
    (["--scale", "0.5"], {"scale": 0.5}),
    (["--scale", "0.5x0.25"], {"scale": (0.25, 0.5)}),  # width first
    (["--scale", "1.5", "--method", "lanczos3"], {"scale": 1.5, "method": "lanczos3"}),
    (["--scale", "0.3", "--compat", "opencv", "--method", "lanczos4"],
     {"scale": 0.3, "compat": "opencv", "method": "lanczos4"}),
    (["--size", "13x7", "--no-antialias", "--method", "linear"],
     {"size": (7, 13), "antialias": False, "method": "linear"}),
])
def test_output_equals_library(capsys, rgb, tmp_path: Path, options: list[str], expected: dict):
    path, array = rgb
    code, _, err = run(capsys, "resize", path, tmp_path / "out.png", *options)
    assert (code, err) == (0, "")
    expected_array = resamplers.resize(array, **expected)
    np.testing.assert_array_equal(read_image(tmp_path / "out.png"), expected_array)


def test_no_antialias_changes_the_result(capsys, rgb, tmp_path: Path):
    path, _ = rgb
    run(capsys, "resize", path, tmp_path / "a.png", "--scale", "0.25")
    run(capsys, "resize", path, tmp_path / "b.png", "--scale", "0.25", "--no-antialias")
    assert not np.array_equal(read_image(tmp_path / "a.png"), read_image(tmp_path / "b.png"))


def test_summary_line(capsys, tmp_path: Path):
    out_path = tmp_path / "small.png"
    code, out, err = run(capsys, "resize", "sample:astronaut", out_path, "--scale", "0.5")
    assert (code, err) == (0, "")
    assert re.fullmatch(
        r"astronaut 512x512 RGB uint8 -> 256x256 cubic \(antialias\) in \d+\.\d ms -> "
        + re.escape(str(out_path)) + "\n",
        out,
    )
    assert read_image(tmp_path / "small.png").shape == (256, 256, 3)


def test_summary_names_compat_and_skips_antialias_on_upscale(capsys, rgb, tmp_path: Path):
    path, _ = rgb
    _, out, _ = run(capsys, "resize", path, tmp_path / "o.png", "--size", "80x60", "--compat",
                    "pil")
    assert f"{path} 40x30 RGB uint8 -> 80x60 cubic compat=pil in " in out


@pytest.mark.parametrize(("channels", "mode"), [(4, "RGBA"), (2, "LA")])
@pytest.mark.parametrize("method", ["cubic", "lanczos3", "box"])
def test_alpha_is_premultiplied_exactly_as_pillow(
    capsys, tmp_path: Path, channels: int, mode: str, method: str
):
    array = RNG.integers(0, 256, (30, 40, channels), dtype=np.uint8)
    array[..., -1][RNG.random((30, 40)) < 0.3] = 0
    write_image(tmp_path / "in.png", array)
    code, out, _ = run(capsys, "resize", tmp_path / "in.png", tmp_path / "out.png",
                       "--size", "17x11", "--compat", "pil", "--method", method)
    assert code == 0 and "premultiplied alpha" in out
    filters = {"cubic": Image.BICUBIC, "lanczos3": Image.LANCZOS, "box": Image.BOX}
    expected = np.asarray(Image.fromarray(array, mode).resize((17, 11), filters[method]))
    np.testing.assert_array_equal(read_image(tmp_path / "out.png"), expected)


def test_transparent_pixels_do_not_bleed(capsys, tmp_path: Path):
    array = np.zeros((8, 8, 4), np.uint8)
    array[:, :4] = (255, 0, 0, 255)  # opaque red
    array[:, 4:] = (0, 255, 0, 0)  # invisible green
    write_image(tmp_path / "in.png", array)
    code, _, _ = run(capsys, "resize", tmp_path / "in.png", tmp_path / "out.png", "--size", "4x4")
    out = read_image(tmp_path / "out.png")
    visible = out[..., 3] > 0
    assert code == 0 and visible.any()
    assert (out[visible][:, 1] == 0).all()  # no green where anything shows


def test_npy_with_nan_warns_and_propagates(capsys, tmp_path: Path):
    array = np.ones((8, 8), np.float32)
    array[2, 2] = np.nan
    np.save(tmp_path / "in.npy", array)
    code, out, err = run(capsys, "resize", tmp_path / "in.npy", tmp_path / "out.npy",
                         "--scale", "0.5")
    assert code == 0 and out
    assert err == (f"resamplers: warning: {tmp_path / 'in.npy'} holds 1 NaN and 0 infinite values; "
                   "they carry over into the output\n")
    result = np.load(tmp_path / "out.npy")
    assert result.dtype == np.float32 and np.isnan(result[1, 1])


def test_npy_with_more_dims_says_which_axes(capsys, tmp_path: Path):
    array = RNG.standard_normal((12, 10, 3, 2))
    np.save(tmp_path / "in.npy", array)
    code, out, err = run(capsys, "resize", tmp_path / "in.npy", tmp_path / "out.npy",
                         "--size", "5x6")
    assert code == 0
    assert "resamplers: note:" in err and "resizing axes 0 and 1" in err and "--axes" in err
    assert "10x12 (12, 10, 3, 2) float64 -> 5x6" in out
    np.testing.assert_array_equal(
        np.load(tmp_path / "out.npy"), resamplers.resize(array, size=(6, 5), axes=(0, 1))
    )


def test_axes_resizes_a_volume(capsys, tmp_path: Path):
    array = RNG.standard_normal((8, 10, 12)).astype(np.float32)
    np.save(tmp_path / "in.npy", array)
    code, out, err = run(capsys, "resize", tmp_path / "in.npy", tmp_path / "out.npy",
                         "--axes", "0,1,2", "--size", "6x5x4")
    assert (code, err) == (0, "")
    assert "12x10x8" in out and "-> 6x5x4" in out
    np.testing.assert_array_equal(
        np.load(tmp_path / "out.npy"), resamplers.resize(array, size=(4, 5, 6), axes=(0, 1, 2))
    )


# --- errors ----------------------------------------------------------------------------------

ERRORS = [
    (["missing.png", "o.png", "--size", "4"], "missing.png: no such file"),
    (["text.png", "o.png", "--size", "4"], "text.png: not an image Pillow can read"),
    (["in.png", "o.png", "--size", "0x4"], "every size must be at least 1 pixel, got '0x4'"),
    (["in.png", "o.png", "--size=-4x4"], "every size must be at least 1 pixel, got '-4x4'"),
    (["in.png", "o.png", "--size", "4x"], "expected WxH in whole pixels"),
    (["in.png", "o.png", "--size", "4.5"], "expected WxH in whole pixels"),
    (["in.png", "o.png", "--size", "4x4x4"], "--size gives 3 values for 2 axes"),
    (["in.png", "o.png", "--scale", "0"], "every scale must be a finite number > 0"),
    (["in.png", "o.png", "--scale", "nan"], "every scale must be a finite number > 0"),
    (["in.png", "o.png", "--scale", "x"], "expected a number"),
    (["in.png", "o.png"], "one of the arguments --size --scale is required"),
    (["in.png", "o.png", "--size", "4", "--scale", "2"], "not allowed with argument --size"),
    (["in.png", "o.png", "--scale", "1e4"],
     "--scale turns 40x30 into 400000x300000 = 120,000,000,000 pixels, over the limit of "
     "268,435,456"),
    (["in.png", "o.png", "--size", "20000x20000"], "over the limit of 268,435,456"),
    (["in.png", "o.png", "--scale", "0.01"], "--scale turns 40x30 into 0x0; every axis needs"),
    (["in.png", "o.png", "--size", "4", "--method", "lanczos4"],
     "unknown method 'lanczos4'; choose one of nearest, linear, cubic, lanczos2, lanczos3, box, "
     "hamming, gaussian, area"),
    (["in.png", "o.png", "--size", "4", "--method", "area", "--compat", "pil"],
     "unknown method 'area' with --compat pil; choose one of nearest, box, linear, hamming"),
    (["in.png", "o.png", "--size", "4", "--compat", "scipy"], "invalid choice: 'scipy'"),
    (["in.png", "o.gif", "--size", "4"], "o.gif: cannot write .gif; use one of .png, .jpg"),
    (["sample:logo", "o.jpg", "--size", "4"],
     "JPEG cannot hold a uint8 array of shape (500, 500, 4)"),
    (["in.png", "in.png", "--size", "4"], "refusing to overwrite the input in.png"),
    (["in.png", "sub/../in.png", "--size", "4"], "refusing to overwrite the input"),
    (["in.png", "nowhere/o.png", "--size", "4"], "the folder nowhere does not exist"),
    (["in.png", "sub", "--size", "4"], "cannot write files without an extension"),
    (["in.png", "dir.png", "--size", "4"], "dir.png: is a folder"),
    (["sample:nope", "o.png", "--size", "4"], "unknown sample image 'nope'; choose one of"),
    (["ints.tif", "o.tif", "--size", "4"], "cannot resize ints.tif: x: dtype torch.int32"),
    (["in.png", "o.png", "--size", "4", "--axes", "0,3"], "--axes: axis 3 is out of range"),
    (["in.png", "o.png", "--size", "4", "--axes", "a"], "expected comma-separated axis numbers"),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS)
def test_errors(capsys, rgb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "text.png").write_text("not an image")
    (tmp_path / "sub").mkdir()
    (tmp_path / "dir.png").mkdir()
    write_image(tmp_path / "ints.tif", np.zeros((6, 6), np.int32))
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    code, out, err = run(capsys, "resize", *argv)
    assert code == 2 and out == ""
    assert err.startswith("resamplers: error: ") and err.count("\n") == 1, err
    assert message in err
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before  # nothing written


def test_error_on_same_file_through_a_hard_link(capsys, rgb, tmp_path: Path):
    path, _ = rgb
    os.link(path, tmp_path / "link.png")
    code, _, err = run(capsys, "resize", path, tmp_path / "link.png", "--size", "4")
    assert code == 2 and "refusing to overwrite the input" in err


def test_16bit_colour_input_warns(capsys, tmp_path: Path):
    array = RNG.integers(0, 2**16, (4, 4, 3), dtype=np.uint16)
    tifffile = pytest.importorskip("tifffile")  # the simplest writer of 16-bit colour
    tifffile.imwrite(tmp_path / "in.tif", array, photometric="rgb")
    code, _, err = run(capsys, "resize", tmp_path / "in.tif", tmp_path / "o.png", "--size", "2")
    assert code == 0 and err.startswith("resamplers: warning: ") and "16-bit colour" in err


# --- the program -----------------------------------------------------------------------------


def test_no_arguments_prints_help(capsys):
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: resamplers") and "resize" in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith(f"resamplers {resamplers.__version__} (torch ")


def test_resize_help_mentions_premultiplied_alpha(capsys):
    code, out, _ = run(capsys, "resize", "--help")
    assert code == 0 and "premultiplied alpha" in out and "sample:astronaut" in out


def test_unknown_command(capsys):
    code, _, err = run(capsys, "shrink")
    assert code == 2 and err.startswith("resamplers: error: argument COMMAND: invalid choice")


def test_python_dash_m(capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "argv", ["python -m resamplers", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("resamplers", run_name="__main__")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("resamplers ")


def test_console_script(tmp_path: Path):
    script = shutil.which("resamplers", path=f"{Path(sys.executable).parent}{os.pathsep}"
                          f"{os.environ.get('PATH', '')}")
    assert script is not None, "the resamplers console script is not installed (pip install -e .)"
    done = subprocess.run(
        [script, "resize", "sample:camera", str(tmp_path / "small.png"), "--size", "128"],
        capture_output=True, text=True, timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("camera 512x512 L uint8 -> 128x128 cubic (antialias) in ")
    assert read_image(tmp_path / "small.png").shape == (128, 128)
