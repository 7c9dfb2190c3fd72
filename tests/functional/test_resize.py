"""``resize`` against its references on real images, its gradients, and its properties.

Tolerances: float32 results within 1e-5 of PyTorch and Pillow (values in [0, 1]) and 1e-4 of OpenCV
(which builds float32 weights); uint8 bit-identical to Pillow (compat="pil"), within 1 of OpenCV.
"""

from __future__ import annotations

import importlib

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import resamplers
from resamplers.functional.compat import Axis, make_plan, output_size
from resamplers.functional.resize import _run

DOWN_UP_SIZES = [(40, 48), (53, 37), (81, 96), (160, 192), (211, 250), (320, 384), (97, 300)]
PIL_FILTERS = {
    "nearest": Image.NEAREST,
    "box": Image.BOX,
    "linear": Image.BILINEAR,
    "hamming": Image.HAMMING,
    "cubic": Image.BICUBIC,
    "lanczos3": Image.LANCZOS,
}
CV_FLAGS = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "area": cv2.INTER_AREA,
    "lanczos4": cv2.INTER_LANCZOS4,
}


def _engine(x: torch.Tensor, size=None, method="cubic", antialias=True, scale=None, **kw):
    """The tap-table engine alone, bypassing the F.interpolate shortcut."""
    compat = kw.get("compat")
    if scale is not None:
        scales = (scale,) * (x.ndim - 2)
        size = tuple(output_size(compat, n, s) for n, s in zip(x.shape[2:], scales, strict=True))
    else:
        scales = (None,) * (x.ndim - 2)
    axes = tuple(Axis(n, m, s) for n, m, s in zip(x.shape[2:], size, scales, strict=True))
    plan = make_plan(compat, method, axes, antialias, kw.get("align_corners", False))
    return _run(x, tuple(range(2, x.ndim)), plan, method)


def _resize_both_ways(x: torch.Tensor, **kw) -> list[torch.Tensor]:
    """resize() (which may call F.interpolate) and the engine alone: both must match."""
    return [resamplers.resize(x, **kw), _engine(x, **kw)]


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", DOWN_UP_SIZES)
@pytest.mark.parametrize("method", list(PIL_FILTERS))
def test_pil_preset_is_bit_exact_on_uint8(astronaut, camera, size, method) -> None:
    for img in (astronaut, camera):
        expected = np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[method]))
        got = resamplers.resize(img, size=size, method=method, compat="pil")
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("shape", "size"), [((265, 188), (265, 358)), ((94, 65, 3), (372, 65))])
def test_pil_hamming_rounds_as_pillow(shape, size) -> None:
    """Pillow's HAMMING uses the float constants 0.54f / 0.46f: with the doubles these upscales
    had fixed-point weights that rounded the other way (pixels 1 level off)."""
    img = np.random.default_rng(5).integers(0, 256, shape, dtype=np.uint8)
    expected = np.asarray(Image.fromarray(img).resize(size[::-1], Image.HAMMING))
    got = resamplers.resize(img, size=size, method="hamming", compat="pil")
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("size", DOWN_UP_SIZES)
@pytest.mark.parametrize("method", [m for m in PIL_FILTERS if m != "nearest"])
def test_default_equals_pillow_float_filters(camera, size, method) -> None:
    img = camera.astype(np.float32) / 255
    expected = np.asarray(Image.fromarray(img).resize(size[::-1], PIL_FILTERS[method]))
    for compat in (None, "pil"):
        got = resamplers.resize(img, size=size, method=method, compat=compat)
        np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize("size", [*DOWN_UP_SIZES, (80, 96), (320, 384)])
@pytest.mark.parametrize("method", list(CV_FLAGS))
def test_opencv_preset(astronaut, size, method) -> None:
    img = astronaut.astype(np.float32) / 255
    expected = cv2.resize(img, size[::-1], interpolation=CV_FLAGS[method])
    got = resamplers.resize(img, size=size, method=method, compat="opencv")
    np.testing.assert_allclose(got, expected, atol=1e-4)
    expected8 = cv2.resize(astronaut, size[::-1], interpolation=CV_FLAGS[method])
    got8 = resamplers.resize(astronaut, size=size, method=method, compat="opencv")
    assert np.abs(got8.astype(int) - expected8).max() <= 1


