"""The report's matplotlib figures: kernel frequency responses, PSNR against time, and the
round-trip PSNR of every downsampler with every upsampler.

matplotlib is imported here only (the ``report`` extra); the objects-only API (``Figure``)
leaves pyplot's global state and the user's backend alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from resamplers import get_kernel
from resamplers.functional.kernels import Kernel

# (label, kernel): what resize's methods and the presets low-pass with
KERNELS: tuple[tuple[str, Kernel], ...] = (
    ("box (area)", get_kernel("box")),
    ("linear", get_kernel("linear")),
    ("cubic a=-0.5", get_kernel("cubic")),
    ("cubic a=-0.75 (OpenCV)", get_kernel("cubic", a=-0.75)),
    ("lanczos2", get_kernel("lanczos2")),
    ("lanczos3", get_kernel("lanczos3")),
    ("hamming", get_kernel("hamming")),
    ("gaussian σ=0.5", get_kernel("gaussian")),
)
GROUP_COLOURS = {
    "resize": "#1f77b4",
    "resize, no antialias": "#d62728",
    "pooling": "#2ca02c",
    "pil preset": "#9467bd",
    "opencv preset": "#ff7f0e",
    "torch preset": "#8c564b",
    "matlab preset": "#e377c2",
}
_DPI = 110


def frequency_response(kernel: Kernel, freqs: np.ndarray, step: float = 1 / 256) -> np.ndarray:
    """The kernel's continuous Fourier transform at ``freqs`` (cycles per pixel), normalized
    to 1 at 0: ``∫ k(x) cos(2 pi f x) dx / ∫ k(x) dx`` by the midpoint rule (kernels are even).

    >>> f = np.array([0.0, 1.0])
    >>> np.round(frequency_response(get_kernel("box"), f), 6)   # sinc(f): zero at 1
    array([1., 0.])
    """
    x = np.arange(-kernel.support + step / 2, kernel.support, step)
    weights = kernel(x)
    return np.cos(2 * np.pi * np.outer(freqs, x)) @ weights / weights.sum()


def kernel_responses(path: Path) -> None:
    """Plot every kernel's frequency response, linear and in dB, against the Nyquist limit."""
    freqs = np.linspace(0.0, 1.5, 601)
    fig = Figure(figsize=(11, 3.8), dpi=_DPI, layout="constrained")
    linear, db = fig.subplots(1, 2)
    for label, kernel in KERNELS:
        response = frequency_response(kernel, freqs)
        linear.plot(freqs, response, label=label, lw=1.4)
        db.plot(freqs, 20 * np.log10(np.maximum(np.abs(response), 1e-5)), lw=1.4)
    for ax in (linear, db):
        ax.axvspan(0.5, freqs[-1], color="#f4cccc", alpha=0.45, lw=0)
        ax.axvline(0.5, color="#b00", lw=0.8, ls="--")
        ax.set_xlim(0, freqs[-1])
        ax.set_xlabel("frequency (cycles per output pixel)")
        ax.grid(alpha=0.3)
    linear.set_ylabel("gain")
    linear.set_ylim(-0.25, 1.1)
    linear.text(0.52, 1.0, "above Nyquist:\nfolds back (aliasing)", color="#900", fontsize=8,
                va="top")
    db.set_ylabel("gain (dB)")
    db.set_ylim(-80, 5)
    linear.legend(fontsize=8, ncols=2, loc="lower left")
    fig.suptitle("Kernel frequency responses (kernel stretched to the output grid)", fontsize=11)
    fig.savefig(path)


def psnr_vs_time(rows: list[dict], path: Path, scale: int) -> None:
    """Scatter each downsampler's round-trip PSNR on the photos against its time."""
    fig = Figure(figsize=(11, 5.2), dpi=_DPI, layout="constrained")
    ax = fig.subplots()
    for group, colour in GROUP_COLOURS.items():
        chosen = [r for r in rows if r["group"] == group and r["psnr_mean"] is not None]
        if not chosen:
            continue
        times = [max(r["time_ms"], 1e-3) for r in chosen]
        ax.scatter(times, [r["psnr_mean"] for r in chosen], color=colour, label=group, s=28,
                   zorder=3)
        for r, t in zip(chosen, times, strict=True):
            ax.annotate(r["name"], (t, r["psnr_mean"]), xytext=(4, 2),
                        textcoords="offset points", fontsize=7, color=colour)
    ax.set_xscale("log")
    ax.set_xlabel("time per image (ms, median, log scale)")
    ax.set_ylabel("round-trip PSNR on the photos (dB)")
    ax.set_title(f"Downsampling x{scale}: quality against speed (up and to the left is better)",
                 fontsize=11)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="lower right")
    fig.savefig(path)


def pairs_heatmap(pairs: dict[str, dict[str, float | None]], path: Path, scale: int) -> None:
    """Round-trip PSNR on the photos: downsamplers across, upsamplers down."""
    downs = list(pairs)
    ups = list(next(iter(pairs.values()), {}))
    values = np.array([[np.nan if pairs[d][u] is None else pairs[d][u] for d in downs]
                       for u in ups])
    fig = Figure(figsize=(max(6.0, 0.26 * len(downs) + 2), 1.2 + 0.42 * len(ups)), dpi=_DPI,
                 layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(values, aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(downs)), downs, rotation=90, fontsize=7)
    ax.set_yticks(range(len(ups)), ups, fontsize=8)
    ax.set_ylabel("upsampler")
    ax.set_title(f"Round-trip PSNR (dB) on the photos, x{scale}: every downsampler (columns) "
                 "with every upsampler (rows)", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
    fig.savefig(path)
