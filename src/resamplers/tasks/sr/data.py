"""Super-resolution data: training patches and test sets, as the SR literature makes them.

The degradation is MATLAB's ``imresize(hr, 1/scale, 'bicubic')`` on uint8 RGB
(:func:`resamplers.resize` with ``compat="matlab"``, which reproduces the LR files of Set5 and
Set14); images are judged and learned on the luma ``Y`` of :func:`luma`.

>>> import numpy as np, os, tempfile
>>> from resamplers.data.io import write_image
>>> with tempfile.TemporaryDirectory() as folder:
...     write_image(os.path.join(folder, "a.png"), np.full((50, 40, 3), 128, np.uint8))
...     patches = SRPatches(folder, scale=3, patch_size=24, patches_per_image=4)
...     lr, hr = patches[0]
...     test = SRTestSet(folder, scale=3)
>>> len(patches), tuple(lr.shape), tuple(hr.shape)
(4, (1, 8, 8), (1, 24, 24))
>>> test[0].name, test[0].hr.shape, test[0].lr.shape    # 50x40 cropped to 48x39
('a', (48, 39, 3), (16, 13, 3))
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, overload

import numpy as np
import torch
from torch.utils.data import Dataset

from resamplers.data.color import rgb_to_y
from resamplers.data.io import ImageReadError, PathLike, read_image
from resamplers.functional import resize

IMAGE_SUFFIXES = (".png", ".bmp", ".jpg", ".jpeg", ".tif", ".tiff")
SCALES = range(2, 9)


class SRPair(NamedTuple):
    """One test image: its file stem, the HR cropped to a multiple of the scale, and the LR.

    Both are uint8, ``(H, W, 3)`` RGB or ``(H, W)`` gray, with ``hr.shape[:2] == scale *
    lr.shape[:2]``.
    """

    name: str
    hr: np.ndarray
    lr: np.ndarray


def check_scale(scale: int) -> int:
    """``scale`` if it is an integer from 2 to 8, else a ``ValueError``."""
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale not in SCALES:
        raise ValueError(f"scale must be an integer from 2 to 8, got {scale!r}")
    return int(scale)


def luma(image: np.ndarray) -> np.ndarray:
    """The uint8 ``Y`` the SR literature scores: MATLAB's ``rgb2ycbcr`` luma (16..235), rounded.

    A gray ``(H, W)`` image is its own ``Y``, unchanged (0..255), as in the SRCNN and VDSR
    evaluation code (``if size(im, 3) > 1, im = rgb2ycbcr(im); end``); this is what Set14's
    gray ``bridge`` needs for the published Set14 numbers.
    """
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or image.shape[2:] not in ((), (3,)):
        raise ValueError(f"expected a uint8 (H, W) or (H, W, 3) image, got {image.dtype} "
                         f"{image.shape}")
    return image if image.ndim == 2 else rgb_to_y(image)


def crop_to_multiple(image: np.ndarray, scale: int) -> np.ndarray:
    """Drop the last rows and columns that do not fill a whole ``scale`` block (MATLAB's
    ``modcrop``)."""
    height, width = image.shape[:2]
    return image[: height - height % scale, : width - width % scale]


def image_files(folder: PathLike) -> list[Path]:
    """The image files of ``folder`` (by extension, see :data:`IMAGE_SUFFIXES`), sorted.

    Raises:
        FileNotFoundError: no such folder.
        ValueError: no image file in it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )
    if not files:
        raise ValueError(f"{folder}: no image files ({', '.join(IMAGE_SUFFIXES)})")
    return files


def read_8bit(path: Path) -> np.ndarray:
    """An image as uint8 RGB ``(H, W, 3)`` or gray ``(H, W)``; alpha is dropped.

    Raises:
        ImageReadError: unreadable, or not 8-bit.
    """
    image = read_image(path)
    if image.dtype != np.uint8:
        raise ImageReadError(f"{path}: a {image.dtype} image; SR data must be 8-bit")
    if image.ndim == 3 and image.shape[2] in (2, 4):  # LA, RGBA
        image = image[..., :-1] if image.shape[2] == 4 else image[..., 0]
    return image


