"""``resamplers train TASK --config FILE [KEY=VALUE ...] [--resume]`` and ``resamplers eval TASK
--checkpoint CKPT [--set Set5]``: the training engine of :mod:`resamplers.tasks.engine`."""

from __future__ import annotations

import argparse
from pathlib import Path

from resamplers.cli import CommandError

# The engine imports Lightning (seconds): only train and eval load it, not every command.
_TASK_HELP = "the task: sr (super-resolution)"

_TRAIN_DESCRIPTION = """\
Train a task's network as a YAML config says (configs/<task>/*.yaml), with KEY=VALUE
overrides of its dotted keys (trainer.max_steps=300 data.patch_size=33; +model.d=32 adds
a key). The run folder (the config's "out") gets the merged config, a record of each
launch (seed, versions, git commit), checkpoints and CSV logs. SIGTERM or Ctrl-C saves
checkpoints/last.ckpt and stops; --resume (with the same config and overrides, a larger
trainer.max_steps to train longer) continues from it. A training image that cannot be
read is skipped with a warning that names it. Data parallel: trainer.strategy=ddp
trainer.devices=N (or launch with torchrun); data.batch_size is per process.
"""

_TRAIN_EPILOG = """\
examples:
  resamplers train sr --config configs/sr/espcn_x3.yaml
  resamplers train sr --config configs/sr/espcn_x3.yaml trainer.max_steps=300 out=runs/try
  resamplers train sr --config configs/sr/espcn_x3.yaml --resume
  resamplers train sr --config configs/sr/espcn_x3.yaml trainer.accelerator=cpu \\
      trainer.strategy=ddp trainer.devices=2
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``train`` and ``eval`` to the ``resamplers`` command line."""
    parser = subparsers.add_parser(
        "train", help="train a task's network from a config (needs the train extra)",
        description=_TRAIN_DESCRIPTION, epilog=_TRAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("task", metavar="TASK", help=_TASK_HELP)
    # The overrides follow the file in one option: argparse cannot match a variable-length
    # positional that comes after an option. KEY=VALUE words placed after another option
    # (--resume) are added to them by main (takes_overrides).
    parser.add_argument("--config", required=True, nargs="+", metavar=("FILE", "KEY=VALUE"),
                        help="the YAML config, then overrides of its dotted keys "
                        "(trainer.max_steps=300)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in the config's folder from its last.ckpt")
    parser.set_defaults(run=_run_train, takes_overrides=True)

    parser = subparsers.add_parser(
        "eval", help="score a trained checkpoint with the task's protocol",
        description="Score a checkpoint's network on a test set with the task's protocol "
        "(sr: PSNR and SSIM on Y, scale pixels of border cut).",
    )
    parser.add_argument("task", metavar="TASK", help=_TASK_HELP)
    parser.add_argument("--checkpoint", required=True, metavar="CKPT",
                        help="a .ckpt file of resamplers train")
    parser.add_argument("--set", default="Set5", dest="test_set", metavar="NAME",
                        help="test set: a folder under the config's data.root, or a path "
                        "(default: Set5)")
    parser.set_defaults(run=_run_eval)


def _run_train(args: argparse.Namespace) -> int:
    from resamplers.tasks.engine import ConfigError, load_config, train

    try:
        path, *overrides = args.config
        config = load_config(path, overrides)
        if config.get("task", args.task) != args.task:
            raise ConfigError(f"{path} is a config for task {config['task']!r}, "
                              f"not {args.task!r}")
        return train(args.task, config, resume=args.resume)
    except (ConfigError, ImportError) as err:
        raise CommandError(str(err)) from None


def _run_eval(args: argparse.Namespace) -> int:
    from resamplers.tasks.engine import ConfigError, task_module

    if not Path(args.checkpoint).is_file():
        raise CommandError(f"{args.checkpoint}: no such checkpoint file")
    try:
        result, config = task_module(args.task).evaluate_checkpoint(args.checkpoint,
                                                                   args.test_set)
    except (ConfigError, ImportError) as err:
        raise CommandError(str(err)) from None
    scale = config["data"]["scale"]
    print(f"{args.test_set} x{scale}  {config['model']['name']}  {args.checkpoint}")
    for name, psnr, ssim in result.per_image:
        print(f"  {name:<16}{psnr:8.3f} dB  SSIM {ssim:.4f}")
    print(f"  {'mean':<16}{result.psnr:8.3f} dB  SSIM {result.ssim:.4f}")
    return 0
