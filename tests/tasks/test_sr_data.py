"""SR training patches and test sets: shapes, the LR degradation, augmentation, bad files."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from resamplers.data.io import write_image
from resamplers.functional import resize
from resamplers.tasks.sr import PatchPool, SRPatches, SRTestSet, luma


def _y(image: np.ndarray) -> np.ndarray:
    return luma(image).astype(np.float32) / 255


def _dihedral(image: np.ndarray) -> list[np.ndarray]:
    """The 8 flips/rotations of an image."""
    rotations = [np.rot90(image, k) for k in range(4)]
    return [np.ascontiguousarray(r) for r in rotations + [r[:, ::-1] for r in rotations]]


@pytest.fixture
def folder(tmp_path: Path, astronaut: np.ndarray) -> Path:
    write_image(tmp_path / "a.png", astronaut)  # 160x192
    write_image(tmp_path / "b.png", astronaut[:100, :90].copy())
    return tmp_path


def test_shapes_and_range(folder):
    patches = SRPatches(folder, scale=4, patch_size=48, patches_per_image=3)
    assert len(patches) == 6 and patches.files == [folder / "a.png", folder / "b.png"]
    lr, hr = patches[5]
    assert lr.shape == (1, 12, 12) and hr.shape == (1, 48, 48)
    assert lr.dtype == hr.dtype == torch.float32
    assert float(hr.min()) >= 16 / 255 - 1e-6 and float(hr.max()) <= 235 / 255 + 1e-6
    loader = torch.utils.data.DataLoader(patches, batch_size=4)
    assert next(iter(loader))[0].shape == (4, 1, 12, 12)


def test_patches_are_windows_of_the_image(tmp_path, astronaut):
    image = astronaut[:30, :30].copy()
    write_image(tmp_path / "a.png", image)
    patches = SRPatches(tmp_path, scale=3, patch_size=12, augment=False)
    y = _y(image)
    windows = np.lib.stride_tricks.sliding_window_view(y, (12, 12))
    torch.manual_seed(0)
    corners = set()
    for _ in range(20):
        lr, hr = patches[0]
        hits = np.argwhere((windows == hr[0].numpy()).all(axis=(2, 3)))
        assert len(hits) >= 1
        top, left = hits[0]
        crop = image[top: top + 12, left: left + 12]
        np.testing.assert_array_equal(lr[0].numpy(), _y(resize(crop, scale=1 / 3, compat="matlab")))
        corners.add((top, left))
    assert len(corners) > 5  # random crops


def test_lr_is_matlab_bicubic_of_hr_and_augmentations_are_exact(tmp_path, astronaut):
    image = astronaut[:24, :24].copy()  # image == patch: the draw is only the augmentation
    write_image(tmp_path / "a.png", image)
    patches = SRPatches(tmp_path, scale=2, patch_size=24)
    variants = _dihedral(image)
    torch.manual_seed(0)
    seen = set()
    for _ in range(64):
        lr, hr = patches[0]
        index = next(i for i, v in enumerate(variants) if np.array_equal(_y(v), hr[0].numpy()))
        # The LR is the MATLAB bicubic of that same flipped/rotated uint8 RGB patch.
        want = _y(resize(variants[index], scale=1 / 2, compat="matlab"))
        np.testing.assert_array_equal(lr[0].numpy(), want)
        seen.add(index)
    assert seen == set(range(8))


def test_gray_images_are_their_own_y(tmp_path, camera):
    write_image(tmp_path / "g.png", camera[:36, :36].copy())
    lr, hr = SRPatches(tmp_path, scale=3, patch_size=36, augment=False)[0]
    np.testing.assert_array_equal(hr[0].numpy(), camera[:36, :36] / np.float32(255))
    want = resize(camera[:36, :36].copy(), scale=1 / 3, compat="matlab") / np.float32(255)
    np.testing.assert_array_equal(lr[0].numpy(), want)


def test_bad_files_are_skipped_with_a_warning(folder):
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    write_image(folder / "tiny.png", np.zeros((20, 20, 3), np.uint8))
    (folder / "notes.txt").write_text("not an image, not listed")
    with pytest.warns(UserWarning) as caught:
        patches = SRPatches(folder, scale=2, patch_size=32)
    messages = [str(w.message) for w in caught]
    assert any(str(folder / "broken.png") in m for m in messages)
    assert any(str(folder / "tiny.png") in m and "smaller" in m for m in messages)
    assert len(messages) == 2
    assert patches.files == [folder / "a.png", folder / "b.png"]


def test_errors(tmp_path, folder):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        SRPatches(tmp_path / "missing", scale=2, patch_size=32)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no image files"):
        SRPatches(tmp_path / "empty", scale=2, patch_size=32)
    with pytest.raises(ValueError, match="multiple of the scale 3"):
        SRPatches(folder, scale=3, patch_size=32)
    with pytest.raises(ValueError, match="from 2 to 8"):
        SRPatches(folder, scale=1, patch_size=32)
    with pytest.raises(ValueError, match="from 2 to 8"):
        SRTestSet(folder, scale=2.5)
    with pytest.raises(ValueError, match="patches_per_image"):
        SRPatches(folder, scale=2, patch_size=32, patches_per_image=0)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.png").write_bytes(b"junk")
    with warnings.catch_warnings(), pytest.raises(ValueError, match="no readable image"):
        warnings.simplefilter("ignore")
        SRPatches(tmp_path / "junk", scale=2, patch_size=32)
    with pytest.raises(IndexError):
        SRPatches(folder, scale=2, patch_size=32)[2]


def test_test_set_crops_and_reads_lr(tmp_path, folder):
    test = SRTestSet(folder, scale=3)
    assert [pair.name for pair in test] == ["a", "b"]
    a = test[0]
    assert a.hr.shape == (159, 192, 3) and a.lr.shape == (53, 64, 3)  # 160 rows cropped to 159
    np.testing.assert_array_equal(a.lr, resize(a.hr, scale=1 / 3, compat="matlab"))
    lr_folder = tmp_path / "lr"
    lr_folder.mkdir()
    write_image(lr_folder / "a.png", a.lr)
    with pytest.raises(FileNotFoundError, match="no LR image"):
        SRTestSet(folder, scale=3, lr_folder=lr_folder)
    write_image(lr_folder / "b.png", np.zeros((5, 5, 3), np.uint8))
    with pytest.raises(ValueError, match="expected"):
        SRTestSet(folder, scale=3, lr_folder=lr_folder)
    write_image(lr_folder / "b.png", test[1].lr)
    from_files = SRTestSet(folder, scale=3, lr_folder=lr_folder)
    np.testing.assert_array_equal(from_files[1].lr, test[1].lr)


def test_pool_draws_pairs_once_and_keeps_them(folder):
    patches = SRPatches(folder, scale=2, patch_size=16)
    torch.manual_seed(0)
    pool = PatchPool(patches, 10, progress=False)
    assert len(pool) == 10 and pool.lr.shape == (10, 1, 8, 8) and pool.hr.shape == (10, 1, 16, 16)
    first = pool[3]
    assert all(torch.equal(a, b) for a, b in zip(first, pool[3], strict=True))  # no redraw
    for lr, hr in (pool[i] for i in range(10)):  # each LR is the degradation of its HR
        y = hr[0].numpy().astype(np.float64)
        assert float(np.abs(lr[0].numpy() - resize(y, scale=0.5, compat="matlab")).max()) < 0.02
    torch.manual_seed(0)
    again = PatchPool(patches, 10, progress=False)
    assert torch.equal(again.hr, pool.hr)  # torch's generator decides the draw
    for count in (0, 2.5, True):
        with pytest.raises(ValueError, match="pool size must be an integer >= 1"):
            PatchPool(patches, count)
