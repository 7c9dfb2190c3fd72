"""Inputs of ``resamplers compare``: the zone plate, image preparation, the detail crop."""

from __future__ import annotations

import numpy as np
import pytest

from resamplers.report.inputs import crop_to_multiple, detailed_region, prepare, zone_plate


def test_zone_plate_frequency_grows_with_the_radius():
    size = 192
    plate = zone_plate(size)[..., 0].astype(np.float64)
    assert plate.shape == (size, size)
    assert plate[size // 2, size // 2] == pytest.approx(1.0, abs=1e-3)  # centre: DC, bright
    np.testing.assert_allclose(plate, plate.T)
    np.testing.assert_allclose(plate, plate[::-1])
    # phase pi r² / (sqrt(2) size): from r = 64 to 96 it turns (96² - 64²) / (sqrt(2) size)
    # half periods, so the middle row crosses 1/2 that often there
    row = plate[size // 2, size // 2 + 64:size // 2 + 97] - 0.5
    crossings = int(np.sum(np.sign(row[1:]) != np.sign(row[:-1])))
    assert abs(crossings - (96**2 - 64**2) / (np.sqrt(2) * size)) < 1


@pytest.mark.parametrize(("array", "expected"), [
    (np.array([[0, 255]], dtype=np.uint8), [[[0.0], [1.0]]]),
    (np.array([[0, 65535]], dtype=np.uint16), [[[0.0], [1.0]]]),
    (np.array([[2.0, 4.0]]), [[[0.0], [1.0]]]),  # floats: stretched to [0, 1]
    (np.array([[[255, 0, 0, 7]]], dtype=np.uint8), [[[1.0, 0.0, 0.0]]]),  # alpha dropped
    (np.array([[[255, 7]]], dtype=np.uint8), [[[1.0]]]),  # gray + alpha
])
def test_prepare(array: np.ndarray, expected: list):
    image = prepare("x", array)
    assert image.pixels.dtype == np.float32
    np.testing.assert_allclose(image.pixels, expected)


@pytest.mark.parametrize("array", [np.zeros((2, 2, 5)), np.zeros(4), np.array([[np.nan]])])
def test_prepare_rejects_what_is_not_an_image(array: np.ndarray):
    with pytest.raises(ValueError, match="x: "):
        prepare("x", array)


def test_detailed_region_finds_the_texture():
    pixels = np.zeros((100, 140, 1), dtype=np.float32)
    pixels[60:90, 96:126] = np.indices((30, 30)).sum(axis=0)[..., None] % 2  # a checkerboard
    top, left, size = detailed_region(pixels, 24, 4)
    assert (top % 4, left % 4, size) == (0, 0, 24)
    assert top in range(60, 92 - size + 1) and left in range(96, 128 - size + 1)
    assert detailed_region(pixels, 500, 4)[2] == 100  # shrinks to fit
    assert crop_to_multiple(pixels, 3).shape == (99, 138, 1)
