"""The three ways of applying a tap table (polyphase slices, dense matrix, gathered blocks)
compute the same thing, for every preset's tables."""

from __future__ import annotations

import pytest
import torch

from resamplers.functional import _taps
from resamplers.functional.compat import Axis, make_plan

TABLES = [
    (None, "cubic"),
    (None, "linear"),
    (None, "lanczos3"),
    (None, "area"),
    (None, "box"),
    ("pil", "cubic"),
    ("opencv", "cubic"),
    ("opencv", "linear"),
    ("opencv", "lanczos4"),
    ("torch", "cubic"),
    ("matlab", "cubic"),
]
SIZES = [(512, 128), (100, 300), (99, 33), (64, 48), (48, 64), (90, 60), (30, 75), (257, 128)]


def _table(compat, method, n, m):
    return make_plan(compat, method, (Axis(n, m, None),), True, False).taps[0]


@pytest.mark.parametrize(("compat", "method"), TABLES)
def test_polyphase_equals_matrix_forms(compat, method) -> None:
    used = 0
    for n, m in SIZES:
        taps = _table(compat, method, n, m)
        poly = _taps.to_polyphase(taps, n)
        x = torch.rand(3, n, 5, dtype=torch.float64)
        expected = taps.dense(n) @ x.numpy()
        torch.testing.assert_close(_taps._apply_matrix(x, 1, taps).numpy(), expected)
        if poly is not None:
            used += 1
            torch.testing.assert_close(_taps._apply_polyphase(x, 1, poly).numpy(), expected)
            last = _taps._apply_polyphase(x.transpose(1, 2).contiguous(), 2, poly)
            torch.testing.assert_close(last.transpose(1, 2).numpy(), expected)
    assert used >= 3  # the periodic cases (integer and small rational factors) take slices


def test_polyphase_covers_the_interior_only() -> None:
    poly = _taps.to_polyphase(_table(None, "cubic", 512, 128), 512)
    assert poly is not None and poly.phases == 1 and poly.step == 4
    head = 0 if poly.head is None else poly.head[1].out_size
    tail = 0 if poly.tail is None else poly.tail[1].out_size
    assert head + poly.count + tail == 128 and 0 < head <= 2 and 0 < tail <= 2
    assert _taps.to_polyphase(_table(None, "cubic", 500, 333), 500) is None  # 333 phases


# compat="torch" left out: F.interpolate maps coordinates in float32, so its periods' weights
# differ by ~1e-7 (its upscales run F.interpolate itself).
@pytest.mark.parametrize(("compat", "method"), [t for t in TABLES if t[0] != "torch"])
@pytest.mark.parametrize(("n", "m"), [(1024, 3072), (480, 720), (300, 900)])
def test_polyphase_interior_survives_coordinate_rounding(compat, method, n, m) -> None:
    """At x3 and x1.5 the float64 coordinates round differently from period to period (weights
    1e-13 apart on 1024 inputs): the interior still spans all but a few periods at each border,
    and the slices still equal the dense product."""
    taps = _table(compat, method, n, m)
    poly = _taps.to_polyphase(taps, n)
    assert poly is not None
    periods = m // poly.phases
    assert poly.k_lo <= 4 and poly.k_lo + poly.count >= periods - 4
    x = torch.rand(2, n, 3, dtype=torch.float64)
    expected = taps.dense(n) @ x.numpy()
    torch.testing.assert_close(_taps._apply_polyphase(x, 1, poly).numpy(), expected)


def test_polyphase_gradients() -> None:
    for n, m in ((24, 8), (10, 25)):
        taps = _table(None, "cubic", n, m)
        poly = _taps.to_polyphase(taps, n)
        assert poly is not None
        x = torch.rand(2, n, dtype=torch.float64, requires_grad=True)
        assert torch.autograd.gradcheck(lambda t, p=poly: _taps._apply_polyphase(t, 1, p), (x,))


def test_blocked_path_equals_dense() -> None:
    taps = _table(None, "lanczos3", 4000, 1100)
    x = torch.rand(2, 4000, 3, dtype=torch.float64)
    blocks = _taps.to_blocks(taps, 4000)
    assert not _taps.use_dense(blocks, 4000)
    expected = taps.dense(4000) @ x.numpy()
    torch.testing.assert_close(_taps._apply_matrix(x, 1, taps).numpy(), expected)
