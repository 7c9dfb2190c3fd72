"""``resamplers compare [IMAGE ...]``: a visual report of what each down- and upsampling method
does, with its numbers."""

from __future__ import annotations

import argparse
import time
import webbrowser
from pathlib import Path

from resamplers.cli import SAMPLE_PREFIX, CommandError, load_input, warn
from resamplers.report import compare, methods
from resamplers.report.inputs import DEFAULT_SAMPLES, ZONE_PLATE, Image, prepare, zone_plate
from resamplers.report.progress import Progress
from resamplers.report.table import text_table

_DESCRIPTION = """\
Shrink every image with every downsampling method (resize's kernels with and
without antialiasing, max/avg/blur/APS pooling, pixel unshuffle, the Pillow,
OpenCV, PyTorch and MATLAB presets), enlarge it back with every upsampling
method, and measure what each one does: round-trip PSNR and SSIM against the
original, aliasing on a zone plate, overshoot (ringing) and time.

Writes a report folder: index.html (tables, side-by-side crops, figures),
figures/*.png, images/ and results.json with every number; prints a ranked
table. Without IMAGE it uses the scikit-image samples astronaut and camera.
A synthetic zone plate (a radial chirp that makes aliasing visible) is always
added.
"""

_EPILOG = """\
downsampling methods:
  {downs}
upsampling methods:
  {ups}

examples:
  resamplers compare
  resamplers compare photo.jpg --scale 2 3 4 --out report --open
  resamplers compare sample:coffee --methods nearest cubic cubic-noaa area
""".format(downs="\n  ".join(methods.DOWNSAMPLERS), ups=", ".join(methods.UPSAMPLERS))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``compare`` to the ``resamplers`` command line."""
    parser = subparsers.add_parser(
        "compare",
        help="report what each down- and upsampling method does (HTML, figures, JSON)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "images", metavar="IMAGE", nargs="*",
        help="image files, or sample:NAME for scikit-image samples (default: "
        f"{' '.join(SAMPLE_PREFIX + n for n in DEFAULT_SAMPLES)})",
    )
    parser.add_argument(
        "--scale", type=int, choices=(2, 3, 4), nargs="+", default=[4], metavar="S",
        help="downsampling factors, any of 2 3 4 (default: 4)",
    )
    parser.add_argument(
        "--methods", nargs="+", metavar="M",
        help="only these methods (default: all; see the list below)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("resamplers-report"),
        help="the report folder (default: ./resamplers-report)",
    )
    parser.add_argument(
        "--repeats", type=int, default=5, metavar="N",
        help="timed runs per method; the median is reported (default: 5)",
    )
    parser.add_argument(
        "--open", action="store_true", help="open index.html in the web browser when done",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Measure, write the report and print the ranked table."""
    try:
        import matplotlib  # noqa: F401 (the figures need it: fail before any work)
    except ImportError:
        raise CommandError(
            "the report draws its figures with matplotlib, which is not installed: "
            "pip install 'resamplers[report]'"
        ) from None
    from resamplers.report import html

    if args.repeats < 1:
        raise CommandError(f"--repeats must be at least 1, got {args.repeats}")
    try:
        downs, ups = methods.select(args.methods)
    except ValueError as err:
        raise CommandError(str(err)) from None
    scales = sorted(set(args.scale))
    images = load_images(args.images or [SAMPLE_PREFIX + n for n in DEFAULT_SAMPLES])
    try:
        compare.check_sizes(images, scales)
    except ValueError as err:
        raise CommandError(str(err)) from None
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out}: exists and is not a folder")

    start = time.perf_counter()
    count = len(downs) + len(ups)
    bar = Progress(compare.work_units(images, scales, count) + html.write_units(len(scales)))
    try:
        results, visuals = compare.run(images, scales, downs, ups, args.repeats, bar.step)
        try:
            index = html.write_report(out, results, visuals, images, bar.step)
        except OSError as err:
            raise CommandError(f"cannot write the report to {out}: {err.strerror or err}") \
                from None
    finally:
        bar.close()
    print(text_table(results["scales"], methods.REFERENCE_DOWN, methods.REFERENCE_UP))
    print(f"\n{len(downs)} downsamplers and {len(ups)} upsamplers on {len(images)} images in "
          f"{time.perf_counter() - start:.1f} s -> {index}")
    if args.open:
        webbrowser.open(index.resolve().as_uri())
    return 0


def load_images(specs: list[str]) -> list[Image]:
    """The photos (names made unique), then the zone plate."""
    images: list[Image] = []
    taken = {ZONE_PLATE}
    for spec in specs:
        source = load_input(spec)
        name = Path(source.name).stem
        if source.array.ndim == 3 and source.array.shape[2] in (2, 4):
            warn(f"{spec}: alpha channel ignored")
        try:
            image = prepare(_unique(name, taken), source.array)
        except ValueError as err:
            raise CommandError(str(err)) from None
        taken.add(image.name)
        images.append(image)
    images.append(Image(ZONE_PLATE, zone_plate(), synthetic=True))
    return images


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    return candidate
