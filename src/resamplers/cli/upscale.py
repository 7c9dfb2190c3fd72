"""``resamplers upscale IN OUT --scale S [--model NAME] [--tile N]``: super-resolve an image
with a shipped network (:func:`resamplers.models.pretrained`), tile by tile."""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from resamplers import resize
from resamplers.cli import MAX_PIXELS, CommandError, check_output, load_input
from resamplers.data.color import rgb_to_ycbcr, ycbcr_to_rgb
from resamplers.data.io import ImageWriteError, check_writable, write_image
from resamplers.models.pretrained import list_pretrained, pretrained, pretrained_info
from resamplers.report.progress import Progress

DEFAULT_TILE = 256
_CHANNEL_NAMES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}

_DESCRIPTION = """\
Upscale an 8-bit image (PNG, JPEG, TIFF, ...) or a scikit-image sample 2, 3 or
4 times with a pretrained super-resolution network shipped in the package, and
write it as .png, .jpg, .tif or .npy. Prints one line: the sizes, the model and
the time it took.

As the networks were trained: RGB is converted to YCbCr (BT.601, as MATLAB's
rgb2ycbcr), the network upscales Y, and MATLAB's bicubic the colour (Cb, Cr);
gray images go through the network alone; alpha is upscaled with bicubic. The
network runs on tiles of --tile pixels that overlap by its receptive field, so
memory stays bounded and the result is the same as in one piece, without seams.
"""

