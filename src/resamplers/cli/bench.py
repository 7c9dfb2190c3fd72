"""``resamplers bench``: time ``resize`` against the peers installed on this machine."""

from __future__ import annotations

import argparse
from pathlib import Path

from resamplers.bench import resize as suite

DEFAULT_OUT = Path("resamplers-bench")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``bench`` to the ``resamplers`` command line."""
    parser = subparsers.add_parser(
        "bench",
        help="time resize against PyTorch, Pillow, OpenCV, scikit-image, SciPy",
        description=suite.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    suite.add_arguments(parser, DEFAULT_OUT)
    parser.set_defaults(run=suite.run)
