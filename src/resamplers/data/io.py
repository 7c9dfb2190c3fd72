"""Read and write images (PNG, JPEG, TIFF through Pillow) and ``.npy`` arrays; sample images.

Images are NumPy arrays ``(H, W)`` or ``(H, W, C)``, the layout :func:`resamplers.resize` expects
for NumPy input.

>>> import os, tempfile
>>> import numpy as np
>>> img = np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000
>>> with tempfile.TemporaryDirectory() as folder:
...     write_image(os.path.join(folder, "depth.png"), img)
...     back = read_image(os.path.join(folder, "depth.png"))
>>> back.dtype, bool((back == img).all())
(dtype('uint16'), True)
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

PathLike = str | os.PathLike[str]

# Output extension -> format. Reading takes anything Pillow can decode, plus .npy.
SAVE_FORMATS = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".npy": "NPY",
}

# scikit-image samples that ship with the package (no download) and are 8-bit images.
SAMPLES = (
    "astronaut", "brick", "camera", "cat", "cell", "checkerboard", "chelsea", "clock", "coffee",
    "coins", "colorwheel", "grass", "gravel", "hubble_deep_field", "immunohistochemistry", "logo",
    "microaneurysms", "moon", "page", "retina", "rocket", "text",
)

_NPY_MAGIC = b"\x93NUMPY"
_JPEG_OPTIONS = {"quality": 95, "subsampling": 0}  # 4:4:4: resize results keep their chroma
# (dtype, channels) -> the Pillow mode that holds it losslessly.
_ARRAY_MODES = {
    ("uint8", 1): "L", ("uint8", 2): "LA", ("uint8", 3): "RGB", ("uint8", 4): "RGBA",
    ("uint16", 1): "I;16", ("int32", 1): "I", ("float32", 1): "F",
}
_MODE_NAMES = {
    "L": "uint8 gray", "LA": "uint8 gray+alpha", "RGB": "uint8 RGB", "RGBA": "uint8 RGBA",
    "I;16": "uint16 gray", "I": "int32 gray", "F": "float32 gray",
}
_FORMAT_MODES = {
    "PNG": ("L", "LA", "RGB", "RGBA", "I;16"),
    "JPEG": ("L", "RGB"),
    "TIFF": ("L", "LA", "RGB", "RGBA", "I;16", "I", "F"),
}


class ImageReadError(ValueError):
    """A file that cannot be read as an image or array; the message names the path."""


class ImageWriteError(ValueError):
    """An output path or array that cannot be saved; the message names the path."""


def read_image(path: PathLike) -> np.ndarray:
    """Read an image file as an ``(H, W)`` or ``(H, W, C)`` array, or a ``.npy`` file as saved.

    Images come back as uint8 gray, gray+alpha, RGB or RGBA, as uint16 for 16-bit gray, int32
    or float32 for 32-bit gray. Palette images become RGB (RGBA if they have transparency), CMYK
    and other colour spaces RGB, 1-bit images 0/255 gray; the EXIF orientation is applied and
    multi-frame files give their first frame. Pillow reads 16-bit colour as 8-bit: that warns.

    Args:
        path: any format Pillow decodes (PNG, JPEG, TIFF, BMP, ...) or a ``.npy`` file.

    Raises:
        ImageReadError: a missing file, not an image, or a damaged one.
    """
    path = Path(path)
    if path.is_dir():
        raise ImageReadError(f"{path}: is a folder, not a file")
    try:
        with open(path, "rb") as file:
            if path.suffix.lower() == ".npy":
                return _read_npy(file, path)
            return _read_pil(file, path)
    except FileNotFoundError:
        raise ImageReadError(f"{path}: no such file") from None
    except OSError as err:
        raise ImageReadError(f"{path}: cannot read ({err.strerror or err})") from None


def write_image(path: PathLike, array: np.ndarray) -> None:
    """Save ``array`` to ``path``, in the format its extension names, atomically.

    PNG takes uint8 gray, gray+alpha, RGB, RGBA and uint16 gray; TIFF also int32 and float32
    gray; JPEG (quality 95, no chroma subsampling) uint8 gray and RGB; ``.npy`` any array. Gray
    is ``(H, W)`` or ``(H, W, 1)``. The data goes to a temporary file next to ``path`` that then
    replaces it, so a failure leaves no partial file and an existing ``path`` untouched.

    Raises:
        ImageWriteError: an unknown extension, or an array the format cannot hold.
        OSError: the folder is missing or not writable.
    """
    path = Path(path)
    fmt = save_format(path)
    array = np.asarray(array)
    if fmt == "NPY":
        _atomic_write(path, lambda file: np.save(file, array, allow_pickle=False))
        return
    array = _squeeze_gray(array)
    _check_mode(array, fmt, path)
    image = Image.fromarray(array.astype(array.dtype.newbyteorder("="), copy=False))
    options = _JPEG_OPTIONS if fmt == "JPEG" else {}
    _atomic_write(path, lambda file: image.save(file, format=fmt, **options))


def save_format(path: PathLike) -> str:
    """The format :func:`write_image` uses for ``path``: ``"PNG"``, ``"JPEG"``, ``"TIFF"`` or
    ``"NPY"``.

    Raises:
        ImageWriteError: the extension is not one of :data:`SAVE_FORMATS`.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SAVE_FORMATS:
        raise ImageWriteError(
            f"{path}: cannot write {suffix or 'files without an extension'}; "
            f"use one of {', '.join(SAVE_FORMATS)}"
        )
    return SAVE_FORMATS[suffix]