_EPILOG = """\
examples:
  resamplers upscale sample:astronaut big.png --scale 2
  resamplers upscale photo.jpg photo_x3.png --scale 3 --model espcn-x3 --tile 128
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``upscale`` to the ``resamplers`` command line."""
    parser = subparsers.add_parser(
        "upscale",
        help="super-resolve an image with a pretrained network",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input", metavar="IN",
        help="an 8-bit image, or sample:NAME for a scikit-image sample (sample:astronaut)",
    )
    parser.add_argument(
        "output", metavar="OUT", help="the result: .png, .jpg, .tif or .npy (never IN itself)"
    )
    parser.add_argument(
        "--scale", type=int, required=True, metavar="S",
        help="the factor: " + ", ".join(str(s) for s in _scales()),
    )
    parser.add_argument(
        "--model", default="espcn", metavar="NAME",
        help="a family (espcn, the default: the one trained for --scale) or one of "
        + ", ".join(list_pretrained()),
    )
    parser.add_argument(
        "--tile", type=int, default=DEFAULT_TILE, metavar="N",
        help=f"LR tile side in pixels (default: {DEFAULT_TILE}); smaller uses less memory",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Upscale ``args.input`` into ``args.output`` and print one summary line."""
    name = _model_name(args.model, args.scale)
    if args.tile < 1:
        raise CommandError(f"--tile must be at least 1 pixel, got {args.tile}")
    out = Path(args.output)
    check_output(out, args.input)
    source = load_input(args.input)
    image = source.array
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or image.shape[2:] not in (
        (), (1,), (2,), (3,), (4,)
    ):
        raise CommandError(f"{source.name}: upscale takes 8-bit gray, RGB or RGBA images "
                           f"(H, W[, C]), got {image.dtype} {image.shape}")
    try:
        check_writable(out, image)  # the output has the input's channels
    except ImageWriteError as err:
        raise CommandError(str(err)) from None
    height, width = image.shape[:2]
    pixels = height * width * args.scale**2
    if pixels > MAX_PIXELS:
        raise CommandError(f"{width}x{height} x{args.scale} is {pixels:,} pixels, over the limit "
                           f"of {MAX_PIXELS:,} (2**28)")

    model = pretrained(name)
    progress = Progress(_tile_count(image.shape[:2], args.tile), stream=sys.stderr)
    start = time.perf_counter()
    try:
        result = upscale_image(model, image, args.scale, args.tile, progress=progress)
    finally:
        progress.close()
    elapsed_ms = (time.perf_counter() - start) * 1000.0

    try:
        write_image(out, result)
    except OSError as err:
        raise CommandError(f"cannot write {out}: {err.strerror or err}") from None
    channels = 1 if image.ndim == 2 else image.shape[2]
    print(f"{source.name} {width}x{height} {_CHANNEL_NAMES[channels]} -> "
          f"{result.shape[1]}x{result.shape[0]} {name} ({progress.done} tiles of {args.tile}) "
          f"in {elapsed_ms:.1f} ms -> {out}")
    return 0


def upscale_image(
    model: nn.Module,
    image: np.ndarray,
    scale: int,
    tile: int = DEFAULT_TILE,
    context: int | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """A uint8 image ``(H, W[, C])`` upscaled ``scale`` times: ``model`` on the luma (or gray),
    MATLAB bicubic on Cb, Cr and alpha; uint8 ``(scale H, scale W[, C])``. ``context``: the
    tiles' overlap, by default :func:`receptive_radius` of ``model``.

    >>> from resamplers.models.pretrained import pretrained
    >>> gray = np.full((5, 7), 100, np.uint8)
    >>> upscale_image(pretrained("espcn-x2"), gray, 2).shape
    (10, 14)
    """
    planes = image.reshape((*image.shape[:2], -1)).astype(np.float64) / 255
    colours = 3 if planes.shape[2] >= 3 else 1  # the last channel of LA and RGBA is alpha
    ycbcr = rgb_to_ycbcr(planes[..., :3]) if colours == 3 else planes[..., :1]
    y = torch.from_numpy(ycbcr[..., 0]).float()[None, None]
    planes_up = [tiled(model, y, scale, tile, context, progress)[0, 0, ..., None].double().numpy()]
    rest = np.concatenate([ycbcr[..., 1:], planes[..., colours:]], axis=-1)  # Cb, Cr, alpha
    if rest.shape[2]:  # MATLAB's bicubic, as the networks' training LR was made
        planes_up.append(resize(rest, scale=scale, compat="matlab"))
    out = np.concatenate(planes_up, axis=-1)
    if colours == 3:
        out[..., :3] = ycbcr_to_rgb(out[..., :3])
    result = np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)
    return result.reshape(result.shape[:2] + image.shape[2:])


@torch.inference_mode()
def tiled(
    model: nn.Module,
    x: torch.Tensor,
    scale: int,
    tile: int = DEFAULT_TILE,
    context: int | None = None,
    progress: Progress | None = None,
) -> torch.Tensor:
    """``model(x)`` for ``x`` ``(N, C, H, W)``, computed on ``tile``-square pieces of ``x``.

    Each piece is run with ``context`` extra pixels each side (by default
    :func:`receptive_radius` of ``model``; clipped at the image border,
    where the network pads as it would for the whole image) and only its centre is kept, so
    the result is ``model(x)`` when ``context`` covers the network's receptive field, up to
    float rounding: for the shipped ESPCNs it is bit for bit the one-piece result (``tile >=
    max(H, W)``), which the tests check; the last bits of other networks' sums may depend on
    the piece's size.

    >>> net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.PixelShuffle(2))
    >>> x = torch.rand(1, 1, 9, 7)
    >>> torch.allclose(tiled(net, x, 2, tile=4, context=1), net(x), rtol=0, atol=1e-6)
    True
    """
    height, width = x.shape[-2:]
    context = receptive_radius(model) if context is None else context
    out = x.new_empty((*x.shape[:-2], height * scale, width * scale))
    # oneDNN picks its convolution algorithm by input size, which changes float32 sums in the
    # last bits between a tile and the whole image; the native convolution sums alike. Setting
    # the flags warns about TF32 on Intel GPUs, which is no concern here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "TF32 acceleration on top of oneDNN")
        with torch.backends.mkldnn.flags(enabled=False):
            corners = itertools.product(range(0, height, tile), range(0, width, tile))
            for top, left in corners:
                bottom, right = min(top + tile, height), min(left + tile, width)
                t0, l0 = max(top - context, 0), max(left - context, 0)
                b0, r0 = min(bottom + context, height), min(right + context, width)
                piece = model(x[..., t0:b0, l0:r0])
                out[..., top * scale: bottom * scale, left * scale: right * scale] = piece[
                    ..., (top - t0) * scale: (bottom - t0) * scale,
                    (left - l0) * scale: (right - l0) * scale,
                ]
                if progress is not None:
                    progress.step(f"tile {progress.done + 1}")
    return out


def _tile_count(shape: tuple[int, ...], tile: int) -> int:
    return math.ceil(shape[0] / tile) * math.ceil(shape[1] / tile)


def _scales() -> list[int]:
    return sorted({pretrained_info(n)["scale"] for n in list_pretrained()})


def receptive_radius(model: nn.Module) -> int:
    """LR pixels each side that one output pixel of ``model`` depends on, for a chain of
    stride-1 convolutions padded to keep their size (pixel shuffle only rearranges channels):
    the sum of their half-widths (ESPCN's 5x5, 3x3, 3x3: 2 + 1 + 1 = 4).

    >>> convs = [nn.Conv2d(1, 8, 5, padding=2), nn.Conv2d(8, 4, 3, padding=1)]
    >>> receptive_radius(nn.Sequential(*convs, nn.PixelShuffle(2)))
    3

    Raises:
        ValueError: a transposed or strided convolution (the rule does not apply).
    """
    radius = 0
    for layer in model.modules():
        if isinstance(layer, nn.modules.conv._ConvNd):
            if layer.transposed or any(step != 1 for step in layer.stride):
                raise ValueError(f"receptive_radius: {layer} is not a stride-1 convolution")
            radius += max((k - 1) // 2 * d for k, d in zip(layer.kernel_size, layer.dilation,
                                                           strict=True))
    return radius


def _model_name(model: str, scale: int) -> str:
    """The pretrained name for ``--model`` and ``--scale``, or a :class:`CommandError`."""
    names = list_pretrained()
    name = model if model in names else f"{model}-x{scale}"
    if name not in names:
        families = sorted({n.rsplit("-x", 1)[0] for n in names})
        raise CommandError(
            f"no pretrained model for --model {model} --scale {scale}; --model is one of "
            f"{', '.join(families)} (with --scale {', '.join(map(str, _scales()))}) or one of "
            f"{', '.join(names)}"
        )
    trained = pretrained_info(name)["scale"]
    if trained != scale:
        raise CommandError(f"{name} upscales x{trained}, not x{scale}; drop --model or use "
                           f"--scale {trained}")
    return name
