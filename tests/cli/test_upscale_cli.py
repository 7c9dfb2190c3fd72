"""``resamplers upscale``: network on Y, bicubic on colour and alpha, tiles without seams."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import resamplers
from resamplers.cli import CommandError, upscale
from resamplers.data.color import rgb_to_ycbcr
from resamplers.data.io import read_image, write_image
from resamplers.models.pretrained import list_pretrained, pretrained, pretrained_info

RNG = np.random.default_rng(0)


def run(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="resamplers")
    upscale.register(parser.add_subparsers())
    args = parser.parse_args(["upscale", *map(str, argv)])
    return args.run(args)


def smooth_image(channels: int) -> np.ndarray:
    """A 23 high, 30 wide uint8 image: smooth ramps plus noise, odd sizes, ``channels`` deep."""
    yy, xx = np.mgrid[:23, :30]
    # Mid-range values: RGB clipping of out-of-gamut YCbCr would hide what the tests check.
    base = 40 + 2 * xx[..., None] + 2 * yy[..., None] + 15 * np.arange(channels)
    noisy = base + RNG.normal(0, 12, (23, 30, channels))
    return np.clip(noisy, 0, 255).astype(np.uint8).squeeze(-1 if channels == 1 else ())


@pytest.fixture
def written(tmp_path: Path):
    def write(image: np.ndarray) -> Path:
        path = tmp_path / "in.png"
        write_image(path, image)
        return path

    return write


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_tiled_equals_untiled(capsys, tmp_path: Path, written, scale: int):
    path = written(smooth_image(3))
    outputs = []
    for tile in (5, 8, 1000):  # 1000: one piece, the whole image
        out = tmp_path / f"out{tile}.png"
        assert run(path, out, "--scale", scale, "--tile", tile) == 0
        outputs.append(read_image(out))
    for result in outputs[:2]:
        np.testing.assert_array_equal(result, outputs[2])
    assert "tiles of 5" in capsys.readouterr().out


@pytest.mark.parametrize("name", list_pretrained())
def test_tiles_match_the_whole_network(name: str):
    """Every shipped network, tiled with the overlap its convolutions need
    (``receptive_radius``), gives its one-piece result (within float32 rounding of sums over
    other piece sizes; bit for bit for ESPCN)."""
    net, scale = pretrained(name), pretrained_info(name)["scale"]
    context = upscale.receptive_radius(net)
    assert context == {"espcn": 4, "fsrcnn": 9}[pretrained_info(name)["model"]]
    x = torch.rand(1, 1, 19, 26)
    one_piece = upscale.tiled(net, x, scale, tile=1000)
    for tile in (1, 6, 13):
        torch.testing.assert_close(upscale.tiled(net, x, scale, tile=tile), one_piece, rtol=0,
                                   atol=0 if name.startswith("espcn") else 1e-6)
    with torch.no_grad():
        torch.testing.assert_close(one_piece, net(x), rtol=0, atol=1e-5)
    # One pixel less context shows at the seams (by 2e-4 to 1e-2 here, far above the 1e-6 of
    # rounding): the overlap is what makes tiling exact.
    short = upscale.tiled(net, x, scale, tile=6, context=context - 1)
    assert (short - one_piece).abs().max() > 1e-4


def test_rgb_is_network_on_y_and_bicubic_on_colour(capsys, tmp_path: Path, written):
    image = smooth_image(3)
    assert run(written(image), tmp_path / "out.png", "--scale", 3) == 0
    result = read_image(tmp_path / "out.png")
    assert result.shape == (69, 90, 3)
    ycbcr_in = rgb_to_ycbcr(image.astype(np.float64) / 255)
    with torch.no_grad():
        y = pretrained("espcn-x3")(torch.from_numpy(ycbcr_in[None, None, ..., 0]).float())
    cbcr = resamplers.resize(ycbcr_in[..., 1:], scale=3, compat="matlab")
    ycbcr_out = rgb_to_ycbcr(result.astype(np.float64) / 255) * 255
    # uint8 RGB rounding moves Y, Cb, Cr by at most about one level.
    np.testing.assert_allclose(ycbcr_out[..., 0], y[0, 0].numpy() * 255, atol=1.5)
    np.testing.assert_allclose(ycbcr_out[..., 1:], cbcr * 255, atol=1.5)
    assert "in.png 30x23 RGB -> 90x69 espcn-x3 (1 tiles of 256)" in capsys.readouterr().out


def test_gray_is_the_network_alone(tmp_path: Path, written):
    image = smooth_image(1)
    assert run(written(image), tmp_path / "out.png", "--scale", 2) == 0
    result = read_image(tmp_path / "out.png")
    y = upscale.tiled(pretrained("espcn-x2"), torch.from_numpy(image[None, None] / 255).float(),
                      2, tile=1000)
    expected = np.clip(np.rint(y[0, 0].double().numpy() * 255), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("channels", [2, 4])
def test_alpha_is_bicubic(tmp_path: Path, written, channels: int):
    image = smooth_image(channels)
    assert run(written(image), tmp_path / "out.png", "--scale", 4) == 0
    result = read_image(tmp_path / "out.png")
    assert result.shape == (92, 120, channels)
    alpha = resamplers.resize(image[..., -1] / 255, scale=4, compat="matlab")
    np.testing.assert_array_equal(result[..., -1], np.clip(np.rint(alpha * 255), 0, 255))


def test_refuses_to_overwrite_the_input(written):
    path = written(smooth_image(3))
    before = path.read_bytes()
    with pytest.raises(CommandError, match="refusing to overwrite the input"):
        run(path, path.parent / "." / path.name, "--scale", 2)
    assert path.read_bytes() == before


def test_model_family_picks_its_network_for_the_scale(capsys, tmp_path: Path, written):
    image = smooth_image(3)
    assert run(written(image), tmp_path / "out.png", "--scale", 2, "--model", "fsrcnn-ps") == 0
    assert "-> 60x46 fsrcnn-ps-x2 (1 tiles of 256)" in capsys.readouterr().out
    assert read_image(tmp_path / "out.png").shape == (46, 60, 3)


@pytest.mark.parametrize(("options", "message"), [
    (["--scale", "5"], r"no pretrained model for --model espcn --scale 5; --model is one of "
                       r"espcn, fsrcnn-ps \(with --scale 2, 3, 4\) or one of espcn-x2, "
                       r"espcn-x3, espcn-x4, fsrcnn-ps-x2, fsrcnn-ps-x3, fsrcnn-ps-x4"),
    (["--scale", "2", "--model", "srcnn"], "no pretrained model for --model srcnn --scale 2"),
    (["--scale", "2", "--model", "espcn-x3"], "espcn-x3 upscales x3, not x2"),
    (["--scale", "2", "--tile", "0"], "--tile must be at least 1 pixel"),
])
def test_bad_options_are_one_clear_error(tmp_path: Path, written, options: list[str],
                                         message: str):
    with pytest.raises(CommandError, match=message):
        run(written(smooth_image(3)), tmp_path / "out.png", *options)
    assert not (tmp_path / "out.png").exists()


def test_refuses_non_8bit_images(tmp_path: Path):
    np.save(tmp_path / "in.npy", np.zeros((8, 8), np.float32))
    with pytest.raises(CommandError, match="upscale takes 8-bit gray, RGB or RGBA images"):
        run(tmp_path / "in.npy", tmp_path / "out.npy", "--scale", 2)


def test_progress_bar_over_tiles_on_a_terminal(monkeypatch, tmp_path: Path, written):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert run(written(smooth_image(3)), tmp_path / "out.png", "--scale", 2, "--tile", 8) == 0
    assert "  12/12 " in terminal.getvalue()  # 23x30 in 8-pixel tiles: 3 rows of 4
