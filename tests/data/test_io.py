"""Image and array files: round trips, mode conversions, atomic writes and clear errors."""

from __future__ import annotations

import io
import os
import stat
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from resamplers.data.io import (
    SAMPLES,
    ImageReadError,
    ImageWriteError,
    check_writable,
    read_image,
    sample_image,
    write_image,
)

RNG = np.random.default_rng(0)


def _random(shape: tuple[int, ...], dtype: str) -> np.ndarray:
    if np.dtype(dtype).kind == "f":
        return RNG.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return RNG.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def _png16(array: np.ndarray) -> bytes:
    """A 16-bit PNG (gray, gray+alpha, RGB or RGBA), which Pillow cannot write itself."""
    height, width, channels = array.shape
    colour_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in array)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


# (extension, dtype, shape, Pillow mode on disk); None: a .npy file.
LOSSLESS = [
    *[(".png", "uint8", shape, mode) for shape, mode in
      [((5, 7), "L"), ((5, 7, 2), "LA"), ((5, 7, 3), "RGB"), ((5, 7, 4), "RGBA")]],
    (".png", "uint16", (5, 7), "I;16"),
    *[(".tif", "uint8", shape, mode) for shape, mode in
      [((5, 7), "L"), ((5, 7, 2), "LA"), ((5, 7, 3), "RGB"), ((5, 7, 4), "RGBA")]],
    (".tiff", "uint16", (5, 7), "I;16"),
    (".tif", "int32", (5, 7), "I"),
    (".tif", "float32", (5, 7), "F"),
    (".npy", "float64", (2, 3, 4, 5), None),
    (".npy", "uint16", (5, 7, 3), None),
    (".npy", "int8", (6,), None),
]


