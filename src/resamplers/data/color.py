"""RGB <-> YCbCr, ITU-R BT.601 studio swing, exactly as MATLAB's ``rgb2ycbcr`` / ``ycbcr2rgb``.

With ``R, G, B`` in ``[0, 1]``::

    Y  =  16 + ( 65.481 R + 128.553 G +  24.966 B)      Y  in [16, 235]
    Cb = 128 + (-37.797 R -  74.203 G + 112.000 B)      Cb in [16, 240]
    Cr = 128 + (112.000 R -  93.786 G -  18.214 B)      Cr in [16, 240]

(on the 0..255 scale). As in MATLAB, the result keeps the input's type and range:

- uint8 in, uint8 out: ``Y`` from 16 to 235, rounded half away from zero and saturated, the
  rounding MATLAB does on uint8 (the super-resolution literature's Y channel is this one).
- float in (values in ``[0, 1]``), float out on the same scale: ``Y`` from ``16/255`` to
  ``235/255``. scikit-image's ``rgb2ycbcr`` uses the same matrix but returns 0..255 floats.

NumPy arrays are channels-last ``(..., 3)`` (the :mod:`resamplers.data.io` layout); torch
tensors are channels-first ``(..., 3, H, W)`` (the :func:`resamplers.resize` layout).

>>> import numpy as np
>>> white_red = np.array([[[255, 255, 255], [255, 0, 0]]], dtype=np.uint8)
>>> rgb_to_ycbcr(white_red)
array([[[235, 128, 128],
        [ 81,  90, 240]]], dtype=uint8)
>>> rgb_to_y(white_red)
array([[235,  81]], dtype=uint8)
>>> ycbcr_to_rgb(rgb_to_ycbcr(white_red))   # uint8 YCbCr is lossy: 219 levels of Y
array([[[255, 255, 255],
        [254,   0,   0]]], dtype=uint8)
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import torch

Array = TypeVar("Array", np.ndarray, torch.Tensor)

# Rows: Y, Cb, Cr; columns: R, G, B. On the 0..255 scale: YCbCr = _FORWARD @ RGB + _FORWARD_BIAS.
_MATLAB = np.array([  # rgb2ycbcr's matrix, for R, G, B in [0, 1]
    [65.481, 128.553, 24.966],
    [-37.797, -74.203, 112.0],
    [112.0, -93.786, -18.214],
])
_FORWARD = _MATLAB / 255
# uint8 in: 255000 * YCbCr = _FORWARD_INT @ RGB + 255000 * bias, exactly (no ties lost to floats).
_FORWARD_INT = np.rint(_MATLAB * 1000).astype(np.int64)
_FORWARD_BIAS = np.array([16.0, 128.0, 128.0])
_INVERSE = np.linalg.inv(_FORWARD)
_INVERSE_BIAS = -_INVERSE @ _FORWARD_BIAS


def rgb_to_ycbcr(image: Array) -> Array:
    """YCbCr (BT.601, MATLAB's ``rgb2ycbcr``) of an RGB image, same type, dtype and layout.

    Args:
        image: uint8 (0..255) or float (0..1) RGB; NumPy ``(..., 3)`` or torch ``(..., 3, H, W)``.

    Raises:
        ValueError: not 3 channels on the channel axis.
        TypeError: a dtype other than uint8 or floating point.
    """
    return _affine(image, _FORWARD, _FORWARD_BIAS, _FORWARD_INT)


def ycbcr_to_rgb(image: Array) -> Array:
    """RGB of a YCbCr image (MATLAB's ``ycbcr2rgb``): the inverse of :func:`rgb_to_ycbcr`.

    uint8 results are rounded and saturated to 0..255; float results are not clipped.
    """
    return _affine(image, _INVERSE, _INVERSE_BIAS)


def rgb_to_y(image: Array) -> Array:
    """The luma ``Y`` of :func:`rgb_to_ycbcr` alone: NumPy ``(...)``, torch ``(..., 1, H, W)``."""
    return _affine(image, _FORWARD[:1], _FORWARD_BIAS[:1], _FORWARD_INT[:1])


def _affine(
    image: Array, matrix: np.ndarray, bias: np.ndarray, exact: np.ndarray | None = None
) -> Array:
    """``matrix @ pixel + bias`` per pixel, with ``bias`` given on the 0..255 scale.

    ``exact``, when given, is ``255000 * matrix`` in integers: uint8 input is then computed in
    int64, so that exact halves (``Y = 125.5`` for RGB ``90, 150, 110``) round up, as the exact
    value does in MATLAB, instead of either way depending on the order of float sums.
    """
    torch_input = isinstance(image, torch.Tensor)
    channel_axis = -3 if torch_input else -1
    if image.ndim < (3 if torch_input else 1) or image.shape[channel_axis] != 3:
        layout = "(..., 3, H, W) tensor" if torch_input else "(..., 3) array"
        raise ValueError(f"expected a 3-channel {layout}, got shape {tuple(image.shape)}")
    is_uint8 = image.dtype in (np.uint8, torch.uint8)
    if not is_uint8 and not (image.dtype.is_floating_point if torch_input
                             else np.issubdtype(image.dtype, np.floating)):
        raise TypeError(f"expected uint8 or floating-point values, got {image.dtype}")
    # The matrix is scale-free; only the bias follows the input's scale (0..255 or 0..1).
    bias = bias if is_uint8 else bias / 255
    if is_uint8 and exact is not None:
        return _exact_uint8(image, exact, bias, torch_input)
    if torch_input:
        work = torch.float64 if is_uint8 else image.dtype
        m = torch.as_tensor(matrix, dtype=work, device=image.device)
        b = torch.as_tensor(bias, dtype=work, device=image.device)
        out = torch.einsum("oc,...chw->...ohw", m, image.to(work)) + b[:, None, None]
        # floor(v + 0.5) is MATLAB's round half away from zero, for the values >= 0 it keeps.
        return torch.floor(out + 0.5).clamp(0, 255).to(torch.uint8) if is_uint8 else out
    work_np = np.float64 if is_uint8 else image.dtype
    out_np = image.astype(work_np) @ matrix.T.astype(work_np) + bias.astype(work_np)
    if is_uint8:
        out_np = np.clip(np.floor(out_np + 0.5), 0, 255).astype(np.uint8)
    return out_np[..., 0] if matrix.shape[0] == 1 else out_np


def _exact_uint8(image: Array, exact: np.ndarray, bias: np.ndarray, torch_input: bool) -> Array:
    scale = 255000
    offset = np.rint(bias * scale).astype(np.int64) + scale // 2  # + half: round half up
    if torch_input:
        m = torch.as_tensor(exact, device=image.device)
        b = torch.as_tensor(offset, device=image.device)
        # Broadcast sum, not einsum: integer matmul is missing on CUDA.
        total = (m[:, :, None, None] * image.long().unsqueeze(-4)).sum(-3) + b[:, None, None]
        return torch.div(total, scale, rounding_mode="floor").clamp(0, 255).to(torch.uint8)
    total = image.astype(np.int64) @ exact.T + offset
    out = np.clip(total // scale, 0, 255).astype(np.uint8)
    return out[..., 0] if exact.shape[0] == 1 else out
