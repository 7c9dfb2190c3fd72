"""The ``resamplers`` command line, and what its sub-commands share.

A sub-command is a module with ``register(subparsers)``, which adds its parser and sets
``run=`` to a function ``run(args) -> int``; :data:`resamplers.cli.main.COMMANDS` lists them.
User errors are raised as :class:`CommandError`; ``main`` prints them as one line,
``resamplers: error: ...``, and exits with status 2.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from resamplers.data.io import (
    ImageReadError,
    ImageWriteError,
    read_image,
    sample_image,
    save_format,
)

SAMPLE_PREFIX = "sample:"


MAX_PIXELS = 2**28  # a larger output is most likely a typo in --scale, and needs gigabytes


class CommandError(Exception):
    """A user error (bad argument, unreadable input, ...): one line, no traceback, exit 2."""


@dataclass(frozen=True)
class Input:
    """A loaded input: how to name it, its data, and whether it came from an image file."""

    name: str
    array: np.ndarray
    is_image: bool  # decoded from an image: (H, W[, C]) with C gray/alpha/RGB/RGBA channels


def warn(message: str) -> None:
    """Print a ``resamplers: warning:`` line on stderr."""
    print(f"resamplers: warning: {message}", file=sys.stderr)


def load_input(spec: str) -> Input:
    """Load ``spec``: an image or ``.npy`` path, or ``sample:NAME`` for a scikit-image sample.

    Warnings raised while reading (e.g. a 16-bit colour PNG read as 8-bit) are printed with
    :func:`warn`.

    Raises:
        CommandError: a missing or unreadable file, an unknown sample, no scikit-image.
    """
    if spec.startswith(SAMPLE_PREFIX):
        name = spec[len(SAMPLE_PREFIX) :]
        try:
            return Input(name, sample_image(name), is_image=True)
        except (ImportError, ValueError) as err:
            raise CommandError(str(err)) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            array = read_image(spec)
        except ImageReadError as err:
            raise CommandError(str(err)) from None
    for warning in caught:
        warn(str(warning.message))
    return Input(spec, array, is_image=Path(spec).suffix.lower() != ".npy")


def check_output(out: Path, input_spec: str) -> None:
    """Fail before any work on an output that cannot be written or would replace the input."""
    try:
        save_format(out)
    except ImageWriteError as err:
        raise CommandError(str(err)) from None
    if out.is_dir():
        raise CommandError(f"{out}: is a folder; name the output file")
    if not out.parent.is_dir():
        raise CommandError(f"{out}: the folder {out.parent} does not exist")
    if not input_spec.startswith(SAMPLE_PREFIX) and _same_file(Path(input_spec), out):
        raise CommandError(f"refusing to overwrite the input {input_spec}; choose another OUT")


def _same_file(a: Path, b: Path) -> bool:
    # resolve() sees through symlinks and '..'; samefile() also catches hard links.
    return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
