import numpy as np
import pytest

from resamplers.functional.kernels import KERNELS, get_kernel


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernel_is_one_at_zero_and_zero_outside_support(name: str) -> None:
    kernel = get_kernel(name)
    assert kernel(np.array([0.0]))[0] == pytest.approx(1.0)
    outside = np.array([-kernel.support - 1e-9, kernel.support + 1e-9, 10.0, -10.0])
    assert np.all(kernel(outside) == 0.0)


@pytest.mark.parametrize("name", ["linear", "cubic", "lanczos2", "lanczos3"])
def test_interpolating_kernels_vanish_at_nonzero_integers(name: str) -> None:
    kernel = get_kernel(name)
    integers = np.arange(1, int(kernel.support) + 1, dtype=np.float64)
    np.testing.assert_allclose(kernel(np.concatenate([integers, -integers])), 0.0, atol=1e-15)


@pytest.mark.parametrize("a", [-0.5, -0.75])
def test_cubic_is_a_partition_of_unity(a: float) -> None:
    kernel = get_kernel("cubic", a=a)
    offsets = np.linspace(0, 1, 17)[:, None] + np.arange(-2, 2)
    np.testing.assert_allclose(kernel(offsets).sum(axis=1), 1.0, atol=1e-12)


def test_cubic_parameter_changes_the_kernel() -> None:
    assert (
        get_kernel("cubic", a=-0.75)(np.array([1.5]))[0] != get_kernel("cubic")(np.array([1.5]))[0]
    )


def test_gaussian_support_follows_sigma() -> None:
    assert get_kernel("gaussian", sigma=1.0).support == pytest.approx(3.0)


def test_bad_kernel_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="unknown kernel 'bogus'"):
        get_kernel("bogus")
    with pytest.raises(ValueError, match="no parameter"):
        get_kernel("cubic", b=1.0)
    with pytest.raises(ValueError, match="finite"):
        get_kernel("cubic", a=float("nan"))