@pytest.mark.parametrize("fx", [0.5, 0.3, 0.25, 1.7, 2.0])
@pytest.mark.parametrize("method", list(CV_FLAGS))
def test_opencv_preset_with_scale_factors(camera, fx, method) -> None:
    img = camera.astype(np.float32) / 255
    expected = cv2.resize(img, None, fx=fx, fy=fx, interpolation=CV_FLAGS[method])
    got = resamplers.resize(img, scale=fx, method=method, compat="opencv")
    np.testing.assert_allclose(got, expected, atol=1e-4)


TORCH_MODES = {
    "nearest": "nearest",
    "nearest-exact": "nearest-exact",
    "linear": "bilinear",
    "cubic": "bicubic",
    "area": "area",
}


@pytest.mark.parametrize("size", DOWN_UP_SIZES)
@pytest.mark.parametrize("method", list(TORCH_MODES))
def test_torch_preset_2d(astronaut, size, method) -> None:
    x = torch.from_numpy(astronaut).permute(2, 0, 1)[None].float() / 255
    flags = [(False, False)]
    if method in ("linear", "cubic"):
        flags = [(ac, aa) for ac in (False, True) for aa in (False, True)]
    for align_corners, antialias in flags:
        kw = {"align_corners": align_corners} if method in ("linear", "cubic") else {}
        expected = F.interpolate(x, size=size, mode=TORCH_MODES[method], antialias=antialias, **kw)
        for got in _resize_both_ways(
            x,
            size=size,
            method=method,
            compat="torch",
            antialias=antialias,
            align_corners=align_corners,
        ):
            torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize("scale", [0.5, 0.3, 0.33, 1.7, 2.5])
@pytest.mark.parametrize("method", list(TORCH_MODES))
def test_torch_preset_scale_factor(camera, scale, method) -> None:
    x = torch.from_numpy(camera)[None, None].float() / 255
    expected = F.interpolate(x, scale_factor=scale, mode=TORCH_MODES[method])
    for got in _resize_both_ways(x, scale=scale, method=method, compat="torch", antialias=False):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    ("method", "mode"),
    [
        ("nearest", "nearest"),
        ("linear", "linear"),
        ("nearest-exact", "nearest-exact"),
        ("area", "area"),
    ],
)
@pytest.mark.parametrize("dims", [1, 3])
def test_torch_preset_1d_3d(method, mode, dims) -> None:
    x = torch.rand((2, 3, 9, 14, 11)[: 2 + dims], generator=torch.Generator().manual_seed(0))
    if dims == 3 and mode == "linear":
        mode = "trilinear"
    for size in ((5, 7, 4)[:dims], (20, 29, 25)[:dims]):
        expected = F.interpolate(x, size=size, mode=mode)
        for got in _resize_both_ways(x, size=size, method=method, compat="torch", antialias=False):
            torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)


def test_matlab_preset_reproduces_the_sr_benchmark_low_resolution_images(shared_data) -> None:
    """Every pixel 4+ pixels from the border identical; >= 98 % identical overall."""
    same = total = 0
    for dataset in ("Set5", "Set14"):
        for scale in (2, 3, 4):
            for path in sorted((shared_data / "sr" / dataset).glob("*.png")):
                hr = np.asarray(Image.open(path))
                hr = hr[: hr.shape[0] - hr.shape[0] % scale, : hr.shape[1] - hr.shape[1] % scale]
                lr_path = shared_data / "sr" / f"{dataset}_LR_bicubic" / f"X{scale}" / path.name
                expected = np.asarray(Image.open(lr_path))
                got = resamplers.resize(hr, scale=1 / scale, method="cubic", compat="matlab")
                assert got.shape == expected.shape
                np.testing.assert_array_equal(
                    got[4:-4, 4:-4], expected[4:-4, 4:-4], err_msg=f"{lr_path}"
                )
                same += int((got == expected).sum())
                total += got.size
    assert same / total >= 0.98


# --- the F.interpolate shortcut computes exactly what the engine computes ----------------


