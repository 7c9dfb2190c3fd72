"""Image quality and resampling-artifact measures.

- :func:`psnr`, :func:`ssim`: fidelity to a reference (the usual definitions, equal to
  scikit-image's ``peak_signal_noise_ratio`` and ``structural_similarity`` with the standard
  11x11 Gaussian window).
- :func:`aliasing_energy`: how much of a signal's unrepresentable high band a downsampler folds
  into its output.
- :func:`overshoot`: how far a result leaves the value range of its input (ringing).
"""

from resamplers.metrics.artifacts import aliasing_energy, ideal_lowpass, overshoot
from resamplers.metrics.quality import psnr, ssim, ssim_against

__all__ = ["aliasing_energy", "ideal_lowpass", "overshoot", "psnr", "ssim", "ssim_against"]