@pytest.mark.parametrize(("ext", "dtype", "shape", "mode"), LOSSLESS)
def test_lossless_round_trip(tmp_path: Path, ext: str, dtype: str, shape: tuple, mode: str | None):
    array = _random(shape, dtype)
    path = tmp_path / f"x{ext}"
    write_image(path, array)
    back = read_image(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    if mode is not None:  # stored at full depth, not converted on the way
        with Image.open(path) as image:
            assert image.mode == mode


@pytest.mark.parametrize("shape", [(16, 24), (16, 24, 3)])
def test_jpeg_round_trip_is_close(tmp_path: Path, shape: tuple):
    smooth = np.linspace(0, 255, 16 * 24).reshape(16, 24)
    array = np.broadcast_to(smooth[..., None] if len(shape) == 3 else smooth, shape)
    array = np.round(array).astype(np.uint8)
    write_image(tmp_path / "x.jpg", array)
    back = read_image(tmp_path / "x.jpg")
    assert back.shape == shape and back.dtype == np.uint8
    assert np.abs(back.astype(int) - array).mean() < 2


def test_single_channel_is_written_as_gray(tmp_path: Path):
    array = _random((4, 6, 1), "uint8")
    write_image(tmp_path / "g.png", array)
    np.testing.assert_array_equal(read_image(tmp_path / "g.png"), array[..., 0])


def test_palette_becomes_rgb_or_rgba(tmp_path: Path):
    rgb = _random((8, 8, 3), "uint8")
    palette = Image.fromarray(rgb).quantize(16)
    palette.save(tmp_path / "p.png")
    expected = np.asarray(palette.convert("RGB"))
    np.testing.assert_array_equal(read_image(tmp_path / "p.png"), expected)
    palette.save(tmp_path / "t.png", transparency=0)
    back = read_image(tmp_path / "t.png")
    assert back.shape == (8, 8, 4)
    np.testing.assert_array_equal(back[..., 3] == 0, np.asarray(palette) == 0)


@pytest.mark.parametrize(("mode", "colour", "ext", "expected"), [
    ("CMYK", (255, 0, 0, 0), ".jpg", (0, 255, 255)),  # cyan
    ("CMYK", (0, 0, 255, 0), ".tif", (255, 255, 0)),  # yellow
    ("YCbCr", (255, 128, 128), ".jpg", (255, 255, 255)),
    ("1", 1, ".png", 255),
])
def test_other_modes_are_converted(
    tmp_path: Path, mode: str, colour: object, ext: str, expected: object
):
    Image.new(mode, (5, 6), colour).save(tmp_path / f"x{ext}")
    back = read_image(tmp_path / f"x{ext}")
    assert back.dtype == np.uint8 and back.shape == (6, 5, 3)[: 2 + (mode != "1")]
    np.testing.assert_allclose(back, np.broadcast_to(expected, back.shape), atol=3)


def test_exif_orientation_is_applied(tmp_path: Path):
    image = Image.new("RGB", (8, 4))  # 8 wide, 4 high, shown rotated by 90 degrees
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(tmp_path / "r.jpg", exif=exif)
    assert read_image(tmp_path / "r.jpg").shape == (8, 4, 3)


@pytest.mark.parametrize("channels", [2, 3, 4])
def test_16bit_colour_warns_it_is_read_as_8bit(tmp_path: Path, channels: int):
    (tmp_path / "c.png").write_bytes(_png16(_random((3, 4, channels), "uint16")))
    with pytest.warns(UserWarning, match=r"c\.png: Pillow reads 16-bit colour images as 8-bit"):
        assert read_image(tmp_path / "c.png").dtype == np.uint8


def test_16bit_gray_from_another_writer_reads_as_uint16(tmp_path: Path):
    array = _random((3, 4, 1), "uint16")
    (tmp_path / "g.png").write_bytes(_png16(array))  # big-endian on disk
    np.testing.assert_array_equal(read_image(tmp_path / "g.png"), array[..., 0])


# --- read errors -----------------------------------------------------------------------------


def _truncated_png(path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(_random((64, 64, 3), "uint8")).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue()[:200])


@pytest.mark.parametrize(("name", "make", "message"), [
    ("missing.png", None, "no such file"),
    ("folder.png", lambda p: p.mkdir(), "is a folder"),
    ("text.png", lambda p: p.write_text("not an image"), "not an image Pillow can read"),
    ("cut.png", _truncated_png, "damaged image"),
    ("text.npy", lambda p: p.write_text("hello"), "not a .npy file"),
    ("objects.npy", lambda p: np.save(p, np.array([{}, 1], dtype=object)),
     "damaged or unsupported"),
])
def test_read_errors_name_the_path(tmp_path: Path, name: str, make, message: str):
    path = tmp_path / name
    if make is not None:
        make(path)
    with pytest.raises(ImageReadError, match=message) as info:
        read_image(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "array", "message"), [
    ("x.gif", np.zeros((2, 2), np.uint8), "cannot write .gif; use one of .png"),
    ("x", np.zeros((2, 2), np.uint8), "without an extension"),
    ("x.jpg", np.zeros((2, 2, 4), np.uint8), "JPEG cannot hold a uint8 array of shape"),
    ("x.jpg", np.zeros((2, 2), np.uint16), "JPEG cannot hold a uint16"),
    ("x.png", np.zeros((2, 2, 3), np.uint16), "PNG cannot hold a uint16 array"),
    ("x.png", np.zeros((2, 2), np.float64), "PNG cannot hold a float64"),
    ("x.tif", np.zeros((2, 2), np.float64), "TIFF cannot hold a float64"),
    ("x.png", np.zeros((2, 2, 3, 1), np.uint8), r"shape \(2, 2, 3, 1\)"),
    ("x.png", np.zeros((2, 2, 5), np.uint8), r"shape \(2, 2, 5\)"),
    ("x.png", np.zeros((0, 2), np.uint8), r"shape \(0, 2\)"),
])
def test_write_errors_create_nothing(tmp_path: Path, name: str, array: np.ndarray, message: str):
    with pytest.raises(ImageWriteError, match=message):
        check_writable(tmp_path / name, array)
    with pytest.raises(ImageWriteError, match=message):
        write_image(tmp_path / name, array)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_target_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "x.png"
    target.write_bytes(b"old")

    def broken_save(self: Image.Image, *args: object, **kwargs: object) -> None:
        args[0].write(b"partial")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_image(target, np.zeros((2, 2), np.uint8))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.png"]


def test_write_replaces_and_leaves_no_temp_file(tmp_path: Path):
    target = tmp_path / "x.npy"
    target.write_bytes(b"old")
    write_image(target, np.arange(3.0))
    np.testing.assert_array_equal(read_image(target), np.arange(3.0))
    assert [p.name for p in tmp_path.iterdir()] == ["x.npy"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_written_file_gets_the_usual_permissions(tmp_path: Path):
    umask = os.umask(0o022)
    try:
        write_image(tmp_path / "x.png", np.zeros((2, 2), np.uint8))
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "x.png").stat().st_mode) == 0o644  # not mkstemp's 0o600


def test_write_into_missing_folder_raises_oserror(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        write_image(tmp_path / "nope" / "x.png", np.zeros((2, 2), np.uint8))
    assert list(tmp_path.iterdir()) == []


# --- samples ---------------------------------------------------------------------------------


def test_sample_images():
    astronaut = sample_image("astronaut")
    assert astronaut.shape == (512, 512, 3) and astronaut.dtype == np.uint8
    assert sample_image("camera").shape == (512, 512)
    assert "logo" in SAMPLES and sample_image("logo").shape[2] == 4


def test_unknown_sample_lists_the_names():
    with pytest.raises(ValueError, match="unknown sample image 'nope'; choose one of astronaut"):
        sample_image("nope")


def test_sample_without_scikit_image(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "skimage", None)  # makes the import fail
    with pytest.raises(ImportError, match="pip install scikit-image"):
        sample_image("astronaut")
