"""The method lists of ``resamplers compare``: complete, and each method does what it says."""

from __future__ import annotations

import pytest
import torch

import resamplers
from resamplers.functional.compat import METHODS
from resamplers.report.methods import (
    DOWNSAMPLERS,
    FIXED_UPSAMPLERS,
    REFERENCE_DOWN,
    REFERENCE_UP,
    UPSAMPLERS,
    apply,
    select,
)

RNG = torch.Generator().manual_seed(0)


def test_default_lists_are_complete():
    expected = set()
    for name in METHODS[None]:
        expected.add(name)
        if name not in ("nearest", "area"):  # the two that ignore antialias
            expected.add(f"{name}-noaa")
    expected |= {"max_pool", "avg_pool", "blur_pool", "aps_pool", "unshuffle_mean"}
    expected |= {f"{c}:{m}" for c, names in METHODS.items() if c is not None for m in names}
    assert set(DOWNSAMPLERS) == expected
    assert tuple(UPSAMPLERS) == FIXED_UPSAMPLERS == ("nearest", "linear", "cubic", "lanczos3")
    assert REFERENCE_DOWN in DOWNSAMPLERS and REFERENCE_UP in UPSAMPLERS
    downs, ups = select(None)
    assert [m.name for m in downs] == list(DOWNSAMPLERS)
    assert [m.name for m in ups] == list(UPSAMPLERS)


@pytest.mark.parametrize("factor", [2, 3, 4])
def test_every_downsampler_gives_the_exact_size(factor: int):
    x = torch.rand(1, 3, 12 * factor, 10 * factor, generator=RNG)
    for method in DOWNSAMPLERS.values():
        assert apply(method, x, (12, 10)).shape == (1, 3, 12, 10), method.name


def test_methods_are_what_their_names_say():
    x = torch.rand(1, 3, 24, 20, generator=RNG)
    size = (6, 5)
    expected = {
        "cubic": resamplers.resize(x, size=size),
        "cubic-noaa": resamplers.resize(x, size=size, antialias=False),
        "opencv:linear": resamplers.resize(x, size=size, method="linear", compat="opencv"),
        "torch:cubic": resamplers.resize(x, size=size, antialias=False, compat="torch"),
        "max_pool": torch.nn.functional.max_pool2d(x, 4),
        "avg_pool": torch.nn.functional.avg_pool2d(x, 4),
    }
    for name, want in expected.items():
        torch.testing.assert_close(apply(DOWNSAMPLERS[name], x, size), want, msg=name)
    # the mean of each block, however it is computed
    torch.testing.assert_close(apply(DOWNSAMPLERS["unshuffle_mean"], x, size), expected["avg_pool"])
    up = apply(UPSAMPLERS["lanczos3"], x, (48, 40))
    torch.testing.assert_close(up, resamplers.resize(x, size=(48, 40), method="lanczos3"))


def test_select_filters_both_lists_and_rejects_unknown_names():
    downs, ups = select(["linear", "max_pool", "pil:cubic"])
    assert [m.name for m in downs] == ["linear", "max_pool", "pil:cubic"]
    assert [m.name for m in ups] == ["linear"]
    with pytest.raises(ValueError, match="unknown method 'bilinear'"):
        select(["cubic", "bilinear"])
