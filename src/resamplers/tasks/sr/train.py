"""Training and evaluating super-resolution networks with the shared engine.

:class:`Module` trains any registered SR model (``model.name``: ``espcn``, ``fsrcnn``; the other
``model`` keys are its arguments) on the Y channel of random patches of ``data.train``
(:class:`~resamplers.tasks.sr.SRPatches`; with ``data.pool: N``, N of them drawn once,
:class:`~resamplers.tasks.sr.PatchPool`) with an L1 or MSE loss (``loss``), and validates with
the literature's protocol (:func:`~resamplers.tasks.sr.evaluate`) on ``data.val`` (Set5) at
``data.scale``, logging ``val/psnr`` and ``val/ssim``. A corrupt or unreadable training image is
skipped with a warning that names its path (the images are read once, when the data loads,
never in a DataLoader worker); a test set must be complete, so an unreadable test image fails
with its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from resamplers.models import create
from resamplers.tasks.engine import ConfigError, TaskModule, require_lightning, resolve_data_path
from resamplers.tasks.sr.data import PatchPool, SRPatches, SRTestSet
from resamplers.tasks.sr.protocol import SRResult, evaluate

LOSSES = {"l1": F.l1_loss, "mse": F.mse_loss}


class Module(TaskModule):
    """An SR network, its loss and its data, from a config (see ``configs/sr/espcn_x3.yaml``)."""

    def build_model(self) -> nn.Module:
        if self.config.get("loss") not in LOSSES:
            raise ConfigError(f"loss: {self.config.get('loss')!r}; expected one of "
                              f"{', '.join(LOSSES)}")
        spec = dict(self.config["model"])
        name = spec.pop("name", None)
        return create(name, scale=self.config["data"]["scale"], in_channels=1, **spec)

    def load_data(self) -> None:
        data = self.config["data"]
        patches = SRPatches(
            resolve_data_path(self.config, data["train"]), data["scale"], data["patch_size"],
            patches_per_image=data["patches_per_image"], augment=data.get("augment", True),
        )
        pool = data.get("pool")
        self.train_set = patches if pool is None else PatchPool(
            patches, pool, progress=self.config["trainer"].get("enable_progress_bar", True))
        self.val_set = SRTestSet(resolve_data_path(self.config, data["val"]), data["scale"])

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        return self.model(lr)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int
                      ) -> torch.Tensor:
        lr, hr = batch
        loss = LOSSES[self.config["loss"]](self.model(lr), hr)
        self.log("train/loss", loss, prog_bar=True)
        return loss

    def train_dataloader(self) -> DataLoader:
        data = self.config["data"]
        workers = int(data.get("num_workers", 0))
        return DataLoader(self.train_set, batch_size=data["batch_size"], shuffle=True,
                          drop_last=True, num_workers=workers, persistent_workers=workers > 0)

    def validate(self) -> dict[str, float]:
        result = evaluate(self.model, self.val_set, self.config["data"]["scale"],
                          device=self.device)
        return {"psnr": result.psnr, "ssim": result.ssim}


def evaluate_checkpoint(checkpoint: str | Path, test_set: str) -> tuple[SRResult, dict[str, Any]]:
    """The protocol's scores of a checkpoint's network on ``test_set`` (a folder under the
    config's ``data.root``, such as ``Set14``, or a path), and the checkpoint's config.

    Raises:
        ConfigError: no such test set folder.
        ImportError: Lightning is missing.
    """
    require_lightning()
    module = Module.load_from_checkpoint(checkpoint, map_location="cpu", weights_only=False)
    module.eval()
    config = module.config
    scale = config["data"]["scale"]
    folder = resolve_data_path(config, test_set)
    return evaluate(module.model, SRTestSet(folder, scale), scale), config
