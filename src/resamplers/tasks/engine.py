"""The training engine every task shares: configs, run folders, and a Lightning trainer.

A run is described by one YAML config (``configs/<task>/*.yaml``) whose values the command line
overrides with dotted keys (``trainer.max_steps=200 data.patch_size=33``; ``+model.d=32`` adds a
key the file does not have; ``+init=RUN/checkpoints/last.ckpt`` starts from another run's
weights, with a fresh optimizer, schedule and step count: fine-tuning). :func:`train` turns it
into a run folder::

    <out>/config.yaml        the merged config of the latest launch
    <out>/run.yaml           per launch: time, command, seed, versions, git commit, resumed
                             step, host, CPU threads, GPUs
    <out>/checkpoints/       last.ckpt, every ``trainer.checkpoint_every_n_steps``, at the
                             end, and on SIGTERM/SIGINT
    <out>/logs/csv/version_N metrics.csv of launch N (TensorBoard logs too, when it is installed)

and trains with PyTorch Lightning: progress bar, mixed precision on GPU
(``trainer.precision: auto``), and data parallel over processes and nodes
(``trainer.strategy=ddp trainer.devices=2``, gloo on CPU; or ``torchrun`` with the same
command). SIGTERM or SIGINT makes every process finish its step, save ``last.ckpt`` and exit
with status 128 + the signal; ``--resume`` continues from ``last.ckpt``, so a kill -9 loses at
most one checkpoint interval.

Lightning and PyYAML are the ``train`` extra: this module imports without them
(:func:`apply_overrides` works on any dict), and what needs them says how to install them.

>>> config = {"trainer": {"max_steps": 10}, "data": {"patch_size": 24}}
>>> apply_overrides(config, ["trainer.max_steps=200", "data.patch_size=33"])
{'trainer': {'max_steps': 200}, 'data': {'patch_size': 33}}
>>> apply_overrides(config, ["trainer.max_step=1"])
Traceback (most recent call last):
  ...
resamplers.tasks.engine.ConfigError: trainer.max_step: unknown key (known: max_steps); ...
"""

from __future__ import annotations

import copy
import datetime
import importlib
import importlib.util
import inspect
import json
import math
import os
import platform
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import torch
from torch import nn

from resamplers import __version__

try:
    import lightning.pytorch as pl
except ImportError:  # the optional "train" extra; require_lightning() says how to install it
    pl = None

# The base classes below exist without Lightning so that this module imports (and its doctest
# runs) in a plain install; nothing can train until require_lightning() passes.
_LightningModule: type = pl.LightningModule if pl is not None else nn.Module
_Callback: type = pl.Callback if pl is not None else object

# Each task's module: it defines ``Module`` (a TaskModule) and ``evaluate_checkpoint``.
TASKS = {"sr": "resamplers.tasks.sr.train"}

# The engine's own keys under ``trainer``; every other key there is a ``lightning.Trainer``
# argument.
_ENGINE_TRAINER_KEYS = ("checkpoint_every_n_steps", "val_every_n_steps")
# lightning.Trainer arguments that the engine sets itself.
_ENGINE_SETS = ("callbacks", "logger", "default_root_dir", "enable_checkpointing")

# The source checkout (src/resamplers/tasks/engine.py), for the git commit and data.root; an
# installed package has none, and uses the working directory instead.
REPO = Path(__file__).resolve().parents[3]
if not (REPO / "pyproject.toml").is_file():
    REPO = Path.cwd()


class ConfigError(ValueError):
    """A bad config: a missing file, an unknown key (named), a bad value, missing data."""


def require_lightning() -> None:
    """Raise an ``ImportError`` that says how to install the ``train`` extra, if it is missing."""
    _yaml()
    if pl is None:
        raise ImportError("training needs Lightning and PyYAML: pip install 'resamplers[train]'")


