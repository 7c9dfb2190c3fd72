"""Tests for resamplers.functional.signal: polyphase resampling against scipy.signal.

Tolerances: float64 results must match SciPy to 1e-6 relative (in practice ~1e-15); float32
results to 5e-6 of the signal's peak (measured worst case ~5e-7: float32 rounding of ~80 taps).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal as sps

import resamplers.functional.signal as signal_module
from resamplers.functional.signal import (
    Decimate,
    InterpolateSignal,
    ResamplePoly,
    decimate,
    firwin_lowpass,
    get_window,
    interpolate_signal,
    resample_poly,
)

F64_RTOL = 1e-6
F32_TOL = 5e-6


def chirp(n: int) -> np.ndarray:
    t = np.linspace(0, 1, n, endpoint=False)
    return sps.chirp(t, f0=1, t1=1, f1=0.45 * n, method="quadratic")


def noise(n: int) -> np.ndarray:
    return np.random.default_rng(1234).standard_normal(n)


def plucked(n: int) -> np.ndarray:
    """A sound-like signal: a decaying plucked note (harmonics, vibrato) over faint noise."""
    fs = 8000.0
    t = np.arange(n) / fs
    phase = 2 * np.pi * 220 * t + 0.3 * np.sin(2 * np.pi * 5 * t)
    note = sum(np.exp(-3 * k * t) * np.sin(k * phase) / k for k in range(1, 12))
    return note + 0.01 * np.random.default_rng(7).standard_normal(n)


SIGNALS = {"chirp": chirp, "noise": noise, "plucked": plucked}
PAIRS = [(1, 2), (2, 1), (1, 4), (4, 1), (2, 3), (3, 2), (4, 6), (6, 4), (5, 7), (7, 5),
         (160, 147), (1, 13), (13, 1), (3, 3), (8, 12)]
LENGTHS = [1, 2, 7, 40, 257, 1000]


def assert_matches(actual: np.ndarray, expected: np.ndarray, tol: float = F64_RTOL) -> None:
    assert actual.shape == expected.shape
    scale = max(float(np.abs(expected).max(initial=0.0)), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tol * scale)


# --- filter design ---------------------------------------------------------------------------


WINDOWS = ["boxcar", "hann", "hamming", "blackman", ("hann",), ("kaiser", 5.0), ("kaiser", 0.5),
           ("general_hamming", 0.6), "ham", "hann_periodic", "hamming_symmetric", 8.6]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("length", [1, 2, 7, 8, 81])
@pytest.mark.parametrize("fftbins", [True, False])
def test_get_window_matches_scipy(window: object, length: int, fftbins: bool) -> None:
    expected = sps.get_window(window, length, fftbins=fftbins)
    actual = get_window(window, length, fftbins)
    np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("window", ["hamming", "hann", ("kaiser", 5.0), "blackman", "boxcar", 2.5])
@pytest.mark.parametrize(("numtaps", "cutoff"), [(1, 0.5), (5, 0.5), (10, 0.3), (41, 0.5),
                                                 (81, 0.25), (321, 1 / 16), (61, 0.9)])
def test_firwin_lowpass_matches_scipy(window: object, numtaps: int, cutoff: float) -> None:
    expected = sps.firwin(numtaps, cutoff, window=window)
    np.testing.assert_allclose(firwin_lowpass(numtaps, cutoff, window), expected,
                               rtol=1e-12, atol=1e-15)


# --- resample_poly against SciPy -------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SIGNALS))
@pytest.mark.parametrize(("up", "down"), PAIRS)
def test_resample_poly_matches_scipy(kind: str, up: int, down: int) -> None:
    for n in LENGTHS:
        x = SIGNALS[kind](n)
        assert_matches(resample_poly(x, up, down), sps.resample_poly(x, up, down))


@pytest.mark.parametrize("padtype", ["constant", "edge", "line", "mean", "median", "maximum",
                                     "minimum"])
@pytest.mark.parametrize(("up", "down"), [(1, 3), (3, 1), (2, 3), (5, 4)])
def test_padtypes_match_scipy(padtype: str, up: int, down: int) -> None:
    for n in (2, 5, 64, 301):
        x = plucked(n) + 2.0  # an offset, so that the padtypes differ
        expected = sps.resample_poly(x, up, down, padtype=padtype)
        assert_matches(resample_poly(x, up, down, padtype=padtype), expected)


@pytest.mark.parametrize("cval", [-1.5, 3.0])
def test_cval_matches_scipy(cval: float) -> None:
    x = chirp(100)
    expected = sps.resample_poly(x, 3, 2, padtype="constant", cval=cval)
    assert_matches(resample_poly(x, 3, 2, cval=cval), expected)


@pytest.mark.parametrize("window", ["hamming", "hann", ("hann",), ("kaiser", 8.0), "blackman",
                                    ("general_hamming", 0.7), 3.5])
@pytest.mark.parametrize(("up", "down"), [(1, 3), (4, 1), (3, 2)])
def test_windows_match_scipy(window: object, up: int, down: int) -> None:
    x = noise(333)
    assert_matches(resample_poly(x, up, down, window=window),
                   sps.resample_poly(x, up, down, window=window))


@pytest.mark.parametrize("numtaps", [1, 4, 9, 30, 61])
@pytest.mark.parametrize(("up", "down"), [(1, 3), (3, 1), (2, 3), (4, 6)])
def test_explicit_taps_match_scipy(numtaps: int, up: int, down: int) -> None:
    taps = np.random.default_rng(numtaps).standard_normal(numtaps)
    for n in (3, 50, 501):
        x = chirp(n)
        expected = sps.resample_poly(x, up, down, window=taps)
        for window in (taps, list(taps), torch.from_numpy(taps)):
            assert_matches(resample_poly(x, up, down, window=window), expected)


def test_long_signal_matches_scipy() -> None:
    x = plucked(300_001)  # more outputs than one chunk holds
    for up, down in ((1, 4), (4, 1), (2, 3)):
        assert_matches(resample_poly(x, up, down), sps.resample_poly(x, up, down))


@pytest.mark.parametrize("chunk", [1, 500, 3000, 20_000])
def test_chunk_boundaries(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    # Small chunks: several chunks per signal, and several signals per chunk (with a remainder).
    monkeypatch.setattr(signal_module, "_CHUNK_SAMPLES_CPU", chunk)
    for n in (301, 3001):
        x = np.stack([noise(n), chirp(n), plucked(n), chirp(n)[::-1], noise(n) ** 2])
        for up, down, padtype in ((1, 4, "line"), (4, 1, "edge"), (2, 3, "constant"),
                                  (7, 5, "mean")):
            expected = sps.resample_poly(x, up, down, axis=1, padtype=padtype)
            assert_matches(resample_poly(x, up, down, padtype=padtype), expected)


def test_float32_matches_scipy_within_float32_rounding() -> None:
    for up, down in ((1, 4), (4, 1), (2, 3), (160, 147)):
        x = plucked(2001)
        y = resample_poly(x.astype(np.float32), up, down)
        assert y.dtype == np.float32
        assert_matches(y.astype(np.float64), sps.resample_poly(x, up, down), F32_TOL)
        t = resample_poly(torch.from_numpy(x).float(), up, down)
        assert t.dtype == torch.float32
        assert_matches(t.double().numpy(), sps.resample_poly(x, up, down), F32_TOL)


# --- layouts, dtypes, torch ------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_batched_any_axis_numpy_and_torch(axis: int) -> None:
    x = noise(4 * 5 * 47).reshape(4, 5, 47)
    expected = sps.resample_poly(x, 3, 5, axis=axis)
    assert_matches(resample_poly(x, 3, 5, axis=axis), expected)
    out = resample_poly(torch.from_numpy(x), 3, 5, axis=axis)
    assert isinstance(out, torch.Tensor)
    assert_matches(out.numpy(), expected)


def test_non_contiguous_inputs() -> None:
    x = noise(60 * 8).reshape(60, 8)
    expected = sps.resample_poly(x.T, 2, 3, axis=-1)
    assert_matches(resample_poly(x.T, 2, 3), expected)  # a transposed NumPy view
    assert_matches(resample_poly(torch.from_numpy(x).t(), 2, 3).numpy(), expected)
    assert_matches(resample_poly(x[::-1], 2, 3, axis=0), sps.resample_poly(x[::-1], 2, 3))


def test_dtypes() -> None:
    ints = np.arange(20, dtype=np.int16)
    out = resample_poly(ints, 3, 2)
    assert out.dtype == np.float64
    assert_matches(out, sps.resample_poly(ints, 3, 2))
    assert resample_poly(ints.astype(np.float16), 3, 2).dtype == np.float16
    assert resample_poly(torch.arange(20), 3, 2).dtype == torch.float64
    half = resample_poly(torch.from_numpy(chirp(64)).bfloat16(), 2, 1)
    assert half.dtype == torch.bfloat16
    np.testing.assert_allclose(half.double().numpy(), sps.resample_poly(chirp(64), 2, 1), atol=0.05)
    same = resample_poly(ints, 4, 4)  # up == down: a float copy, as SciPy's copy
    np.testing.assert_array_equal(same, ints)
    assert same.dtype == np.float64


def test_interpolate_signal_and_decimate_match_scipy() -> None:
    for n in (1, 6, 99, 1000):
        x = plucked(n)
        for factor in (2, 3, 8):
            assert_matches(interpolate_signal(x, factor), sps.resample_poly(x, factor, 1))
            assert_matches(interpolate_signal(x, factor, window="hann", padtype="line")
                           if n > 1 else interpolate_signal(x, factor, window="hann"),
                           sps.resample_poly(x, factor, 1, window="hann",
                                             padtype="line" if n > 1 else "constant"))
        for q in (2, 3, 5, 8):
            for zero_phase in (True, False):
                expected = sps.decimate(x, q, ftype="fir", zero_phase=zero_phase)
                assert_matches(decimate(x, q, zero_phase=zero_phase), expected)
            assert_matches(decimate(x, q, n=7), sps.decimate(x, q, n=7, ftype="fir"))


def test_decimate_axis_and_float32() -> None:
    x = chirp(4 * 300).reshape(4, 300).T.copy()
    assert_matches(decimate(x, 3, axis=0), sps.decimate(x, 3, ftype="fir", axis=0))
    y = decimate(x.astype(np.float32), 3, axis=0)
    assert y.dtype == np.float32
    assert_matches(y.astype(np.float64), sps.decimate(x, 3, ftype="fir", axis=0), F32_TOL)


def test_modules_match_functions() -> None:
    x = torch.from_numpy(noise(3 * 200).reshape(3, 200))
    torch.testing.assert_close(ResamplePoly(3, 2, window="hann")(x),
                               resample_poly(x, 3, 2, window="hann"))
    torch.testing.assert_close(InterpolateSignal(4, padtype="edge")(x),
                               interpolate_signal(x, 4, padtype="edge"))
    torch.testing.assert_close(Decimate(4, zero_phase=False)(x), decimate(x, 4, zero_phase=False))
    torch.testing.assert_close(ResamplePoly(2, 3, axis=0)(x.T), resample_poly(x.T, 2, 3, axis=0))
    assert "up=3, down=2" in repr(ResamplePoly(3, 2))
    assert "q=4" in repr(Decimate(4))


@pytest.mark.parametrize(("up", "down", "padtype"), [
    (1, 3, "constant"), (3, 1, "line"), (2, 3, "edge"), (5, 3, "median"), (3, 4, "mean")])
def test_gradcheck(up: int, down: int, padtype: str) -> None:
    x = torch.randn(2, 11, dtype=torch.float64, generator=torch.Generator().manual_seed(up))
    x.requires_grad_()
    assert torch.autograd.gradcheck(lambda v: resample_poly(v, up, down, padtype=padtype), (x,))


def test_gradcheck_decimate_and_second_order() -> None:
    x = torch.randn(3, 40, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    x.requires_grad_()
    assert torch.autograd.gradcheck(lambda v: decimate(v, 3, zero_phase=False), (x,))
    assert torch.autograd.gradgradcheck(lambda v: resample_poly(v, 2, 3, cval=1.0), (x,))


def test_gradient_is_the_adjoint() -> None:
    # <A x, g> == <x, A^T g> on a long signal (chunked on both passes).
    x = torch.randn(1, 100_003, dtype=torch.float64, requires_grad=True)
    y = resample_poly(x, 5, 3)
    g = torch.randn_like(y)
    (grad,) = torch.autograd.grad(y, x, g)
    assert math.isclose(float((y.detach() * g).sum()), float((x.detach() * grad).sum()),
                        rel_tol=1e-10)


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), up=st.integers(1, 12), down=st.integers(1, 12))
def test_output_length_rule(n: int, up: int, down: int) -> None:
    out = resample_poly(torch.zeros(2, n, dtype=torch.float64), up, down)
    assert out.shape == (2, math.ceil(n * up / down))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 200), up=st.integers(1, 9), down=st.integers(1, 9),
       a=st.floats(-3, 3), b=st.floats(-3, 3),
       padtype=st.sampled_from(["constant", "edge", "line", "mean"]))
def test_linearity(n: int, up: int, down: int, a: float, b: float, padtype: str) -> None:
    rng = np.random.default_rng(n)
    x, y = rng.standard_normal((2, n))

    def f(v: np.ndarray) -> np.ndarray:
        return resample_poly(v, up, down, padtype=padtype)

    np.testing.assert_allclose(f(a * x + b * y), a * f(x) + b * f(y), rtol=0, atol=1e-11)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"up": 0, "down": 2}, ValueError, "up"),
    ({"up": 2, "down": -1}, ValueError, "down"),
    ({"up": 2.5, "down": 1}, TypeError, "up"),
    ({"up": True, "down": 1}, TypeError, "up"),
    ({"up": 2, "down": "3"}, TypeError, "down"),
    ({"axis": 2}, ValueError, "axis"),
    ({"window": "parzen"}, ValueError, "window"),
    ({"window": ("kaiser",)}, ValueError, "window"),
    ({"window": ("kaiser", float("nan"))}, ValueError, "window"),
    ({"window": ("hann", 1.0)}, ValueError, "window"),
    ({"window": None}, TypeError, "window"),
    ({"window": np.ones((3, 3))}, ValueError, "window"),
    ({"window": np.array([1.0, np.inf])}, ValueError, "window"),
    ({"window": []}, ValueError, "window"),
    ({"padtype": "reflect"}, ValueError, "padtype"),
    ({"padtype": "mean", "cval": 1.0}, ValueError, "cval"),
    ({"cval": float("nan")}, ValueError, "cval"),
])
def test_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    args = {"up": 3, "down": 2, **kwargs}
    with pytest.raises(error, match=match):
        resample_poly(np.ones((2, 10)), **args)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="empty"):
        resample_poly(np.ones((3, 0)), 2, 1)
    with pytest.raises(ValueError, match="scalar"):
        resample_poly(torch.tensor(1.0), 2, 1)
    with pytest.raises(TypeError, match="x"):
        resample_poly([1.0, 2.0], 2, 1)
    with pytest.raises(TypeError, match="x"):
        resample_poly(torch.ones(4, dtype=torch.complex64), 2, 1)
    with pytest.raises(TypeError, match="x"):
        resample_poly(np.ones(4, dtype=bool), 2, 1)
    with pytest.raises(ValueError, match="line"):
        resample_poly(np.ones(1), 2, 1, padtype="line")
    with pytest.raises(ValueError, match="ftype"):
        decimate(np.ones(10), 2, ftype="iir")
    with pytest.raises(ValueError, match="q"):
        decimate(np.ones(10), 1)
    with pytest.raises(TypeError, match="zero_phase"):
        Decimate(2, zero_phase="yes")
    with pytest.raises(ValueError, match="factor"):
        InterpolateSignal(0)
    with pytest.raises(TypeError, match="factor"):
        interpolate_signal(np.ones(4), 1.5)
    with pytest.raises(ValueError, match="length"):
        get_window("hann", 0)
    with pytest.raises(ValueError, match="cutoff"):
        firwin_lowpass(11, 1.0)


# --- CUDA ------------------------------------------------------------------------------------


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
class TestCuda:
    @pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
    @pytest.mark.parametrize(("up", "down"), [(1, 4), (4, 1), (2, 3), (160, 147)])
    def test_matches_cpu(self, dtype: torch.dtype, up: int, down: int) -> None:
        x = torch.from_numpy(np.stack([plucked(5001), chirp(5001)])).to(dtype)
        out = resample_poly(x.cuda(), up, down, padtype="line")
        assert out.is_cuda and out.dtype == dtype
        torch.testing.assert_close(out.cpu(), resample_poly(x, up, down, padtype="line"))

    def test_long_signal_and_module(self) -> None:
        x = torch.from_numpy(plucked(1_000_003))
        torch.testing.assert_close(Decimate(4).cuda()(x.cuda()).cpu(), decimate(x, 4))

    def test_gradient(self) -> None:
        x = torch.randn(2, 300, dtype=torch.float64, device="cuda", requires_grad=True)
        resample_poly(x, 3, 2).square().sum().backward()
        xc = x.detach().cpu().requires_grad_()
        resample_poly(xc, 3, 2).square().sum().backward()
        torch.testing.assert_close(x.grad.cpu(), xc.grad)