@pytest.mark.parametrize(
    ("method", "dims", "antialias"),
    [
        ("linear", 1, False),
        ("linear", 2, True),
        ("linear", 3, False),
        ("linear", 3, True),
        ("cubic", 2, True),
        ("lanczos3", 2, True),
        ("lanczos3", 2, False),
        ("cubic", 2, False),
        ("area", 2, True),
        ("area", 3, True),
    ],
)
def test_fast_path_equals_engine(method, dims, antialias) -> None:
    x = torch.rand((2, 3, 24, 30, 18)[: 2 + dims], generator=torch.Generator().manual_seed(1))
    for size in ((12, 10, 6)[:dims], (8, 15, 9)[:dims], (37, 45, 31)[:dims], (24, 5, 18)[:dims]):
        got = resamplers.resize(x, size=size, method=method, antialias=antialias)
        torch.testing.assert_close(got, _engine(x, size, method, antialias), atol=1e-5, rtol=0)


def test_3d_antialias_equals_torch_2d_antialias_axis_by_axis() -> None:
    """No peer antialiases volumes; torch's 2-D antialias, run on (H, W) then on D, does."""
    vol = torch.rand(1, 2, 20, 24, 28, generator=torch.Generator().manual_seed(2))
    got = resamplers.resize(vol, size=(7, 10, 9), method="cubic")
    planes = F.interpolate(
        vol.permute(0, 2, 1, 3, 4).reshape(20, 2, 24, 28),
        size=(10, 9),
        mode="bicubic",
        antialias=True,
    )
    planes = planes.reshape(1, 20, 2, 90).permute(0, 2, 1, 3)  # (1, C, D, H*W)
    expected = F.interpolate(planes, size=(7, 90), mode="bicubic", antialias=True)
    torch.testing.assert_close(got, expected.reshape(1, 2, 7, 10, 9), atol=1e-5, rtol=0)


def test_1d_signals_with_axes() -> None:
    signals = torch.rand(5, 100, generator=torch.Generator().manual_seed(3))
    got = resamplers.resize(signals, size=30, method="linear", axes=(-1,))
    expected = F.interpolate(signals[:, None, None], size=(1, 30), mode="bilinear", antialias=True)
    torch.testing.assert_close(got, expected[:, 0, 0], atol=1e-5, rtol=0)


def test_long_signal_uses_the_blocked_path_and_stays_correct() -> None:
    """The engine's blocked path (a long axis) and the compiled kernels' horizontal pass, which
    ``resize`` takes, agree; and with the 2-D path of a one-row image."""
    signal = torch.rand(
        1, 1, 50_000, generator=torch.Generator().manual_seed(4), dtype=torch.float64
    )
    got = resamplers.resize(signal, size=12_345, method="lanczos3")
    torch.testing.assert_close(got, _engine(signal, (12_345,), "lanczos3"), atol=1e-12, rtol=0)
    expected = resamplers.resize(signal[:, :, None, :], size=(1, 12_345), method="lanczos3")
    torch.testing.assert_close(got, expected[:, :, 0], atol=1e-12, rtol=0)


# --- gradients -------------------------------------------------------------------------------

GRAD_METHODS = [
    "nearest",
    "linear",
    "cubic",
    "lanczos2",
    "lanczos3",
    "box",
    "hamming",
    "gaussian",
    "area",
]


@pytest.mark.parametrize("method", GRAD_METHODS)
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_gradcheck(method, dims) -> None:
    x = torch.rand((1, 2, 7, 6, 5)[: 2 + dims], dtype=torch.float64, requires_grad=True)
    for size in ((3, 4, 2)[:dims], (11, 9, 8)[:dims]):
        assert torch.autograd.gradcheck(
            lambda t, s=size: resamplers.resize(t, size=s, method=method), (x,), fast_mode=dims == 3
        )


def test_gradcheck_presets_and_blocked_path() -> None:
    x = torch.rand(1, 1, 9, 8, dtype=torch.float64, requires_grad=True)
    for compat, method in (("opencv", "cubic"), ("torch", "cubic"), ("matlab", "cubic")):
        assert torch.autograd.gradcheck(
            lambda t, c=compat, m=method: resamplers.resize(t, size=(4, 13), method=m, compat=c),
            (x,),
        )
    long = torch.rand(1, 1, 3000, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: resamplers.resize(t, size=700, method="cubic"), (long,)
    )