def load_config(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> dict[str, Any]:
    """The YAML config at ``path`` with ``overrides`` (``key.sub=value``) applied.

    Raises:
        ConfigError: no such file, not a YAML mapping, or a bad override.
    """
    yaml = _yaml()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        config = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: a config must be a YAML mapping, got {type(config).__name__}")
    return apply_overrides(config, overrides)


def apply_overrides(config: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """A copy of ``config`` with each ``a.b.c=value`` set (``value`` read as JSON: ``3``,
    ``1e-3``, ``true``, ``[1, 2]``, ``null``, else a string); ``+a.b.c=value`` may add a new
    key.

    Raises:
        ConfigError: naming the key, for an unknown key (without ``+``), a path through a
            non-mapping, or an item without ``=``.
    """
    config = copy.deepcopy(dict(config))
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep or not key.lstrip("+"):
            raise ConfigError(f"{item!r}: an override must be key=value (trainer.max_steps=200)")
        add = key.startswith("+")
        parts = key.lstrip("+").split(".")
        node = config
        for depth, part in enumerate(parts):
            name = ".".join(parts[: depth + 1])
            last = depth == len(parts) - 1
            if part not in node and not add:
                known = ", ".join(map(str, node)) or "none"
                raise ConfigError(f"{name}: unknown key (known: {known}); use +{key}=... to add it")
            if last:
                node[part] = _parse_value(text)
            else:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ConfigError(f"{name}: is a {type(node).__name__}, not a section")
    return config


def _parse_value(text: str) -> Any:
    """``text`` read as JSON (``3``, ``1e-3``, ``true``, ``null``, ``[1, 2]``), else the string
    itself (``16-mixed``, ``T91``)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _yaml() -> Any:
    """The ``yaml`` module, or an ``ImportError`` that says how to install it."""
    try:
        import yaml
    except ImportError:
        raise ImportError("configs need PyYAML: pip install 'resamplers[train]'") from None
    return yaml


def resolve_data_path(config: Mapping[str, Any], name: str) -> Path:
    """The folder ``name`` (``T91``, or an absolute path) under ``data.root``.

    ``data.root`` is relative to the repository's parent folder (``shared/data/sr``; the
    working directory's parent for an installed package); when the environment sets
    ``RESAMPLERS_SHARED``, it replaces a leading ``shared``.

    Raises:
        ConfigError: the folder does not exist.
    """
    root = Path(config["data"]["root"])
    shared = os.environ.get("RESAMPLERS_SHARED")
    if not root.is_absolute():
        if shared and root.parts[:1] == ("shared",):
            root = Path(shared).joinpath(*root.parts[1:])
        else:
            root = REPO.parent / root
    folder = root / name
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such data folder (data.root={config['data']['root']!r}; "
                          "set RESAMPLERS_SHARED or data.root=...)")
    return folder


def task_module(task: str) -> Any:
    """The Python module of ``task`` (see :data:`TASKS`)."""
    if task not in TASKS:
        raise ConfigError(f"unknown task {task!r}; available: {', '.join(TASKS)}")
    return importlib.import_module(TASKS[task])


def git_commit() -> str | None:
    """The repository's commit, with ``+dirty`` for uncommitted changes; ``None`` outside git."""
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain"], check=True,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def versions() -> dict[str, str]:
    """The versions that decide a run's numbers."""
    found = {"python": platform.python_version(), "resamplers": __version__,
             "torch": str(torch.__version__), "numpy": np.__version__}
    if pl is not None:
        found["lightning"] = str(pl.__version__)
    return found


SCHEDULES = ("constant", "cosine")


def lr_factor(schedule: str, lr: float, min_lr: float, max_steps: int) -> Callable[[int], float]:
    """The learning rate at each step as a multiple of ``lr``: ``constant``, or ``cosine`` from
    ``lr`` at step 0 down to ``min_lr`` at ``max_steps`` (per step, so that a resumed run
    continues on the same curve).

    >>> f = lr_factor("cosine", 1e-3, 1e-5, 100)
    >>> round(f(0), 6), round(f(50), 6), round(f(100), 6)
    (1.0, 0.505, 0.01)

    Raises:
        ConfigError: an unknown schedule, or ``max_steps`` < 1 with ``cosine``.
    """
    if schedule == "constant":
        return lambda step: 1.0
    if schedule != "cosine":
        raise ConfigError(f"optim.schedule: {schedule!r}; expected one of {', '.join(SCHEDULES)}")
    if max_steps < 1:
        raise ConfigError(f"optim.schedule: cosine needs trainer.max_steps >= 1, got {max_steps}")
    floor = min_lr / lr

    def cosine(step: int) -> float:
        progress = min(step, max_steps) / max_steps
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))

    return cosine


