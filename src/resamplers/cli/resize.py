"""``resamplers resize IN OUT (--size WxH | --scale S)``: resize one image or array file."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from resamplers import resize
from resamplers.cli import MAX_PIXELS, CommandError, check_output, load_input, warn
from resamplers.data.io import ImageWriteError, check_writable, write_image
from resamplers.functional._interop import normalize_axes
from resamplers.functional.compat import COMPATS, METHODS, output_size

_POINT_METHODS = ("nearest", "nearest-exact")  # pick pixels, never mix them
_CHANNEL_NAMES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}

_DESCRIPTION = """\
Resize an image (PNG, JPEG, TIFF, ...), a .npy array or a scikit-image sample
with resamplers.resize, and write it as .png, .jpg, .tif or .npy. Prints one
line: the sizes, the method and the time the resize took.

Images are resized along their height and width. Images with alpha (RGBA,
gray+alpha) are resized with premultiplied alpha, as Pillow does, so that fully
transparent pixels lend no colour to their neighbours. Arrays are resized along
their first two axes, or the ones --axes names; other axes (channels, frames)
are left as they are.
"""

_EPILOG = """\
methods for each --compat:
{methods}

examples:
  resamplers resize sample:astronaut small.png --scale 0.5
  resamplers resize photo.jpg thumb.jpg --size 320x240 --method lanczos3
  resamplers resize frame.png frame_pil.png --scale 0.25 --compat pil
  resamplers resize volume.npy half.npy --axes 0,1,2 --scale 0.5
""".format(
    methods="\n".join(f"  {c or '(none)':8}{', '.join(m)}" for c, m in METHODS.items())
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``resize`` to the ``resamplers`` command line."""
    parser = subparsers.add_parser(
        "resize",
        help="resize an image or array file",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input", metavar="IN",
        help="an image, a .npy file, or sample:NAME for a scikit-image sample (sample:astronaut)",
    )
    parser.add_argument(
        "output", metavar="OUT", help="the result: .png, .jpg, .tif or .npy (never IN itself)"
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--size", type=_parse_sizes, metavar="WxH",
        help="output size, width x height (640x480), or one number for every axis; with "
        "--axes, one number per axis, the last axis first (WxHxD)",
    )
    target.add_argument(
        "--scale", type=_parse_scales, metavar="S",
        help="output/input ratio: one number (0.5), or one per axis in the order of --size "
        "(0.5x0.25 halves the width and quarters the height)",
    )
    parser.add_argument(
        "--method", default="cubic", metavar="M",
        help="the kernel (default: cubic); see the list below",
    )
    parser.add_argument(
        "--compat", choices=[c for c in COMPATS if c is not None],
        help="reproduce a reference exactly: Pillow, OpenCV, PyTorch or MATLAB",
    )
    parser.add_argument(
        "--no-antialias", dest="antialias", action="store_false",
        help="do not low-pass when shrinking (faster, but aliases); pil always antialiases "
        "and opencv never does",
    )
    parser.add_argument(
        "--axes", type=_parse_axes, metavar="A,B",
        help="the axes to resize (default: 0,1, the height and width of an image)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Resize ``args.input`` into ``args.output`` and print one summary line."""
    method, compat = args.method, args.compat
    _check_method(method, compat)
    out = Path(args.output)
    check_output(out, args.input)
    source = load_input(args.input)
    array = source.array
    axes = _spatial_axes(array, args.axes, source.name)
    try:
        check_writable(out, array)  # the output has the input's dtype and channels
    except ImageWriteError as err:
        raise CommandError(str(err)) from None
    in_sizes = tuple(array.shape[a] for a in axes)
    flag, values = ("--size", args.size) if args.size is not None else ("--scale", args.scale)
    size, scale, out_sizes = _target(flag, values, in_sizes, compat)
    _warn_nonfinite(array, source.name)

    alpha = (
        source.is_image and axes == (0, 1) and array.ndim == 3 and array.shape[2] in (2, 4)
        and method not in _POINT_METHODS
    )
    resizer = _resize_premultiplied if alpha else resize
    start = time.perf_counter()
    try:
        result = resizer(
            array, size, scale, method=method, antialias=args.antialias, axes=axes, compat=compat
        )
    except (ValueError, TypeError) as err:  # e.g. a dtype resize does not take
        raise CommandError(f"cannot resize {source.name}: {err}") from None
    elapsed_ms = (time.perf_counter() - start) * 1000.0

    try:
        write_image(out, result)
    except OSError as err:
        raise CommandError(f"cannot write {out}: {err.strerror or err}") from None

    notes = [
        name for name, used in (
            ("antialias", _antialiased(method, compat, args.antialias, in_sizes, out_sizes)),
            ("premultiplied alpha", alpha),
        ) if used
    ]
    how = method + (f" compat={compat}" if compat else "")
    how += f" ({', '.join(notes)})" if notes else ""
    print(
        f"{source.name} {_describe(array, axes, source.is_image)} -> "
        f"{_dims([result.shape[a] for a in axes])} {how} "
        f"in {elapsed_ms:.1f} ms -> {out}"
    )
    return 0


# --- argument parsing ------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return text.lower().split("x")


def _parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in _split(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WxH in whole pixels (640x480) or one number, got {text!r}"
        ) from None
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"every size must be at least 1 pixel, got {text!r}")
    return sizes