# --- properties ------------------------------------------------------------------------------

sizes = st.integers(1, 24)
methods = st.sampled_from(["linear", "cubic", "lanczos3", "box", "hamming", "gaussian", "area"])


@settings(max_examples=40, deadline=None)
@given(n=sizes, m=sizes, n2=sizes, m2=sizes, method=methods, value=st.floats(-5, 5))
def test_constant_stays_constant(n, m, n2, m2, method, value) -> None:
    x = torch.full((1, 1, n, n2), value, dtype=torch.float64)
    out = resamplers.resize(x, size=(m, m2), method=method)
    torch.testing.assert_close(out, torch.full_like(out, value), atol=1e-9, rtol=0)


@settings(max_examples=30, deadline=None)
@given(
    n=sizes,
    n2=sizes,
    method=st.sampled_from([*GRAD_METHODS]),
    compat=st.sampled_from([None, "pil", "opencv", "torch", "matlab"]),
)
def test_same_size_is_identity(n, n2, method, compat) -> None:
    from resamplers.functional.compat import METHODS

    if method not in METHODS[compat]:
        return
    x = torch.rand(2, 3, n, n2, dtype=torch.float64)
    torch.testing.assert_close(resamplers.resize(x, size=(n, n2), method=method, compat=compat), x)


@settings(max_examples=30, deadline=None)
@given(n=sizes, m=sizes, method=methods, a=st.floats(-3, 3), b=st.floats(-3, 3))
def test_linear_operator(n, m, method, a, b) -> None:
    g = torch.Generator().manual_seed(n * 31 + m)
    x, y = (
        torch.rand(1, 2, n, dtype=torch.float64, generator=g),
        torch.rand(1, 2, n, dtype=torch.float64, generator=g),
    )
    lhs = resamplers.resize(a * x + b * y, size=m, method=method)
    rhs = a * resamplers.resize(x, size=m, method=method) + b * resamplers.resize(
        y, size=m, method=method
    )
    torch.testing.assert_close(lhs, rhs, atol=1e-9, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(shape=st.tuples(sizes, sizes, sizes), out=st.tuples(sizes, sizes, sizes), method=methods)
def test_separable_nd_equals_axis_by_axis(shape, out, method) -> None:
    x = torch.rand(1, 1, *shape, dtype=torch.float64)
    expected = x
    for axis, size in zip((2, 3, 4), out, strict=True):
        expected = resamplers.resize(expected, size=size, method=method, axes=(axis,))
    torch.testing.assert_close(resamplers.resize(x, size=out, method=method), expected)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 500),
    scale=st.floats(0.01, 8.0),
    compat=st.sampled_from([None, "pil", "opencv", "torch", "matlab"]),
)
def test_output_size_rule(n, scale, compat) -> None:
    import math

    expected = {
        None: math.floor(n * scale + 1e-9 * max(1, n * scale)),
        "pil": None,
        "matlab": math.ceil(n * scale),
        "opencv": round(n * scale),
        "torch": math.floor(n * scale),
    }[compat]
    if compat == "pil":
        expected = math.floor(n * scale + 1e-9 * max(1, n * scale))
    x = torch.zeros(1, 1, n)
    if expected < 1:
        with pytest.raises(ValueError, match="no output pixel"):
            resamplers.resize(x, scale=scale, method="linear", compat=compat)
        return
    assert resamplers.resize(x, scale=scale, method="linear", compat=compat).shape[-1] == expected


def test_exact_fractions_are_not_floored_away() -> None:
    assert resamplers.resize(torch.zeros(1, 1, 9), scale=1 / 3).shape[-1] == 3
    assert resamplers.resize(torch.zeros(1, 1, 10), scale=0.7).shape[-1] == 7


