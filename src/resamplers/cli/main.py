"""``resamplers``: the command-line entry point and the list of its sub-commands.

>>> main(["--version"])
resamplers 0.1.0 (torch ..., numpy ..., Pillow ...)
0
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import numpy as np
import PIL
import torch

from resamplers import __version__
from resamplers.cli import CommandError, bench, compare, resize, train, upscale

# Each sub-command's ``register(subparsers)``, in the order ``--help`` lists them.
COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    resize.register,
    upscale.register,
    compare.register,
    bench.register,
    train.register,
)

_DESCRIPTION = "Downsampling and upsampling done right: anti-aliased resize and more."


class _Parser(argparse.ArgumentParser):
    """Raises usage errors instead of exiting, so that :func:`main` prints every error alike."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The ``resamplers`` parser with every sub-command of :data:`COMMANDS` registered."""
    parser = _Parser(prog="resamplers", description=_DESCRIPTION)
    parser.add_argument(
        "--version",
        action="version",
        version=f"resamplers {__version__} (torch {torch.__version__}, numpy {np.__version__}, "
        f"Pillow {PIL.__version__})",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(subparsers)
    return parser


_OVERRIDE = re.compile(r"\+?[A-Za-z_][\w.]*=")


def _take_overrides(parser: argparse.ArgumentParser, args: argparse.Namespace,
                    unknown: list[str]) -> None:
    """``KEY=VALUE`` words left over after another option (``train sr --config FILE --resume
    trainer.max_steps=9``) are overrides too, for the commands that take them: argparse gives
    ``--config`` only the words right after the file. Anything else is an error, as usual."""
    if getattr(args, "takes_overrides", False) and all(_OVERRIDE.match(w) for w in unknown):
        args.config = [*args.config, *unknown]
        return
    parser.error(f"unrecognized arguments: {' '.join(unknown)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``resamplers`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Without arguments it prints the help. User errors print one ``resamplers: error:`` line on
    stderr and return 2.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 0
    try:
        try:
            args, unknown = parser.parse_known_args(argv)
        except SystemExit as done:  # --help and --version
            return done.code if isinstance(done.code, int) else 0
        if unknown:
            _take_overrides(parser, args, unknown)
        return args.run(args)
    except CommandError as err:
        print(f"resamplers: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("resamplers: interrupted", file=sys.stderr)
        return 130
