"""Write the report folder: ``index.html``, ``results.json``, ``figures/`` and ``images/``.

The page needs nothing beyond the folder (no web fonts, scripts or styles from elsewhere): its
images sit beside it in ``images/`` and ``figures/``, and a few lines of inline JavaScript sort
the tables.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from resamplers.report import figures
from resamplers.report.compare import Visuals
from resamplers.report.inputs import Image

# the methods the top of the page puts side by side: the usual suspects, one of each family
HIGHLIGHTS = ("nearest", "linear-noaa", "cubic", "area", "max_pool")
TARGET_PX = 192  # crops are shown at about this size, enlarged by whole factors only

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
  color:#1d2433;background:#f5f6f8}
main{max-width:1280px;margin:0 auto;padding:20px 20px 60px;box-sizing:border-box}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;
  border-bottom:2px solid #dde1e8;padding-bottom:4px}h3{font-size:15px;margin:20px 0 8px}
.sub{color:#5b6475;margin:0 0 16px}.box{background:#fff;border:1px solid #dde1e8;
  border-radius:8px;padding:10px 12px;margin:12px 0}
.strip{display:flex;flex-wrap:wrap;gap:8px}.strip figure{margin:0;text-align:center}
figure img,.card img{display:block;image-rendering:pixelated;background:#ccc}
figcaption{font-size:12px;color:#5b6475;margin-top:3px;max-width:192px}
figcaption b{color:#1d2433}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}
th,td{padding:3px 7px;border-bottom:1px solid #e8ebf0;text-align:right;white-space:nowrap}
th{background:#eef1f5;cursor:pointer;user-select:none;position:sticky;top:0}
th:hover{background:#e1e6ee}td.l,th.l{text-align:left}
tr:hover td{background:#f3f7ff}
td.bar{background-image:linear-gradient(90deg,#cfe3ff var(--w),transparent var(--w))}
.grp{color:#5b6475;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:6px}
.card .pair{display:flex;gap:4px}.card .t{font-size:12px;margin-bottom:4px}
.card .t span{color:#5b6475}
.orig{position:relative;display:inline-block}
.orig .roi{position:absolute;border:2px solid #ff3b30;box-sizing:border-box}
img.fig{max-width:100%;height:auto;image-rendering:auto;background:none}
dl{margin:0}dt{font-weight:600;margin-top:6px}dd{margin:2px 0 0 18px;color:#3a4252}
details summary{cursor:pointer;font-weight:600;margin:12px 0 6px}
"""

# Sorts a table by the clicked column (numbers by data-v), and records on <body> how many
# images decoded, so that automated checks can see a fully rendered page.
_SCRIPT = """
document.querySelectorAll('table.sort').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
    var rows=Array.from(t.tBodies[0].rows),up=th.dataset.dir!=='asc';th.dataset.dir=up?'asc':'desc';
    rows.sort(function(a,b){var x=a.cells[i].dataset.v,y=b.cells[i].dataset.v;
      var p=parseFloat(x),q=parseFloat(y);
      var c=(isNaN(p)||isNaN(q))?String(x).localeCompare(String(y)):p-q;return up?c:-c;});
    rows.forEach(function(r){t.tBodies[0].appendChild(r);});});});});
window.addEventListener('load',function(){var imgs=Array.from(document.images);
  document.body.dataset.images=imgs.length;
  document.body.dataset.imagesBroken=imgs.filter(function(i){return !i.naturalWidth;}).length;});
"""