class SRPatches(Dataset):
    """Random training pairs from a folder of images: ``(lr, hr)`` Y patches.

    Every image is read once, here; an unreadable file, or one smaller than ``patch_size``, is
    skipped with a warning that names it (a folder of thousands should not fail for one bad
    file), and :attr:`files` lists the ones kept. Each item draws, with torch's global generator
    (so ``torch.manual_seed`` and DataLoader workers' seeds apply), a ``patch_size`` square of
    one image, then with ``augment`` one of the 8 flips/90° rotations of it; the LR is MATLAB's
    bicubic of that uint8 RGB patch (mirror-padded at the patch border, as it would be for an
    image that size), and both become :func:`luma` ``/ 255``.

    Args:
        folder: the images (T91, BSD200, ...), RGB or gray, 8-bit.
        scale: integer factor, 2 to 8.
        patch_size: HR patch side, a multiple of ``scale``.
        patches_per_image: items per image and epoch.
        augment: random flips and 90° rotations.

    Items:
        ``(lr, hr)``: float32 tensors ``(1, patch_size / scale, ...)`` and
        ``(1, patch_size, patch_size)``, values ``Y / 255`` in ``[16/255, 235/255]`` (gray
        images: ``[0, 1]``).

    Raises:
        FileNotFoundError, ValueError: no such folder, no image in it, no usable image, or a
            bad ``scale``, ``patch_size`` or ``patches_per_image``.
    """

    def __init__(
        self,
        folder: PathLike,
        scale: int,
        patch_size: int,
        *,
        patches_per_image: int = 1,
        augment: bool = True,
    ) -> None:
        self.scale = check_scale(scale)
        if not isinstance(patch_size, int) or patch_size <= 0 or patch_size % self.scale:
            raise ValueError(f"patch_size must be a positive multiple of the scale {self.scale}, "
                             f"got {patch_size!r}")
        if not isinstance(patches_per_image, int) or patches_per_image < 1:
            raise ValueError(
                f"patches_per_image must be an integer >= 1, got {patches_per_image!r}"
            )
        self.patch_size, self.patches_per_image = patch_size, patches_per_image
        self.augment = augment
        self.files: list[Path] = []
        self._images: list[np.ndarray] = []
        for path in image_files(folder):
            try:
                image = read_8bit(path)
            except ImageReadError as err:
                warnings.warn(f"skipping {err}", stacklevel=2)
                continue
            if min(image.shape[:2]) < patch_size:
                warnings.warn(f"skipping {path}: {image.shape[1]}x{image.shape[0]} is smaller than "
                              f"the patch size {patch_size}", stacklevel=2)
                continue
            self.files.append(path)
            self._images.append(image)
        if not self._images:
            raise ValueError(f"{folder}: no readable image of at least {patch_size}x{patch_size}")

    def __len__(self) -> int:
        return len(self._images) * self.patches_per_image

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} patches")
        image = self._images[(index % len(self)) // self.patches_per_image]
        size = self.patch_size
        top = int(torch.randint(image.shape[0] - size + 1, ()))
        left = int(torch.randint(image.shape[1] - size + 1, ()))
        hr = image[top: top + size, left: left + size]
        if self.augment:
            hr = np.rot90(hr, int(torch.randint(4, ())))
            if torch.randint(2, ()):
                hr = hr[:, ::-1]
        hr = np.ascontiguousarray(hr)
        lr = resize(hr, scale=1 / self.scale, compat="matlab")
        return _y_tensor(lr), _y_tensor(hr)


class PatchPool(Dataset):
    """``count`` items of ``patches`` drawn once and kept in memory, as ``(lr, hr)`` stacks.

    Making a pair costs about 0.7 ms (the crop, the augmentation and MATLAB's bicubic), as much
    as a training step of a small network on a batch of them: a pool drawn up front halves
    the training time on a CPU, at the price of a fixed set of patches (the SR papers also train
    on a fixed set of sub-images, e.g. ESPCN's 17×17 LR patches of T91). Drawn with torch's
    global generator, with a progress bar when tqdm is installed.

    >>> import numpy as np, os, tempfile
    >>> from resamplers.data.io import write_image
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_image(os.path.join(folder, "a.png"), np.full((50, 40, 3), 99, np.uint8))
    ...     pool = PatchPool(SRPatches(folder, scale=2, patch_size=8), count=5, progress=False)
    >>> len(pool), tuple(pool[4][0].shape), tuple(pool[4][1].shape)
    (5, (1, 4, 4), (1, 8, 8))
    """

    def __init__(self, patches: Dataset, count: int, *, progress: bool = True) -> None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"the pool size must be an integer >= 1, got {count!r}")
        sources = torch.randint(len(patches), (count,)).tolist()
        if progress:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                pass
            else:
                sources = tqdm(sources, desc="drawing patches", unit="patch")
        pairs = [patches[i] for i in sources]
        self.lr = torch.stack([lr for lr, _ in pairs])
        self.hr = torch.stack([hr for _, hr in pairs])

    def __len__(self) -> int:
        return self.lr.shape[0]

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.lr[index], self.hr[index]


class SRTestSet(Sequence[SRPair]):
    """A test set: :class:`SRPair` items ``(name, hr, lr)``, in file-name order.

    The HR is cropped bottom/right to a multiple of ``scale``. The LR is MATLAB's bicubic of
    it on uint8 RGB, or read from ``lr_folder`` (a file of the same name, such as the
    ``Set5_LR_bicubic/X3`` images; those were made by MATLAB and agree with the computed ones
    except for a few border pixels). A file that cannot be read raises: a test set must be
    complete.

    Raises:
        FileNotFoundError: a missing folder or LR file.
        ValueError: no image in ``hr_folder``, a bad ``scale``, or an LR of the wrong size.
        ImageReadError: an unreadable or non-8-bit image.
    """

    def __init__(self, hr_folder: PathLike, scale: int, lr_folder: PathLike | None = None) -> None:
        self.scale = check_scale(scale)
        self._pairs: list[SRPair] = []
        for path in image_files(hr_folder):
            hr = crop_to_multiple(read_8bit(path), self.scale)
            if lr_folder is None:
                lr = resize(hr, scale=1 / self.scale, compat="matlab")
            else:
                lr_path = Path(lr_folder) / path.name
                if not lr_path.is_file():
                    raise FileNotFoundError(f"{lr_path}: no LR image for {path}")
                lr = read_8bit(lr_path)
                want = (hr.shape[0] // self.scale, hr.shape[1] // self.scale, *hr.shape[2:])
                if lr.shape != want:
                    raise ValueError(f"{lr_path}: shape {lr.shape}, expected {want} for "
                                     f"{path} at scale {self.scale}")
            self._pairs.append(SRPair(path.stem, hr, lr))

    def __len__(self) -> int:
        return len(self._pairs)

    @overload
    def __getitem__(self, index: int) -> SRPair: ...
    @overload
    def __getitem__(self, index: slice) -> list[SRPair]: ...
    def __getitem__(self, index: int | slice) -> SRPair | list[SRPair]:
        return self._pairs[index]


def _y_tensor(image: np.ndarray) -> torch.Tensor:
    """``(1, H, W)`` float32 ``Y / 255``."""
    return torch.from_numpy(luma(image).astype(np.float32) / 255)[None]