class TaskModule(_LightningModule):
    """A task's LightningModule: the engine's optimizer, periodic validation and logging.

    A task subclasses it with ``build_model()``, ``load_data()``, ``training_step`` returning
    the loss, ``train_dataloader`` and ``validate() -> {name: value}``, the last run every
    ``trainer.val_every_n_steps`` steps and at the end, on every process (the metrics are
    computed whole, not split across processes), and logged as ``val/<name>``.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.save_hyperparameters({"config": config})
        self.config = config
        self.model = self.build_model()
        self._validated_step: int | None = None

    def build_model(self) -> nn.Module:
        """The network, from ``self.config``."""
        raise NotImplementedError

    def load_data(self) -> None:
        """Read the datasets (before training starts, so that bad data fails early)."""
        raise NotImplementedError

    def validate(self) -> dict[str, float]:
        """The validation metrics of the current weights."""
        raise NotImplementedError

    def configure_optimizers(self) -> dict[str, Any]:
        optim = self.config["optim"]
        optimizer = torch.optim.Adam(self.model.parameters(), lr=float(optim["lr"]),
                                     weight_decay=float(optim.get("weight_decay", 0)))
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, self.lr_schedule())
        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    def lr_schedule(self) -> Callable[[int], float]:
        """``optim.schedule`` (default ``constant``) as a factor of ``optim.lr`` per step; see
        :func:`lr_factor` (``optim.min_lr`` defaults to ``lr / 100``)."""
        optim = self.config["optim"]
        lr = float(optim["lr"])
        return lr_factor(optim.get("schedule", "constant"), lr,
                         float(optim.get("min_lr", lr / 100)),
                         int(self.config["trainer"]["max_steps"]))

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        every = self.config["trainer"].get("val_every_n_steps")
        if every and self.global_step % every == 0:
            self._log_validation()

    def on_train_end(self) -> None:
        # Not when a signal stopped the run (it should exit quickly), nor twice for one step.
        if self.global_step >= self.trainer.max_steps and self._validated_step != self.global_step:
            self._log_validation()

    def _log_validation(self) -> None:
        self._validated_step = self.global_step
        was_training = self.model.training
        self.model.eval()
        metrics = self.validate()
        self.model.train(was_training)
        named = {f"val/{key}": value for key, value in metrics.items()}
        for logger in self.loggers:
            logger.log_metrics(named, step=self.global_step)
        self.print(f"step {self.global_step}: "
                   + ", ".join(f"{key} {value:.4f}" for key, value in named.items()))


class Checkpointer(_Callback):
    """Keep ``last.ckpt`` current: every ``every`` steps, at the end (``max_steps`` need not be a
    multiple of ``every``), and after the step during which a SIGTERM or SIGINT came, which then
    stops the run; a second SIGINT interrupts at once.

    The file is written aside and renamed, so that a kill mid-write leaves the previous one
    whole. Every process checks, after each step, whether any process got a signal (one
    all-reduce), so that they stop together instead of one waiting forever for the others.
    """

    def __init__(self, path: Path, every: int | None) -> None:
        self.path = path
        self.every = every
        self.signal: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT and self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum

    def save(self, trainer: Any) -> None:
        """Write ``last.ckpt`` (every process calls it; the first one writes)."""
        partial = self.path.with_suffix(".ckpt.partial")
        trainer.save_checkpoint(partial)
        if trainer.is_global_zero:
            os.replace(partial, self.path)

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        # After Lightning's own handlers, which would stop without saving.
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._handle)

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any,
                           batch_idx: int) -> None:
        if trainer.strategy.reduce_boolean_decision(self.signal is not None, all=False):
            self.signal = self.signal or signal.SIGTERM  # another process was signalled
            trainer.should_stop = True
            self.save(trainer)
        elif self.every and trainer.global_step % self.every == 0:
            self.save(trainer)

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        if self.signal is None:  # a signal's checkpoint is saved already
            self.save(trainer)
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


def load_weights(module: nn.Module, checkpoint: Path) -> None:
    """Copy the weights of an engine checkpoint into ``module`` (the ``init`` key).

    Raises:
        ConfigError: no such file, not an engine checkpoint, or weights of another network.
    """
    if not checkpoint.is_file():
        raise ConfigError(f"init: {checkpoint}: no such checkpoint file")
    try:
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)["state_dict"]
    except Exception as err:  # any unreadable file gets the same clear message
        raise ConfigError(f"init: {checkpoint}: not a training checkpoint ({err})") from None
    try:
        module.load_state_dict(state)
    except RuntimeError as err:
        detail = " ".join(str(err).split())
        raise ConfigError(f"init: {checkpoint} holds another network's weights ({detail})"
                          ) from None


def _precision(value: Any) -> Any:
    """``auto``: bf16 mixed precision on GPUs that have it, fp16 mixed on others, fp32 on CPU."""
    if value != "auto":
        return value
    if torch.cuda.is_available():
        return "bf16-mixed" if torch.cuda.is_bf16_supported() else "16-mixed"
    return "32-true"


def _trainer_kwargs(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``lightning.Trainer`` arguments under ``trainer`` (its other keys are the engine's).

    Raises:
        ConfigError: naming a key that is neither, or one that the engine sets.
    """
    kwargs = {k: v for k, v in config["trainer"].items() if k not in _ENGINE_TRAINER_KEYS}
    known = inspect.signature(pl.Trainer).parameters
    for key in kwargs:
        if key in _ENGINE_SETS:
            raise ConfigError(f"trainer.{key}: set by the engine, not by the config")
        if key not in known:
            raise ConfigError(f"trainer.{key}: not a lightning.Trainer argument nor one of "
                              f"{', '.join(_ENGINE_TRAINER_KEYS)}")
    kwargs["precision"] = _precision(kwargs.get("precision", "auto"))
    return kwargs


