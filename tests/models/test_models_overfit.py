"""Overfitting one small batch: a few dozen Adam steps on CPU must cut the loss by a stated
factor, for every model family and several resampling choices, which shows the gradients reach
the weights through each choice. Not a timing test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F

from resamplers.models import create

STEPS = 30


def _fit(model: torch.nn.Module, loss_fn: Callable[[], torch.Tensor], lr: float = 1e-2) -> float:
    """The lowest of the last 5 losses divided by the first, over ``STEPS`` Adam steps (the
    last few, not the last one: ``aps`` picks its phase by an argmax, and a phase switch makes
    a one-step spike)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return min(losses[-5:]) / losses[0]


def _target_image(shape: tuple[int, ...]) -> torch.Tensor:
    """A smooth image with structure at several scales (learnable, unlike white noise)."""
    axes = [torch.linspace(0, 1, s) for s in shape[2:]]
    grid = torch.meshgrid(*axes, indexing="ij")
    return (torch.sin(6 * grid[0]) * torch.cos(4 * grid[-1])).expand(shape).contiguous()


CARAFE = {"name": "carafe", "compressed_channels": 8}


@pytest.mark.parametrize(("down", "up"), [("aps", "dysample"), ("blur", CARAFE)])
def test_unet_segmentation(down: str, up: object) -> None:
    torch.manual_seed(0)
    net = create("unet", in_channels=1, out_channels=2, depth=2, width=4, down=down, up=up)
    x = torch.rand(2, 1, 8, 9)
    labels = (_target_image((2, 1, 8, 9))[:, 0] > 0).long()
    # factor 4 on cross-entropy: from ~log 2 to well below chance
    assert _fit(net, lambda: F.cross_entropy(net(x), labels)) < 1 / 4


@pytest.mark.parametrize(("down", "up"), [("conv", "transposed"), ("unshuffle", "pixelshuffle")])
def test_autoencoder_reconstruction(down: str, up: str) -> None:
    torch.manual_seed(0)
    net = create("autoencoder", in_channels=1, depth=2, width=4, down=down, up=up)
    x = _target_image((2, 1, 12, 12)) + 0.1 * torch.rand(2, 1, 12, 12)
    assert _fit(net, lambda: F.mse_loss(net(x), x)) < 1 / 10


@pytest.mark.parametrize(
    ("name", "up"),
    [("espcn", "pixelshuffle"), ("espcn", "dysample"), ("fsrcnn", "transposed"),
     ("fsrcnn", "linear")],
)
def test_super_resolution(name: str, up: str) -> None:
    torch.manual_seed(0)
    # FSRCNN at a third of the paper's width: the 8x8 transposed conv is slow on CPU
    cfg = {"d": 16, "s": 8, "m": 2} if name == "fsrcnn" else {}
    net = create(name, scale=2, up=up, **cfg)
    hr = _target_image((2, 1, 12, 12))
    lr = F.avg_pool2d(hr, 2)
    assert _fit(net, lambda: F.mse_loss(net(lr), hr)) < 1 / 10


@pytest.mark.parametrize(("merge", "up"), [("add", "nearest"), ("concat", "cubic")])
def test_fpn_segmentation(merge: str, up: str) -> None:
    torch.manual_seed(0)
    net = create("fpn_seg", in_channels=1, num_classes=2, depth=2, width=4, fpn_channels=8,
                 merge=merge, up=up, down="avg")
    x = torch.rand(2, 1, 8, 8)
    labels = (_target_image((2, 1, 8, 8))[:, 0] > 0).long()
    assert _fit(net, lambda: F.cross_entropy(net(x), labels)) < 1 / 4


@pytest.mark.parametrize("down", ["conv", "blur", "aps", "unshuffle"])
def test_classifier_memorises_random_labels(down: str) -> None:
    torch.manual_seed(0)
    net = create("classifier", in_channels=1, num_classes=4, width=4, stages=2, down=down)
    x, labels = torch.rand(8, 1, 8, 8), torch.arange(8) % 4
    assert _fit(net, lambda: F.cross_entropy(net(x), labels)) < 1 / 4


@pytest.mark.parametrize("up", ["transposed", "resizeconv", "pixelshuffle"])
def test_dcgan_generator_fits_fixed_targets(up: str) -> None:
    torch.manual_seed(0)
    net = create("dcgan_generator", latent_dim=8, image_size=16, width=4, up=up)
    z, target = torch.randn(4, 8), 0.8 * _target_image((4, 1, 16, 16))
    assert _fit(net, lambda: F.mse_loss(net(z), target)) < 1 / 10


@pytest.mark.parametrize("down", ["conv", "maxblur"])
def test_dcgan_discriminator_separates_two_sets(down: str) -> None:
    torch.manual_seed(0)
    net = create("dcgan_discriminator", image_size=16, width=4, down=down)
    x = torch.cat((_target_image((4, 1, 16, 16)), torch.rand(4, 1, 16, 16)))
    labels = torch.tensor([[1.0]] * 4 + [[0.0]] * 4)
    assert _fit(net, lambda: F.binary_cross_entropy_with_logits(net(x), labels)) < 1 / 10
