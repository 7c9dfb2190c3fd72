"""The terminal table and the JSON helpers: missing and infinite values print cleanly."""

from __future__ import annotations

import math

from resamplers.report.html import _finite, slug
from resamplers.report.table import text_table


def test_table_prints_missing_and_infinite_values():
    row = {"rank": 1, "name": "ideal", "psnr_mean": None, "ssim_mean": None,
           "psnr_zoneplate": math.inf, "aliasing_db": -math.inf, "overshoot_max": 0.0,
           "time_ms": 0.5}
    up = dict(row, name="up", psnr_mean=30.0)
    text = text_table({"2": {"down": [row], "up": [up]}}, "cubic", "lanczos3")
    lines = text.splitlines()
    assert lines[0] == "x2 downsampling, ranked by round-trip PSNR on the photos (back up with " \
        "lanczos3)"
    assert lines[2].split() == ["1", "ideal", "-", "-", "inf", "-inf", "0.0%", "0.5"]
    assert lines[-1].split() == ["1", "up", "30.00", "-", "inf", "0.0%", "0.5"]


def test_json_gets_no_infinities_and_file_names_are_safe():
    assert _finite({"a": [1.0, math.inf, {"b": math.nan}], "c": "x"}) == {
        "a": [1.0, None, {"b": None}], "c": "x"}
    assert slug("pil:cubic") == "pil_cubic"
    assert slug("my photo (1)") == "my_photo_1_"
