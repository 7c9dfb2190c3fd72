"""CARAFE: content-aware reassembly of features (Wang et al., ICCV 2019), in pure PyTorch.

Each output sample is a weighted sum of the ``k×k`` neighbourhood (``k^d`` in ``d`` dims) of its
source sample ``floor(out / factor)`` with zero padding outside, with weights predicted per
output sample and normalised by a softmax. Conventions follow the authors' CUDA op
(``myownskyW7/CARAFE``, ``carafe_naive_cuda_kernel.cu``): kernel channel
``(group·k + iy)·k + ix``, channel ``c`` in group ``c // (C / groups)``.

The reassembly loops over the ``k^d`` offsets and accumulates, instead of unfolding the input
(``k^d`` copies of it) or the output: autograd then keeps only views of the padded input and of
the kernels, so memory stays a few times the output whatever ``k``.

>>> import torch
>>> CARAFE(16)(torch.rand(1, 16, 8, 8)).shape
torch.Size([1, 16, 16, 16])
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resamplers.functional.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from resamplers.layers.registry import CONV, Resampler, check_int, projection, register_up

__all__ = ["CARAFE", "carafe"]


def carafe(x: Tensor, kernels: Tensor, factor: int, kernel_size: int = 5) -> Tensor:
    """Reassemble ``x`` with per-output-sample kernels (the CARAFE operator).

    ``y[n, c, p] = sum_j kernels[n, g·k^d + j, p] · x[n, c, floor(p / factor) + j - k // 2]``
    over the ``k^d`` offsets ``j`` (C order), with ``g = c // (C / groups)`` and zeros outside
    ``x``; ``groups = kernels.shape[1] // k^d``. The kernels are used as given (CARAFE
    softmax-normalises them over ``j`` first).

    Args:
        x: ``(N, C, *S)`` with 1, 2 or 3 spatial dims; floating point.
        kernels: ``(N, groups·k^d, *(S·factor))``; ``C`` divisible by ``groups``.
        factor: the integer upsampling factor.
        kernel_size: ``k``, odd.

    Returns:
        The upsampled ``(N, C, *(S·factor))`` tensor.

    Shape:
        - Input: ``(N, C, *S)`` and kernels ``(N, groups * k**d, *(S * factor))``
        - Output: ``(N, C, *(S * factor))``

    Examples:
        >>> x = torch.tensor([[[1.0, 2.0, 4.0]]])
        >>> left = torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1).expand(1, 3, 6)
        >>> carafe(x, left, factor=2, kernel_size=3)  # every sample takes its left neighbour
        tensor([[[0., 0., 1., 1., 2., 2.]]])
    """
    dims = x.ndim - 2
    factor = check_int(factor, "factor")
    k = _odd(kernel_size, "kernel_size")
    taps = k**dims
    n, c = x.shape[:2]
    expected = [s * factor for s in x.shape[2:]]
    if kernels.ndim != x.ndim or list(kernels.shape[2:]) != expected or kernels.shape[1] % taps:
        raise ValueError(
            f"kernels: expected (N, groups·{taps}, *{expected}) for x of shape "
            f"{tuple(x.shape)}, got {tuple(kernels.shape)}"
        )
    groups = kernels.shape[1] // taps
    if c % groups:
        raise ValueError(f"kernels: {groups} groups do not divide the {c} channels of x")
    # (N, G·K, *S·f) -> (N, G·K·f^d, *S), channel (g·K + j)·f^d + o, as the encoder emits them
    low = pixel_unshuffle(kernels, factor)
    return _reassemble(x, low.view(n, groups, taps, factor**dims, *x.shape[2:]), factor, k)


def _reassemble(x: Tensor, kernels: Tensor, factor: int, k: int) -> Tensor:
    # kernels: (N, G, k^d, f^d, *S) in low-resolution layout
    n, c, *size = x.shape
    dims, groups = len(size), kernels.shape[1]
    half = k // 2
    padded = F.pad(x, [half] * (2 * dims)).view(n, groups, c // groups, *(s + k - 1 for s in size))
    out = torch.zeros(
        n, groups, c // groups, factor**dims, *size, dtype=x.dtype, device=x.device
    )
    for j, shift in enumerate(itertools.product(range(k), repeat=dims)):
        window = padded
        for axis, start in enumerate(shift, start=3):
            window = window.narrow(axis, start, size[axis - 3])
        # (N, G, C/G, 1, *S) · (N, G, 1, f^d, *S)
        out = out + window.unsqueeze(3) * kernels[:, :, j].unsqueeze(2)
    # channel c·f^d + o is output channel c at block offset o: pixel_shuffle's order
    return pixel_shuffle(out.view(n, c * factor**dims, *size), factor)


@register_up("carafe")
class CARAFE(Resampler):
    """CARAFE upsampler: channel compressor (1×1 conv to ``compressed_channels``), content
    encoder (``k_enc`` conv to ``groups·k_up^d·factor^d`` channels), pixel shuffle, softmax over
    the ``k_up^d`` taps, then :func:`carafe` reassembly; a 1×1 conv after it if the channel count
    changes. Defaults are the paper's: ``k_up=5``, ``k_enc=3``, ``compressed_channels=64``,
    ``groups=1``; initialisation is the authors' (Xavier-uniform compressor, encoder
    ``N(0, 0.001²)``, zero biases), so the kernels start near uniform.

    Works in 1-D, 2-D and 3-D (the paper's layer is 2-D; the others extend the neighbourhood
    to ``k^d``).

    Shape:
        - Input: ``(N, in_channels, *S)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(S * factor))``

    Examples:
        >>> layer = CARAFE(8, 4, factor=3, dims=1, k_up=3)
        >>> layer.encoder.out_channels, layer(torch.rand(2, 8, 5)).shape
        (9, torch.Size([2, 4, 15]))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        k_up: int = 5,
        k_enc: int = 3,
        compressed_channels: int = 64,
        groups: int = 1,
    ) -> None:
        super().__init__(in_channels, out_channels, factor, dims)
        self.k_up = _odd(k_up, "k_up")
        k_enc = _odd(k_enc, "k_enc")
        self.groups = check_int(groups, "groups")
        if self.in_channels % self.groups:
            raise ValueError(
                f"groups: {self.groups} does not divide in_channels={self.in_channels}"
            )
        compressed = check_int(compressed_channels, "compressed_channels")
        conv = CONV[dims]
        self.compressor = conv(self.in_channels, compressed, 1)
        self.encoder = conv(
            compressed,
            self.groups * self.k_up**dims * self.factor**dims,
            k_enc,
            padding=k_enc // 2,
        )
        self.proj = projection(self.in_channels, self.out_channels, dims)
        # the authors' init_weights (carafe.py, CARAFEPack)
        nn.init.xavier_uniform_(self.compressor.weight)
        nn.init.zeros_(self.compressor.bias)
        nn.init.normal_(self.encoder.weight, std=0.001)
        nn.init.zeros_(self.encoder.bias)

    def forward(self, x: Tensor) -> Tensor:
        logits = self.encoder(self.compressor(x))
        # the encoder's channel (g·K + j)·f^d + o is pixel o of kernel tap j: softmax over j
        kernels = logits.view(
            x.shape[0], self.groups, self.k_up**self.dims, self.factor**self.dims, *x.shape[2:]
        ).softmax(dim=2)
        return self.proj(_reassemble(x, kernels, self.factor, self.k_up))

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, k_up={self.k_up}, groups={self.groups}"


def _odd(value: object, name: str) -> int:
    size = check_int(value, name)
    if size % 2 == 0:
        raise ValueError(f"{name}: expected an odd kernel size, got {size}")
    return size