# --- types, layouts and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype",
    [torch.uint8, torch.uint16, torch.float16, torch.bfloat16, torch.float32, torch.float64],
)
def test_dtypes_are_kept(dtype) -> None:
    x = (torch.rand(1, 3, 20, 22, generator=torch.Generator().manual_seed(0)) * 200).to(dtype)
    for method in ("nearest", "cubic", "area"):
        out = resamplers.resize(x, size=(9, 31), method=method)
        assert out.dtype == dtype and out.shape == (1, 3, 9, 31)
    if dtype in (torch.uint8, torch.uint16):
        # Rounded once from the float32 result, clamped. (Against a float64 reference, a value
        # within float32's error of .5 rounds either way: that flaked once in CI.)
        ref = resamplers.resize(x.float(), size=(9, 31), method="lanczos3").double()
        out = resamplers.resize(x, size=(9, 31), method="lanczos3")
        high = 255 if dtype == torch.uint8 else 65535
        torch.testing.assert_close(
            out.double(), torch.floor(ref + 0.5).clamp(0, high), atol=0, rtol=0
        )


def test_numpy_in_numpy_out(astronaut) -> None:
    out = resamplers.resize(astronaut, size=(50, 60))
    assert isinstance(out, np.ndarray) and out.dtype == np.uint8 and out.shape == (50, 60, 3)
    gray = resamplers.resize(astronaut[..., 0].astype(np.float64), scale=0.5)
    assert gray.dtype == np.float64 and gray.shape == (80, 96)
    flipped = resamplers.resize(astronaut[::-1], size=(50, 60))  # negative strides
    np.testing.assert_array_equal(flipped, resamplers.resize(astronaut[::-1].copy(), size=(50, 60)))


def test_channels_last_stays_channels_last() -> None:
    x = torch.rand(2, 3, 32, 30).contiguous(memory_format=torch.channels_last)
    for method in ("linear", "lanczos3", "nearest"):
        out = resamplers.resize(x, size=(15, 41), method=method)
        assert out.is_contiguous(memory_format=torch.channels_last)
        torch.testing.assert_close(
            out, resamplers.resize(x.contiguous(), size=(15, 41), method=method)
        )


