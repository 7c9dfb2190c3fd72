"""Shared fixtures: real images (scikit-image samples) and the data in ``../shared/data``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import skimage.data
import torch

SHARED_DATA = (
    Path(os.environ.get("RESAMPLERS_SHARED", Path(__file__).parents[2] / "shared")) / "data"
)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test draws the same random numbers on every run: a failure reproduces."""
    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set RESAMPLERS_SHARED)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """A 160x192 RGB uint8 crop with hair, fabric and flat sky (odd-ish sizes on purpose)."""
    return np.ascontiguousarray(skimage.data.astronaut()[40:200, 150:342])


@pytest.fixture(scope="session")
def camera() -> np.ndarray:
    """A 151x170 grayscale uint8 crop of the cameraman."""
    return np.ascontiguousarray(skimage.data.camera()[100:251, 180:350])