def _global_rank() -> int:
    """This process's rank, from the launcher's environment (0 before any launch)."""
    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID"):
        if name in os.environ:
            return int(os.environ[name])
    return 0


def _record_launch(out: Path, config: Mapping[str, Any], seed: int, resume_step: int | None
                   ) -> None:
    """Write ``config.yaml`` and add this launch (``seed``: the one it seeded with) to
    ``run.yaml``."""
    yaml = _yaml()
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(dict(config), sort_keys=False))
    runs_file = out / "run.yaml"
    launches = yaml.safe_load(runs_file.read_text()) if runs_file.is_file() else None
    launches = launches or []
    launches.append({
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": sys.orig_argv,
        "seed": seed,
        "resumed_from_step": resume_step,
        "git_commit": git_commit(),
        "versions": versions(),
        "host": platform.node(),
        "cpu_threads": torch.get_num_threads(),
        "gpus": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
    })
    runs_file.write_text(yaml.safe_dump(launches, sort_keys=False))


def train(task: str, config: dict[str, Any], *, resume: bool = False) -> int:
    """Train ``task`` as ``config`` says, in the folder ``config["out"]``; the exit status.

    Returns 0 when ``trainer.max_steps`` is reached, or 128 + the signal number after a
    SIGTERM/SIGINT (``last.ckpt`` saved: run again with ``resume=True``).

    Raises:
        ImportError: Lightning or PyYAML is missing.
        ConfigError: a bad config, missing data, a run folder that already holds checkpoints
            (without ``resume``), or ``resume`` without a ``last.ckpt``.
    """
    require_lightning()
    for section in ("seed", "out", "trainer", "optim", "data", "model"):
        if section not in config:
            raise ConfigError(f"{section}: missing from the config")
    out = Path(config["out"])
    last = out / "checkpoints" / "last.ckpt"
    resume_step = None
    if resume:
        if not last.is_file():
            raise ConfigError(f"{last}: nothing to resume from")
        resume_step = int(torch.load(last, map_location="cpu", weights_only=False)["global_step"])
    elif _global_rank() == 0 and last.is_file():
        raise ConfigError(f"{out} already holds a run; add --resume to continue it, or set "
                          "out=... for a new one")
    kwargs = _trainer_kwargs(config)
    # A resumed run draws other patches than the first steps did, yet reproducibly.
    seed = int(config["seed"]) + (resume_step or 0)
    pl.seed_everything(seed, workers=True, verbose=False)
    try:  # everything that reads the config or the data: a clear error before training
        module = task_module(task).Module(config)
        if config.get("init") is not None and not resume:  # a resumed run has its own weights
            load_weights(module, Path(config["init"]))
        module.lr_schedule()
        module.load_data()
    except (KeyError, TypeError) as err:
        raise ConfigError(f"bad or missing config key: {err}") from None
    except (ValueError, OSError) as err:
        raise ConfigError(str(err)) from None
    if _global_rank() == 0:
        _record_launch(out, config, seed, resume_step)

    checkpointer = Checkpointer(last, config["trainer"].get("checkpoint_every_n_steps"))
    loggers: list[Any] = [pl.loggers.CSVLogger(out / "logs", name="csv")]
    if importlib.util.find_spec("tensorboard") is not None:
        loggers.append(pl.loggers.TensorBoardLogger(out / "logs", name="tensorboard"))
    kwargs.setdefault("max_epochs", -1)  # training length is counted in steps
    kwargs["enable_checkpointing"] = False  # the Checkpointer alone writes checkpoints
    trainer = pl.Trainer(default_root_dir=out, callbacks=[checkpointer], logger=loggers,
                         **kwargs)
    trainer.fit(module, ckpt_path=last if resume else None)
    if checkpointer.signal is not None:
        trainer.print(f"stopped by signal {checkpointer.signal} at step {trainer.global_step}; "
                      f"saved {last}; continue with --resume")
        return 128 + checkpointer.signal
    return 0