def _parse_scales(text: str) -> tuple[float, ...]:
    try:
        scales = tuple(float(part) for part in _split(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number (0.5) or one per axis (0.5x0.25), got {text!r}"
        ) from None
    if not all(math.isfinite(s) and s > 0 for s in scales):
        raise argparse.ArgumentTypeError(f"every scale must be a finite number > 0, got {text!r}")
    return scales


def _parse_axes(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated axis numbers (0,1,2), got {text!r}"
        ) from None


# --- checks ----------------------------------------------------------------------------------


def _check_method(method: str, compat: str | None) -> None:
    known = METHODS[compat]
    if method not in known:
        where = "" if compat is None else f" with --compat {compat}"
        raise CommandError(f"unknown method {method!r}{where}; choose one of {', '.join(known)}")


def _spatial_axes(array: np.ndarray, axes: tuple[int, ...] | None, name: str) -> tuple[int, ...]:
    if array.ndim == 0:
        raise CommandError(f"{name}: a 0-d array has no axis to resize")
    if axes is not None:
        try:
            return normalize_axes(axes, array.ndim, "--axes")
        except ValueError as err:
            raise CommandError(str(err)) from None
    if array.ndim > 3:
        print(
            f"resamplers: note: {name} has shape {array.shape}; resizing axes 0 and 1 as height "
            "and width (choose others with --axes)",
            file=sys.stderr,
        )
    return (0,) if array.ndim == 1 else (0, 1)


def _target(
    flag: str,
    values: tuple[int, ...] | tuple[float, ...],
    in_sizes: tuple[int, ...],
    compat: str | None,
) -> tuple[tuple[int, ...] | None, tuple[float, ...] | None, tuple[int, ...]]:
    """``size=`` and ``scale=`` for :func:`resize` in axis order, and the output sizes."""
    count = len(in_sizes)
    if len(values) not in (1, count):
        raise CommandError(
            f"{flag} gives {len(values)} values for {count} axes; give 1 or {count}"
        )
    # Written width first (WxH): the last axis first.
    per_axis = values * count if len(values) == 1 else values[::-1]
    if flag == "--size":
        size, scale, out_sizes = per_axis, None, per_axis
    else:
        pairs = zip(in_sizes, per_axis, strict=True)
        out_sizes = tuple(output_size(compat, n, s) for n, s in pairs)
        size, scale = None, per_axis
    if min(out_sizes) < 1:
        raise CommandError(
            f"{flag} turns {_dims(in_sizes)} into {_dims(out_sizes)}; every axis needs at least "
            "1 pixel"
        )
    pixels = math.prod(out_sizes)
    if pixels > MAX_PIXELS:
        raise CommandError(
            f"{flag} turns {_dims(in_sizes)} into {_dims(out_sizes)} = {pixels:,} pixels, over "
            f"the limit of {MAX_PIXELS:,} (2**28)"
        )
    return size, scale, out_sizes


def _warn_nonfinite(array: np.ndarray, name: str) -> None:
    if array.dtype.kind != "f":
        return
    nan, inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
    if nan or inf:
        warn(f"{name} holds {nan} NaN and {inf} infinite values; they carry over into the "
             "output")


# --- resizing and reporting ------------------------------------------------------------------


def _resize_premultiplied(
    array: np.ndarray,
    size: Sequence[int] | None,
    scale: Sequence[float] | None,
    **options: object,
) -> np.ndarray:
    """Resize a uint8 image whose last channel is alpha exactly as Pillow does: colour times
    alpha (rounded as Pillow's ``RGBa``), resized, then divided by the new alpha."""
    colour = array[..., :-1].astype(np.uint32)
    alpha = array[..., -1:].astype(np.uint32)
    product = colour * alpha + 128
    premultiplied = ((product >> 8) + product) >> 8  # Pillow's MULDIV255: round(c * a / 255)
    out = resize(np.concatenate([premultiplied, alpha], axis=-1).astype(np.uint8), size, scale,
                 **options)
    colour, alpha = out[..., :-1].astype(np.uint32), out[..., -1:].astype(np.uint32)
    unpremultiplied = np.minimum(255 * colour // np.maximum(alpha, 1), 255)
    # As Pillow: opaque and fully transparent pixels keep their value.
    colour = np.where((alpha == 0) | (alpha == 255), colour, unpremultiplied)
    return np.concatenate([colour, alpha], axis=-1).astype(np.uint8)


def _antialiased(
    method: str,
    compat: str | None,
    antialias: bool,
    in_sizes: tuple[int, ...],
    out_sizes: tuple[int, ...],
) -> bool:
    """Whether the resize really low-passed, for the summary line."""
    shrinks = any(m < n for n, m in zip(in_sizes, out_sizes, strict=True))
    if not shrinks or method in (*_POINT_METHODS, "area") or compat == "opencv":
        return False
    return antialias or compat == "pil"


def _dims(sizes: Sequence[int]) -> str:
    return "x".join(str(s) for s in reversed(sizes))  # width first, as image tools write it


def _describe(array: np.ndarray, axes: tuple[int, ...], is_image: bool) -> str:
    dims = _dims([array.shape[a] for a in axes])
    if is_image:
        channels = 1 if array.ndim == 2 else array.shape[2]
        return f"{dims} {_CHANNEL_NAMES[channels]} {array.dtype}"
    return f"{dims} {array.shape} {array.dtype}"
