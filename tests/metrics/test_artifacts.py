"""Aliasing and overshoot measures on signals whose answer is known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import resamplers
from resamplers.metrics import aliasing_energy, ideal_lowpass, overshoot

N = 256


def tone(f: float, n: int = N) -> np.ndarray:
    """cos(2 pi f (k + 1/2)): a DCT basis function when 2 f n is an integer."""
    return np.cos(2 * np.pi * f * (np.arange(n) + 0.5))


def subsample(x: np.ndarray) -> np.ndarray:
    return x[..., ::2]


def mean_of_pairs(x: np.ndarray) -> np.ndarray:
    return (x[..., 0::2] + x[..., 1::2]) / 2


def resize_1d(method: str, antialias: bool = True):
    def down(x: np.ndarray) -> np.ndarray:
        t = torch.from_numpy(x)[None]
        return resamplers.resize(t, size=x.shape[-1] // 2, method=method, antialias=antialias,
                                 axes=(-1,))[0].numpy()
    return down


def test_ideal_lowpass_splits_tones_exactly():
    low, high = tone(0.125), tone(0.375)
    np.testing.assert_allclose(ideal_lowpass(low + high, 0.25), low, atol=1e-12)
    np.testing.assert_allclose(ideal_lowpass(high, 0.25), 0.0, atol=1e-12)


@pytest.mark.parametrize("down", [subsample, mean_of_pairs, resize_1d("nearest")])
def test_tone_below_nyquist_does_not_alias(down):
    assert aliasing_energy(down, tone(0.125), 2) == pytest.approx(0.0, abs=1e-20)


@pytest.mark.parametrize(("f", "expected"), [(0.375, 1.0), (0.3125, 1.0), (0.4375, 1.0)])
def test_subsampled_tone_above_nyquist_aliases_fully(f: float, expected: float):
    assert aliasing_energy(subsample, tone(f), 2) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("f", [0.3125, 0.375, 0.4375])
@pytest.mark.parametrize("down", [mean_of_pairs, resize_1d("linear", antialias=False)])
def test_two_tap_mean_passes_cos_squared(down, f: float):
    # the mean of pairs (= linear halfway between samples) has frequency response cos(pi f):
    # the folded tone keeps that amplitude
    assert aliasing_energy(down, tone(f), 2) == pytest.approx(np.cos(np.pi * f) ** 2, rel=1e-9)


def test_antialiasing_reduces_aliasing():
    x = tone(0.3125)
    plain = aliasing_energy(resize_1d("cubic", antialias=False), x, 2)
    filtered = aliasing_energy(resize_1d("cubic"), x, 2)
    assert plain > 0.5
    assert filtered < 0.1 * plain


def test_two_axes_and_constants():
    image = np.outer(tone(0.375, 64), np.ones(48))  # varies along axis 0 only
    assert aliasing_energy(lambda x: x[::2, ::2], image, 2) == pytest.approx(1.0)
    assert aliasing_energy(lambda x: x[::2, ::2], image.T, (2, 2)) == pytest.approx(1.0)
    assert aliasing_energy(lambda x: x[::2, ::2], np.ones((8, 8)), 2) == 0.0
    with pytest.raises(ValueError, match="expected 1 or 2 values"):
        aliasing_energy(lambda x: x, image, (2, 2, 2))


def step(n: int = 32) -> np.ndarray:
    return (np.arange(n) >= n // 2).astype(np.float64)


def upsample3(method: str) -> np.ndarray:
    x = torch.from_numpy(step())[None]
    return resamplers.resize(x, scale=3, method=method, axes=(-1,))[0].numpy()


def test_step_overshoot_of_keys_cubic_is_2_over_27():
    # the step response of Keys' kernel peaks at 1 + 2/27, a third of a pixel past the edge
    y = upsample3("cubic")
    assert overshoot(y, step()) == pytest.approx(2 / 27, rel=1e-6)
    assert y.max() - 1 == pytest.approx(2 / 27, rel=1e-6)
    assert -y.min() == pytest.approx(2 / 27, rel=1e-6)


@pytest.mark.parametrize("method", ["nearest", "linear", "box"])
def test_non_negative_kernels_do_not_overshoot(method: str):
    assert overshoot(upsample3(method), step()) == 0.0


def test_overshoot_is_relative_to_the_input_range():
    x = np.array([2.0, 6.0])
    assert overshoot(np.array([1.0, 6.0]), x) == pytest.approx(0.25)
    assert overshoot(np.array([2.0, 8.0]), x) == pytest.approx(0.5)
    assert overshoot(np.array([2.0, 5.0]), x) == 0.0
    assert overshoot(np.ones(3), np.ones(3)) == 0.0