def write_report(
    out: Path,
    results: dict,
    visuals: Visuals,
    images: Sequence[Image],
    step: Callable[[str], None] = lambda label: None,
) -> Path:
    """Write every file of the report into ``out`` (created if needed); return ``index.html``.

    ``step`` is called :func:`write_units` times, for a progress bar.
    """
    (out / "figures").mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(_finite(results), indent=1, allow_nan=False))
    step("figures")
    figures.kernel_responses(out / "figures" / "kernels.png")
    for scale, result in results["scales"].items():
        step(f"figures x{scale}")
        figures.psnr_vs_time(result["down"], out / "figures" / f"psnr-time-x{scale}.png",
                             int(scale))
        figures.pairs_heatmap(result["pairs"], out / "figures" / f"pairs-x{scale}.png",
                              int(scale))
    step("images")
    paths = _write_pictures(out, visuals, images)
    index = out / "index.html"
    index.write_text(_page(results, visuals, images, paths), encoding="utf-8")
    return index


def write_units(scales: int) -> int:
    """How many times :func:`write_report` calls ``step``."""
    return scales + 2


# --- files -----------------------------------------------------------------------------------


def slug(name: str) -> str:
    """A file-name-safe form of a method or image name (``pil:cubic`` -> ``pil_cubic``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _save(path: Path, pixels: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.rint(np.clip(pixels, 0.0, 1.0) * 255).astype(np.uint8)
    picture = PILImage.fromarray(data[..., 0] if data.shape[2] == 1 else data)
    if path.suffix == ".jpg":
        picture.save(path, quality=90)
    else:
        picture.save(path, compress_level=3)


def _write_pictures(out: Path, visuals: Visuals, images: Sequence[Image]) -> dict:
    """Save every picture; map each key of ``visuals.pictures`` (and of the originals) to its
    paths relative to ``out``."""
    paths: dict = {}
    for image in images:
        rel = f"images/{slug(image.name)}.png"
        _save(out / rel, image.pixels)
        paths[image.name] = rel
    for (s, name), (top, left, size) in visuals.regions.items():
        rel = f"images/x{s}/{slug(name)}/original-crop.png"
        pixels = next(im.pixels for im in images if im.name == name)
        _save(out / rel, pixels[top:top + size, left:left + size])
        paths[(s, name)] = rel
    for (s, name, kind, method), pictures in visuals.pictures.items():
        folder = f"images/x{s}/{slug(name)}/{kind}-{slug(method)}"
        entry = {}
        for key, pixels in pictures.items():
            # Full-size round trips as JPEG: PNGs of every one would weigh ~40 MB a run.
            ext = "jpg" if key == "round_trip" else "png"
            entry[key] = f"{folder}-{key.replace('_', '-')}.{ext}"
            _save(out / entry[key], pixels)
        paths[(s, name, kind, method)] = entry
    return paths


def _finite(value: object) -> object:
    """``value`` with inf and NaN turned into None: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


# --- page ------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text))


