"""The compact ranked table ``resamplers compare`` prints on the terminal.

>>> row = {"rank": 1, "name": "cubic", "psnr_mean": 25.8, "ssim_mean": 0.781,
...        "psnr_zoneplate": 9.53, "aliasing_db": -21.4, "overshoot_max": 0.04, "time_ms": 1.2}
>>> print(text_table({"4": {"down": [row], "up": [], "timed_on": "astronaut 512x512"}},
...                  "cubic", "cubic"))
x4 downsampling, ranked by round-trip PSNR on the photos (back up with cubic)
   #  method                  PSNR    SSIM  zone PSNR  alias dB  overshoot    ms
   1  cubic                  25.80   0.781       9.53     -21.4       4.0%   1.2
"""

from __future__ import annotations

import math


def text_table(scales: dict[str, dict], reference_down: str, reference_up: str) -> str:
    """Each scale's downsamplers, then its upsamplers, best first."""
    blocks = []
    for scale, result in scales.items():
        lines = [f"x{scale} downsampling, ranked by round-trip PSNR on the photos "
                 f"(back up with {reference_up})",
                 _header("alias dB")]
        lines += [_line(row, _num(row.get("aliasing_db"), 9, 1)) for row in result["down"]]
        if result["up"]:
            lines += ["", f"x{scale} upsampling of {reference_down}-downsampled images, "
                      "ranked the same way", _header("")]
            lines += [_line(row, " " * 9) for row in result["up"]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _header(alias: str) -> str:
    return (f"{'#':>4}  {'method':20} {'PSNR':>7} {'SSIM':>7} {'zone PSNR':>10} {alias:>9} "
            f"{'overshoot':>10} {'ms':>5}")


def _line(row: dict, alias: str) -> str:
    return (f"{row['rank']:>4}  {row['name']:20} {_num(row['psnr_mean'], 7, 2)} "
            f"{_num(row['ssim_mean'], 7, 3)} {_num(row['psnr_zoneplate'], 10, 2)} {alias} "
            f"{_num(100 * row['overshoot_max'], 9, 1)}% {_num(row['time_ms'], 5, 1)}")


def _num(value: float | None, width: int, digits: int) -> str:
    if value is None or math.isnan(value):
        return "-".rjust(width)
    if math.isinf(value):
        return ("-inf" if value < 0 else "inf").rjust(width)
    return f"{value:{width}.{digits}f}"
