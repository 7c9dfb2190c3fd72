"""Tests for resamplers.functional.pyramid."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage
from skimage import data

from resamplers.functional.pyramid import (
    GaussianPyramid,
    LaplacianPyramid,
    LaplacianReconstruct,
    gaussian_pyramid,
    laplacian_pyramid,
    laplacian_reconstruct,
)
from resamplers.functional.resize import resize

BURT_ADELSON = np.array([1, 4, 6, 4, 1]) / 16


def camera(height: int, width: int) -> np.ndarray:
    return data.camera()[100 : 100 + height, 50 : 50 + width].astype(np.float32) / 255


def scipy_reduce(x: np.ndarray) -> np.ndarray:
    """Burt & Adelson REDUCE on every spatial axis: 5-tap filter, mirror border, keep evens."""
    for axis in range(2, x.ndim):
        x = ndimage.correlate1d(x, BURT_ADELSON, axis=axis, mode="mirror")
        x = np.take(x, np.arange(0, x.shape[axis], 2), axis=axis)
    return x


@pytest.mark.parametrize(("height", "width"), [(64, 48), (67, 45), (50, 33)])
def test_gaussian_levels_match_opencv_pyrdown(height: int, width: int) -> None:
    image = camera(height, width)
    levels = gaussian_pyramid(image[None, None], 3)
    expected = image
    for level in levels[1:]:
        expected = cv2.pyrDown(expected)
        assert level.shape[2:] == expected.shape
        np.testing.assert_allclose(level[0, 0], expected, rtol=0, atol=2e-6)


@pytest.mark.parametrize("shape", [(41,), (40,), (9, 12, 11), (8, 10, 16)])
def test_gaussian_levels_match_scipy(shape: tuple[int, ...]) -> None:
    x = np.random.default_rng(len(shape)).standard_normal((2, 3, *shape))
    levels = gaussian_pyramid(x, 3)
    np.testing.assert_allclose(levels[1], scipy_reduce(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(levels[2], scipy_reduce(scipy_reduce(x)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("filter_size", [3, 4, 5, 7])
def test_level_sizes_halve_rounding_up(filter_size: int) -> None:
    x = torch.rand(1, 2, 45, 30, 23)
    sizes = [tuple(g.shape[2:]) for g in gaussian_pyramid(x, 4, filter_size)]
    assert sizes == [(45, 30, 23), (23, 15, 12), (12, 8, 6), (6, 4, 3)]
    assert [tuple(b.shape[2:]) for b in laplacian_pyramid(x, 4, filter_size)] == sizes


def test_bands_are_levels_minus_their_expanded_successors() -> None:
    x = torch.from_numpy(camera(37, 52))[None, None]
    gaussian = gaussian_pyramid(x, 4)
    bands = laplacian_pyramid(x, 4)
    for k in range(3):
        expanded = resize(gaussian[k + 1], size=gaussian[k].shape[2:], method="linear")
        torch.testing.assert_close(bands[k], gaussian[k] - expanded, rtol=0, atol=0)
    assert torch.equal(bands[3], gaussian[3])


@pytest.mark.parametrize("name", ["astronaut", "camera"])
def test_reconstruction_of_real_images_is_exact(name: str) -> None:
    image = getattr(data, name)().astype(np.float32)
    x = torch.from_numpy(image.reshape(*image.shape[:2], -1)).permute(2, 0, 1)[None][..., :509]
    pyramid = laplacian_pyramid(x, 8)
    assert pyramid[-1].shape[2:] == (4, 4)
    error = (laplacian_reconstruct(pyramid) - x).abs().max()
    assert error <= 1e-6 * x.abs().max()


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_reconstruction_is_exact(data: st.DataObject) -> None:
    dims = data.draw(st.integers(1, 3), label="dims")
    size = [data.draw(st.integers(3, 40 if dims < 3 else 12), label="size") for _ in range(dims)]
    filter_size = data.draw(st.integers(1, 6), label="filter_size")
    most = 1
    smallest = min(size)
    while smallest > filter_size // 2 and most < 6:
        smallest, most = math.ceil(smallest / 2), most + 1
    levels = data.draw(st.integers(1, most), label="levels")
    dtype = data.draw(st.sampled_from([torch.float32, torch.float64]), label="dtype")
    scale = data.draw(st.sampled_from([1e-3, 1.0, 1e4]), label="scale")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    x = scale * torch.randn(2, 2, *size, dtype=dtype, generator=torch.Generator().manual_seed(seed))
    pyramid = laplacian_pyramid(x, levels, filter_size)
    assert len(pyramid) == levels
    tolerance = 1e-6 if dtype == torch.float32 else 1e-14
    assert (laplacian_reconstruct(pyramid) - x).abs().max() <= tolerance * x.abs().max()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_in_numpy_out(dtype) -> None:
    x = camera(30, 21)[None, None].astype(dtype)
    for pyramid in (gaussian_pyramid(x, 3), laplacian_pyramid(x, 3)):
        assert all(isinstance(level, np.ndarray) and level.dtype == dtype for level in pyramid)
    out = laplacian_reconstruct(laplacian_pyramid(x, 3))
    assert isinstance(out, np.ndarray) and out.dtype == dtype
    np.testing.assert_allclose(out, x, rtol=0, atol=1e-6)
    expected = gaussian_pyramid(torch.from_numpy(x), 3)[2].numpy()
    np.testing.assert_array_equal(gaussian_pyramid(x, 3)[2], expected)


@pytest.mark.parametrize("shape", [(7,), (6, 5), (5, 4, 6)])
def test_gradcheck(shape: tuple[int, ...]) -> None:
    x = torch.rand(1, 2, *shape, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: tuple(gaussian_pyramid(t, 2)), (x,), fast_mode=True)
    assert torch.autograd.gradcheck(
        lambda t: tuple(laplacian_pyramid(t, 2, 3)), (x,), fast_mode=True
    )
    coarse = torch.rand(1, 2, *(math.ceil(s / 2) for s in shape), dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda fine, small: laplacian_reconstruct([fine, small]),
        (x, coarse.requires_grad_()),
        fast_mode=True,
    )


def test_modules() -> None:
    x = torch.from_numpy(camera(33, 40))[None, None]
    expected = laplacian_pyramid(x, 3)
    bands = LaplacianPyramid(3)(x)
    assert all(torch.equal(a, b) for a, b in zip(bands, expected, strict=True))
    assert all(
        torch.equal(a, b)
        for a, b in zip(GaussianPyramid(3, 3)(x), gaussian_pyramid(x, 3, 3), strict=True)
    )
    assert torch.equal(LaplacianReconstruct()(bands), laplacian_reconstruct(expected))


X = torch.rand(1, 1, 8, 8)
ERRORS = [
    (
        lambda: gaussian_pyramid(X, 4),
        ValueError,
        r"levels: level 3 would blur spatial size \(2, 2\)",
    ),
    (lambda: laplacian_pyramid(X, 0), ValueError, "levels: expected an integer >= 1"),
    (lambda: laplacian_pyramid(X, 2.0), TypeError, "levels: expected an integer"),
    (
        lambda: gaussian_pyramid(X, 2, filter_size=0),
        ValueError,
        "filter_size: expected an integer >= 1",
    ),
    (
        lambda: gaussian_pyramid(X.to(torch.uint8), 2),
        TypeError,
        "x: gaussian_pyramid needs floating-point",
    ),
    (lambda: gaussian_pyramid(X[0, 0], 2), ValueError, r"x: expected \(N, C, \*spatial\)"),
    (lambda: laplacian_reconstruct([]), TypeError, "pyramid: expected a non-empty list"),
    (lambda: laplacian_reconstruct(X), TypeError, "pyramid: expected a non-empty list"),
    (
        lambda: laplacian_reconstruct([X, torch.rand(1, 2, 4, 4)]),
        ValueError,
        r"pyramid\[1\]: shape",
    ),
    (lambda: laplacian_reconstruct([X, torch.rand(1, 1, 4)]), ValueError, r"pyramid\[1\]: shape"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_clear_errors(call, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
class TestCUDA:
    @pytest.mark.parametrize("shape", [(37,), (33, 20), (9, 12, 7)])
    def test_matches_cpu(self, shape: tuple[int, ...]) -> None:
        x = torch.rand(2, 3, *shape)
        pyramid = laplacian_pyramid(x.cuda(), 3)
        assert all(level.is_cuda for level in pyramid)
        for got, expected in zip(pyramid, laplacian_pyramid(x, 3), strict=True):
            torch.testing.assert_close(got.cpu(), expected, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(laplacian_reconstruct(pyramid).cpu(), x, rtol=0, atol=1e-6)