def _img(src: str, size: int, alt: str, cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return f'<img src="{_e(src)}" width="{size}" height="{size}" alt="{_e(alt)}"{extra}>'


def _shown(size: int) -> int:
    """The displayed size of a crop: enlarged by a whole factor towards :data:`TARGET_PX`."""
    return size * max(1, TARGET_PX // size)


def _fmt(value: float | None, digits: int, suffix: str = "") -> str:
    if value is None or math.isnan(value):
        return "–"
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    return f"{value:.{digits}f}{suffix}"


def _page(results: dict, visuals: Visuals, images: Sequence[Image], paths: dict) -> str:
    scales = list(results["scales"])
    photos = [im.name for im in images if not im.synthetic]
    plate = next(im.name for im in images if im.synthetic)
    machine = results["machine"]
    ref = results["reference"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>resamplers compare: x{', x'.join(scales)}</title><style>{_CSS}</style></head>",
        "<body><main>",
        "<h1>What each down- and upsampling method does</h1>",
        f"<p class='sub'>resamplers {_e(results['resamplers'])} · {_e(results['created'])} · "
        f"images: {_e(', '.join(im.name for im in images))} · scales: x{_e(', x'.join(scales))}"
        f" · torch {_e(machine['torch'])}, {machine['threads']} threads</p>",
    ]
    first = scales[0]
    parts.append(_highlights(results["scales"][first], int(first), plate, photos[0], ref["up"],
                             visuals, paths))
    for scale in scales:
        result = results["scales"][scale]
        parts.append(f"<h2>Downsampling x{scale}</h2>")
        parts.append(f"<p>Each method shrinks every image {scale} times; the round trip goes "
                     f"back up with <b>{_e(ref['up'])}</b>. Click a column to sort.</p>")
        parts.append(_table(result["down"], photos, aliasing=True))
        parts.append(f"<h2>Upsampling x{scale}</h2>")
        parts.append(f"<p>Each method enlarges the <b>{_e(ref['down'])}</b>-downsampled "
                     "images back to full size.</p>")
        parts.append(_table(result["up"], photos, aliasing=False))
        parts.append(f"<p class='sub'>Times: median of {results['repeats']} runs on "
                     f"{_e(result['timed_on'])}.</p>")
    parts.append("<h2>Figures</h2>")
    parts.append(_figure("figures/kernels.png", "The kernels' frequency responses"))
    for scale in scales:
        parts.append(_figure(f"figures/psnr-time-x{scale}.png", f"PSNR against time, x{scale}"))
        parts.append(_figure(f"figures/pairs-x{scale}.png", f"Every pair, x{scale}"))
    parts.append("<h2>Side by side</h2><p>For each image, the region with the most detail: "
                 "each method's downsampled pixels (left, enlarged) and its round trip "
                 "(right).</p>")
    for scale in scales:
        for image in images:
            parts.append(_gallery(int(scale), image.name, results["scales"][scale], visuals,
                                  paths, opened=image.name == photos[0]))
    parts.append(_definitions())
    parts.append(f"</main><script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _highlights(
    result: dict, s: int, plate: str, photo: str, up: str, visuals: Visuals, paths: dict
) -> str:
    """The top of the page: a few methods on the zone plate and on the first photo's detail."""
    rows = {r["name"]: r for r in result["down"]}
    chosen = [name for name in HIGHLIGHTS if name in rows] or list(rows)[:6]
    _, _, plate_size = visuals.regions[(s, plate)]
    _, _, crop = visuals.regions[(s, photo)]
    strips = []
    for title, name, kind, size in (
        (f"Zone plate shrunk x{s}: rings that are not in the original are aliasing", plate,
         "crop_small", plate_size),
        (f"Detail of {photo} shrunk x{s} and enlarged back with {up}", photo, "crop", crop),
    ):
        shown = _shown(size)
        cells = [f"<figure>{_img(paths[(s, name)], shown, 'original')}"
                 "<figcaption><b>original</b></figcaption></figure>"]
        for method in chosen:
            row = rows[method]
            src = paths[(s, name, "down", method)][kind]
            stat = (f"alias {_fmt(row.get('aliasing_db'), 1, ' dB')}" if name == plate
                    else f"PSNR {_fmt(row['psnr'][name], 2, ' dB')}")
            cells.append(f"<figure>{_img(src, shown, method)}<figcaption><b>{_e(method)}</b>"
                         f" · {stat}<br>{_e(row['note'])}</figcaption></figure>")
        strips.append(f"<h3>{_e(title)}</h3><div class='strip'>{''.join(cells)}</div>")
    return "<div class='box'>" + "".join(strips) + "</div>"


def _table(rows: list[dict], photos: list[str], aliasing: bool) -> str:
    if not rows:
        return "<p>(none selected)</p>"
    means = [r["psnr_mean"] for r in rows if r["psnr_mean"] is not None]
    lo, hi = (min(means), max(means)) if means else (0.0, 1.0)
    head = ["#", "method", "group", "PSNR photos", "SSIM photos"]
    head += [f"PSNR {p}" for p in photos] + ["PSNR zone plate"]
    head += (["aliasing"] if aliasing else []) + ["overshoot", "ms"]
    left = {"method", "group"}
    ths = "".join(f"<th class='{'l' if h in left else ''}'>{_e(h)}</th>" for h in head)
    body = []
    for r in rows:
        width = 100 * (r["psnr_mean"] - lo) / (hi - lo) if hi > lo and r["psnr_mean"] else 0
        cells = [
            _td(r["rank"], r["rank"]),
            f"<td class='l' data-v='{_e(r['name'])}' title='{_e(r['note'])}'><b>"
            f"{_e(r['name'])}</b></td>",
            f"<td class='l grp' data-v='{_e(r['group'])}'>{_e(r['group'])}</td>",
            f"<td class='bar' style='--w:{width:.0f}%' data-v='{r['psnr_mean']}'>"
            f"{_fmt(r['psnr_mean'], 2)}</td>",
            _td(r["ssim_mean"], _fmt(r["ssim_mean"], 3)),
        ]
        cells += [_td(r["psnr"][p], _fmt(r["psnr"][p], 2)) for p in photos]
        cells.append(_td(r["psnr_zoneplate"], _fmt(r["psnr_zoneplate"], 2)))
        if aliasing:
            cells.append(_td(r["aliasing_db"], _fmt(r["aliasing_db"], 1, " dB")))
        cells.append(_td(r["overshoot_max"], _fmt(100 * r["overshoot_max"], 1, " %")))
        cells.append(_td(r["time_ms"], _fmt(r["time_ms"], 2)))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table class='sort'><thead><tr>{ths}</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


def _td(value: float | None, text: object) -> str:
    v = "" if value is None else (-1e9 if math.isinf(value) and value < 0 else value)
    return f"<td data-v='{v}'>{_e(text)}</td>"


def _figure(src: str, alt: str) -> str:
    return f"<div class='box'><img class='fig' src='{_e(src)}' alt='{_e(alt)}'></div>"


def _gallery(
    s: int, name: str, result: dict, visuals: Visuals, paths: dict, opened: bool
) -> str:
    _, _, size = visuals.regions[(s, name)]
    shown = _shown(size)
    parts = [f"<details{' open' if opened else ''}><summary>{_e(name)}, x{s}</summary>"]
    for kind, rows in (("down", result["down"]), ("up", result["up"])):
        cards = []
        for r in rows:
            pics = paths[(s, name, kind, r["name"])]
            stat = f"PSNR {_fmt(r['psnr'][name], 2)}"
            cards.append(
                f"<div class='card'><div class='t'><b>{_e(r['name'])}</b> <span>{stat}</span>"
                f"</div><div class='pair'><a href='{_e(pics['small'])}'>"
                f"{_img(pics['crop_small'], shown, r['name'] + ' downsampled')}</a>"
                f"<a href='{_e(pics['round_trip'])}'>"
                f"{_img(pics['crop'], shown, r['name'] + ' round trip')}</a></div></div>"
            )
        label = "downsampling" if kind == "down" else "upsampling"
        parts.append(f"<h3>{label}</h3><div class='cards'>{''.join(cards)}</div>")
    parts.append("</details>")
    return "".join(parts)


def _definitions() -> str:
    items = {
        "PSNR, SSIM": "Round trip against the original (values in [0, 1], data range 1; SSIM "
        "with the 11x11 Gaussian window, σ = 1.5). “photos” is the mean over every image but "
        "the zone plate, which is a stress test: its outer rings cannot survive any shrink.",
        "aliasing": "On the zone plate: the mean square of what the output holds because of "
        "frequencies above its Nyquist limit, D(x) − D(lowpass(x)), relative to the input's "
        "variance, in dB (−∞: none; 0 dB: as strong as the input).",
        "overshoot": "How far the output leaves the value range of its input, in percent of "
        "that range (the peak over all images): the ringing of kernels with negative lobes.",
        "ms": "Median wall time of one call on the first image, after a warm-up.",
    }
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items.items())
    return f"<h2>The measures</h2><div class='box'><dl>{rows}</dl></div>"