def test_size_and_scale_must_agree() -> None:
    x = torch.zeros(1, 1, 10, 10)
    assert resamplers.resize(x, size=5, scale=0.5).shape == (1, 1, 5, 5)
    with pytest.raises(ValueError, match="disagree"):
        resamplers.resize(x, size=6, scale=0.5)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"size": 0}, ValueError, "size"),
        ({"size": -3}, ValueError, "size"),
        ({"size": 2.5}, TypeError, "size"),
        ({"scale": float("nan")}, ValueError, "scale"),
        ({"scale": float("inf")}, ValueError, "scale"),
        ({"scale": -1}, ValueError, "scale"),
        ({"size": (3, 4, 5)}, ValueError, "one per spatial axis"),
        ({}, ValueError, "size= .* or scale="),
        ({"size": 4, "method": "bogus"}, ValueError, "unknown method 'bogus'"),
        ({"size": 4, "method": "lanczos4"}, ValueError, "unknown method"),
        ({"size": 4, "compat": "matlab", "method": "area"}, ValueError, "compat='matlab'"),
        ({"size": 4, "compat": "gimp"}, ValueError, "compat"),
        ({"size": 4, "method": "area", "align_corners": True}, ValueError, "align_corners"),
        ({"size": 4, "compat": "pil", "align_corners": True}, ValueError, "align_corners"),
    ],
)
def test_errors_name_the_argument(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        resamplers.resize(torch.zeros(1, 1, 8, 8), **kwargs)


def test_rank_and_dtype_errors() -> None:
    with pytest.raises(ValueError, match="axes="):
        resamplers.resize(torch.zeros(8, 8), size=4)
    with pytest.raises(ValueError, match="axes="):
        resamplers.resize(np.zeros((2, 8, 8, 3)), size=4)
    with pytest.raises(TypeError, match="dtype"):
        resamplers.resize(torch.zeros(1, 1, 8, 8, dtype=torch.int32), size=4, method="cubic")
    with pytest.raises(ValueError, match="empty"):
        resamplers.resize(torch.zeros(1, 1, 0, 8), size=4)
    with pytest.raises(TypeError, match="ndarray"):
        resamplers.resize([[1.0, 2.0]], size=4)
    with pytest.raises(ValueError, match="out of range"):
        resamplers.resize(torch.zeros(4, 8), size=4, axes=(2,))
    # nearest is a gather: any dtype, including integers
    assert (
        resamplers.resize(
            torch.zeros(1, 1, 8, 8, dtype=torch.int32), size=4, method="nearest"
        ).dtype
        == torch.int32
    )


def test_align_corners_maps_corner_centres() -> None:
    x = torch.linspace(0, 1, 9, dtype=torch.float64).view(1, 1, 9)
    out = resamplers.resize(x, size=17, method="linear", align_corners=True)
    torch.testing.assert_close(out, torch.linspace(0, 1, 17, dtype=torch.float64).view(1, 1, 17))


def test_module_form() -> None:
    layer = resamplers.Resize(scale=0.5, method="lanczos3")
    x = torch.rand(2, 1, 16, 16)
    torch.testing.assert_close(layer(x), resamplers.resize(x, scale=0.5, method="lanczos3"))
    assert "lanczos3" in repr(layer)


def test_custom_kernel() -> None:
    kernel = resamplers.get_kernel("cubic", a=-0.75)
    x = torch.rand(1, 1, 30, dtype=torch.float64)
    out = resamplers.resize(x, size=10, method=kernel)
    assert not torch.allclose(out, resamplers.resize(x, size=10, method="cubic"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
class TestCUDA:
    @pytest.mark.parametrize("method", GRAD_METHODS)
    @pytest.mark.parametrize("dims", [1, 2, 3])
    def test_matches_cpu(self, method, dims) -> None:
        x = torch.rand((2, 3, 40, 36, 20)[: 2 + dims], dtype=torch.float64)
        for size in ((13, 11, 7)[:dims], (81, 50, 41)[:dims]):
            cpu = resamplers.resize(x, size=size, method=method)
            gpu = resamplers.resize(x.cuda(), size=size, method=method)
            assert gpu.device.type == "cuda"
            torch.testing.assert_close(gpu.cpu(), cpu)

    def test_uint8_pil_bit_exact_on_gpu(self, astronaut) -> None:
        x = torch.from_numpy(astronaut).permute(2, 0, 1)[None]
        cpu = resamplers.resize(x, size=(61, 77), compat="pil")
        torch.testing.assert_close(
            resamplers.resize(x.cuda(), size=(61, 77), compat="pil").cpu(), cpu, atol=0, rtol=0
        )

    def test_gradients(self) -> None:
        x = torch.rand(1, 1, 6, 7, 5, dtype=torch.float64, device="cuda", requires_grad=True)
        assert torch.autograd.gradcheck(lambda t: resamplers.resize(t, size=(3, 9, 4)), (x,))


@pytest.mark.parametrize("method", ["linear", "cubic", "box", "area", "lanczos3"])
def test_nan_stays_local(method) -> None:
    """A NaN spoils only the outputs whose kernel covers it, as in F.interpolate."""
    x = torch.rand(1, 1, 64, 64, dtype=torch.float64)
    x[0, 0, 20, 30] = float("nan")
    out = resamplers.resize(x, scale=0.5, method=method)
    nan = torch.isnan(out)
    support = {"linear": 1, "cubic": 2, "box": 0.5, "area": 0.5, "lanczos3": 3}[method]
    assert 0 < int(nan.sum()) <= (2 * support) ** 2  # outputs within the stretched support
    assert nan[0, 0, 10, 15]
    clean = x.clone()
    clean[0, 0, 20, 30] = 0.0
    torch.testing.assert_close(out[~nan], resamplers.resize(clean, scale=0.5, method=method)[~nan])


# --- set-up once per kind of call ------------------------------------------------------------


@pytest.fixture
def set_ups(monkeypatch) -> list[tuple]:
    """The arguments of each set-up ``resize`` does (none where it reuses one), from an empty
    cache."""
    module = importlib.import_module("resamplers.functional.resize")
    monkeypatch.setattr(module, "_CALLS", {})
    seen: list[tuple] = []
    original = module._set_up

    def spy(*args):
        seen.append(args[1:])
        return original(*args)

    monkeypatch.setattr(module, "_set_up", spy)
    return seen


def test_a_repeated_call_reuses_its_set_up(set_ups) -> None:
    """The second call with the same arguments, and an input of the same type, dtype, shape and
    strides, skips the set-up and returns what a fresh one does; anything else sets up anew."""
    gen = torch.Generator().manual_seed(0)
    x, y = torch.rand(2, 3, 64, 80, generator=gen), torch.rand(2, 3, 64, 80, generator=gen)
    first = resamplers.resize(x, (32, 100), method="linear")
    again = resamplers.resize(y, (32, 100), method="linear")
    assert len(set_ups) == 1
    torch.testing.assert_close(again, _engine(y, (32, 100), "linear"), atol=1e-5, rtol=0)
    torch.testing.assert_close(first, _engine(x, (32, 100), "linear"), atol=1e-5, rtol=0)
    image = np.asarray(x[0].permute(1, 2, 0))
    for other in (
        lambda: resamplers.resize(x, [32, 100], method="linear"),  # a list, not a tuple
        lambda: resamplers.resize(x, (32, 100), method="cubic"),
        lambda: resamplers.resize(x, (32, 100), method="linear", antialias=False),
        lambda: resamplers.resize(x.double(), (32, 100), method="linear"),
        lambda: resamplers.resize(x[:1], (32, 100), method="linear"),
        lambda: resamplers.resize(x.contiguous(memory_format=torch.channels_last), (32, 100)),
        lambda: resamplers.resize(x.requires_grad_(), (32, 100), method="linear"),
        lambda: resamplers.resize(image, (32, 100), method="linear"),
    ):
        count = len(set_ups)
        other()
        assert len(set_ups) == count + 1
        x.requires_grad_(False)
    # A gradient through the cached kernels' set-up would be lost: the engine runs instead.
    z = x.clone().requires_grad_()
    resamplers.resize(z, (32, 100), method="linear").sum().backward()
    assert z.grad is not None and z.grad.abs().sum() > 0


def test_a_reused_set_up_still_rejects_what_it_would(set_ups) -> None:
    """Arguments equal in value but not in type (2.0 for 2) are another key: their errors come
    as on a first call; objects that are not plain values are never keys."""
    x = torch.rand(1, 1, 40, 40)
    resamplers.resize(x, (20, 20))
    with pytest.raises(TypeError, match="size"):
        resamplers.resize(x, (20.0, 20.0))
    assert len(set_ups) == 2
    for _ in range(2):
        resamplers.resize(x, torch.Size([20, 20]))
        resamplers.resize(x, (20, 20), method=resamplers.get_kernel("cubic", a=-0.75))
    # torch.Size is a tuple of its own type, set up once; a Kernel is set up on every call.
    assert len(set_ups) == 5


def test_a_reused_set_up_handles_nan_as_a_fresh_one(set_ups) -> None:
    """A NaN in a later input of a cached kind of call takes the engine, as on a first call: it
    stays within the outputs whose taps cover it."""
    x = torch.rand(1, 2, 120, 120, generator=torch.Generator().manual_seed(2))
    resamplers.resize(x, (40, 40), method="cubic")
    x[0, 1, 60, 60] = float("nan")
    out = resamplers.resize(x, (40, 40), method="cubic")
    assert len(set_ups) == 1
    want = _engine(x, (40, 40), "cubic")
    torch.testing.assert_close(out, want, atol=1e-5, rtol=0, equal_nan=True)
    assert 0 < out.isnan().sum() < 20 and not out[0, 0].isnan().any()


def test_the_set_ups_kept_are_bounded(set_ups, monkeypatch) -> None:
    module = importlib.import_module("resamplers.functional.resize")
    monkeypatch.setattr(module, "_CALLS_KEPT", 3)
    x = torch.rand(1, 1, 30, 30)
    for side in range(10, 16):
        resamplers.resize(x, side)
    assert len(module._CALLS) == 3
    resamplers.resize(x, 15)  # among the newest: kept
    resamplers.resize(x, 10)  # the oldest: dropped
    assert len(set_ups) == 7