def check_writable(path: PathLike, array: np.ndarray) -> None:
    """Raise :class:`ImageWriteError` if :func:`write_image` would refuse ``array`` at ``path``.

    Only the extension, dtype and channels matter, so an input can be checked before the work
    that produces an output of the same kind.
    """
    fmt = save_format(path)
    if fmt != "NPY":
        _check_mode(_squeeze_gray(np.asarray(array)), fmt, Path(path))


def sample_image(name: str) -> np.ndarray:
    """A sample image from scikit-image, e.g. ``"astronaut"`` (512x512 RGB) or ``"camera"``.

    Args:
        name: one of :data:`SAMPLES` (all uint8; ``logo`` is RGBA).

    Raises:
        ImportError: scikit-image is not installed.
        ValueError: an unknown name.
    """
    if name not in SAMPLES:
        raise ValueError(f"unknown sample image {name!r}; choose one of {', '.join(SAMPLES)}")
    try:
        from skimage import data  # an optional dependency: only samples need it
    except ImportError:
        raise ImportError(
            "sample images come from scikit-image, which is not installed: "
            "pip install scikit-image (or resamplers[samples])"
        ) from None
    return np.asarray(getattr(data, name)())


# --- reading ---------------------------------------------------------------------------------


def _read_npy(file: BinaryIO, path: Path) -> np.ndarray:
    if file.read(len(_NPY_MAGIC)) != _NPY_MAGIC:
        raise ImageReadError(f"{path}: not a .npy file (no NumPy header)")
    file.seek(0)
    try:
        return np.load(file, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise ImageReadError(f"{path}: damaged or unsupported .npy file ({err})") from None


def _read_pil(file: BinaryIO, path: Path) -> np.ndarray:
    try:
        with Image.open(file) as opened:
            _warn_if_16bit_colour(opened, path)
            opened.load()
            image = _normalize_mode(ImageOps.exif_transpose(opened))
            # Older Pillow opens 16-bit gray PNG as 32-bit "I"; PNG holds at most 16 bits.
            uint16 = image.mode.startswith("I;16") or (image.mode, opened.format) == ("I", "PNG")
    except UnidentifiedImageError:
        raise ImageReadError(f"{path}: not an image Pillow can read") from None
    except Image.DecompressionBombError as err:
        raise ImageReadError(f"{path}: {err}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        # Pillow reports truncated or corrupt data with any of these.
        raise ImageReadError(f"{path}: damaged image ({err})") from None
    if uint16:
        return np.array(image).astype(np.uint16)  # also I;16B: native byte order
    return np.array(image)


def _warn_if_16bit_colour(image: Image.Image, path: Path) -> None:
    # Only the raw mode of the undecoded tiles still says the file had 16 bits per channel;
    # gray ("I;16", or "I" in older Pillow) keeps them.
    if not image.mode.startswith("I") and any(";16" in str(tile.args) for tile in image.tile):
        warnings.warn(
            f"{path}: Pillow reads 16-bit colour images as 8-bit; the low bits are lost",
            stacklevel=4,
        )


def _normalize_mode(image: Image.Image) -> Image.Image:
    """Bring any Pillow mode to L, LA, RGB, RGBA, or keep a 16/32-bit gray one."""
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        return image
    alpha = image.has_transparency_data  # RGBA, LA, palettes and tRNS chunks
    if image.mode in ("1", "L", "LA", "La"):
        target = "LA" if alpha else "L"
    else:
        target = "RGBA" if alpha else "RGB"
    return image if image.mode == target else image.convert(target)


# --- writing ---------------------------------------------------------------------------------


def _squeeze_gray(array: np.ndarray) -> np.ndarray:
    return array[..., 0] if array.ndim == 3 and array.shape[2] == 1 else array


def _check_mode(array: np.ndarray, fmt: str, path: Path) -> None:
    channels = 1 if array.ndim == 2 else array.shape[2] if array.ndim == 3 else 0
    mode = _ARRAY_MODES.get((array.dtype.name, channels)) if array.size else None
    if mode not in _FORMAT_MODES[fmt]:
        takes = ", ".join(_MODE_NAMES[m] for m in _FORMAT_MODES[fmt])
        raise ImageWriteError(
            f"{path}: {fmt} cannot hold a {array.dtype} array of shape {array.shape}; it takes "
            f"{takes} images (H, W[, C]); save as .npy to keep any array"
        )


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file in the same folder, then move it over ``path``."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open rather than tempfile: mkstemp's 0o600 would stick to the final file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
