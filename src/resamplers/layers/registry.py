"""The registries behind :func:`create_down` and :func:`create_up`.

A layer joins a registry through the decorator in the file that defines it
(``@register_down("blur")``); ``resamplers.layers`` imports those files, so the names exist as
soon as the package does. Every registered class takes the same leading arguments,
``(in_channels, out_channels=None, factor=2, dims=2, **options)``, and says which spatial dims
it supports in its ``supported_dims`` class attribute.

>>> import torch
>>> from resamplers.layers import create_down, create_up
>>> down = create_down("blur", 8, 16, factor=2, dims=2)
>>> up = create_up({"name": "dysample", "groups": 2}, 16, 8)
>>> up(down(torch.rand(1, 8, 32, 32))).shape
torch.Size([1, 8, 32, 32])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from torch import nn

Spec = str | Mapping[str, Any]
LayerT = TypeVar("LayerT", bound=type[nn.Module])


class UnknownLayerError(KeyError):
    """An unregistered layer name; prints its message without ``KeyError``'s quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Entry:
    """One registered layer: its name, class and the spatial dims it supports."""

    name: str
    cls: type[nn.Module]
    dims: tuple[int, ...]


class Registry:
    """Name -> layer class, for one direction (``"down"`` or ``"up"``).

    Examples:
        >>> from torch import nn
        >>> reg = Registry("up")
        >>> @reg.register("same")
        ... class Same(nn.Identity):
        ...     supported_dims = (1, 2)
        ...     def __init__(self, in_channels, out_channels=None, factor=2, dims=2):
        ...         super().__init__()
        >>> reg.names(), reg.entry("same").dims
        (['same'], (1, 2))
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def register(self, name: str) -> Callable[[LayerT], LayerT]:
        """Class decorator: add the class under ``name`` (names are unique)."""

        def add(cls: LayerT) -> LayerT:
            if name in self._entries:
                raise ValueError(
                    f"name: {self.kind}sampler {name!r} is already registered "
                    f"(by {self._entries[name].cls.__qualname__})"
                )
            dims = tuple(getattr(cls, "supported_dims", ()))
            if not dims or not set(dims) <= {1, 2, 3}:
                raise TypeError(
                    f"{cls.__qualname__}: set supported_dims to a tuple drawn from (1, 2, 3), "
                    f"got {dims!r}"
                )
            self._entries[name] = Entry(name, cls, dims)
            return cls

        return add

    def names(self) -> list[str]:
        """The registered names, sorted (registration order follows import order)."""
        return sorted(self._entries)

    def entry(self, name: str) -> Entry:
        """The entry for ``name``; an unknown name raises :class:`UnknownLayerError` (a
        ``KeyError``) listing the known ones."""
        if name not in self._entries:
            raise UnknownLayerError(
                f"spec: unknown {self.kind}sampler {name!r}; available: {', '.join(self.names())}"
            )
        return self._entries[name]

    def create(
        self,
        spec: Spec,
        in_channels: int,
        out_channels: int | None = None,
        factor: int = 2,
        dims: int = 2,
        **kw: Any,
    ) -> nn.Module:
        """Build the layer that ``spec`` names; a dict's other keys and ``kw`` are its options
        (``kw`` wins on a clash)."""
        if isinstance(spec, str):
            name, options = spec, {}
        elif isinstance(spec, Mapping):
            if "name" not in spec:
                raise ValueError(f"spec: a dict spec needs a 'name' key, got {dict(spec)!r}")
            options = {k: v for k, v in spec.items() if k != "name"}
            name = spec["name"]
        else:
            raise TypeError(
                f"spec: expected a name or a dict with a 'name' key, got {type(spec).__name__}"
            )
        entry = self.entry(name)
        return entry.cls(in_channels, out_channels, factor, dims, **{**options, **kw})


DOWN = Registry("down")
UP = Registry("up")
register_down = DOWN.register
register_up = UP.register


def create_down(
    spec: Spec,
    in_channels: int,
    out_channels: int | None = None,
    factor: int = 2,
    dims: int = 2,
    **kw: Any,
) -> nn.Module:
    """Build a registered downsampler by name (``"blur"``) or dict (``{"name": "conv",
    "kernel_size": 4}``); ``out_channels=None`` keeps the channel count.

    Shape:
        - Input: ``(N, in_channels, *spatial)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(spatial / factor))`` (see each layer for rounding)

    Examples:
        >>> import torch
        >>> create_down("conv", 4, 8, factor=3, dims=1)(torch.rand(2, 4, 12)).shape
        torch.Size([2, 8, 4])
    """
    return DOWN.create(spec, in_channels, out_channels, factor, dims, **kw)


def create_up(
    spec: Spec,
    in_channels: int,
    out_channels: int | None = None,
    factor: int = 2,
    dims: int = 2,
    **kw: Any,
) -> nn.Module:
    """Build a registered upsampler by name (``"pixelshuffle"``) or dict (``{"name":
    "carafe", "k_up": 3}``); ``out_channels=None`` keeps the channel count.

    Shape:
        - Input: ``(N, in_channels, *spatial)`` with ``dims`` spatial axes
        - Output: ``(N, out_channels, *(spatial * factor))``

    Examples:
        >>> import torch
        >>> create_up("transposed", 4, 2, factor=3, dims=3)(torch.rand(1, 4, 2, 3, 4)).shape
        torch.Size([1, 2, 6, 9, 12])
    """
    return UP.create(spec, in_channels, out_channels, factor, dims, **kw)


def list_down() -> list[str]:
    """The registered downsampler names.

    >>> "blur" in list_down()
    True
    """
    return DOWN.names()


def list_up() -> list[str]:
    """The registered upsampler names.

    >>> "carafe" in list_up()
    True
    """
    return UP.names()


class Resampler(nn.Module):
    """Base of the registered layers: checks and stores the common arguments.

    Subclasses set ``supported_dims`` and call ``super().__init__(in_channels, out_channels,
    factor, dims)`` first; ``self.out_channels`` is then resolved (``None`` -> ``in_channels``).
    """

    supported_dims: ClassVar[tuple[int, ...]] = (1, 2, 3)

    def __init__(
        self, in_channels: int, out_channels: int | None = None, factor: int = 2, dims: int = 2
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.in_channels = check_int(in_channels, "in_channels")
        self.out_channels = (
            self.in_channels if out_channels is None else check_int(out_channels, "out_channels")
        )
        self.factor = check_int(factor, "factor", minimum=2)
        if dims not in self.supported_dims:
            raise ValueError(
                f"dims: {name} supports {self.supported_dims} spatial dims, got {dims!r}"
            )
        self.dims = dims

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, factor={self.factor}, dims={self.dims}"
        )


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``, or a clear error naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value}")
    return value


CONV: dict[int, type[nn.Module]] = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONV_TRANSPOSE: dict[int, type[nn.Module]] = {
    1: nn.ConvTranspose1d,
    2: nn.ConvTranspose2d,
    3: nn.ConvTranspose3d,
}


def projection(in_channels: int, out_channels: int, dims: int) -> nn.Module:
    """The minimal channel change: a 1×1 conv, or ``Identity`` when the counts agree."""
    if in_channels == out_channels:
        return nn.Identity()
    return CONV[dims](in_channels, out_channels, 1)
