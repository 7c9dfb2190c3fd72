"""Registry behaviour: names, specs, errors."""

from __future__ import annotations

import pytest
import torch

from resamplers.layers import (
    DOWN,
    UP,
    BlurDown,
    Registry,
    Resampler,
    create_down,
    create_up,
    list_down,
    list_up,
)

REQUIRED_DOWN = {"max", "avg", "conv", "blur", "maxblur", "convblur", "aps", "unshuffle", "interp"}
REQUIRED_UP = {
    "nearest", "linear", "cubic", "resizeconv", "transposed", "pixelshuffle", "carafe", "dysample",
}


def test_the_issue_names_are_registered() -> None:
    assert set(list_down()) >= REQUIRED_DOWN
    assert set(list_up()) >= REQUIRED_UP
    assert list_down() == DOWN.names() and list_up() == UP.names()


def test_dict_spec_passes_options_and_keyword_arguments_win() -> None:
    layer = create_up({"name": "dysample", "groups": 2, "style": "pl"}, 8, dims=2)
    assert (layer.groups, layer.style) == (2, "pl")
    layer = create_down({"name": "conv", "kernel_size": 5}, 4, kernel_size=7)
    assert layer.conv.kernel_size == (7, 7)


def test_out_channels_none_keeps_the_count() -> None:
    x = torch.rand(1, 6, 12, 12)
    assert create_down("blur", 6)(x).shape[1] == 6
    assert create_up("carafe", 6)(x).shape[1] == 6


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(KeyError, match="unknown upsampler 'bilinear'") as info:
        create_up("bilinear", 4)
    assert all(name in str(info.value) for name in list_up())
    with pytest.raises(KeyError, match=r"maxblur, unshuffle$") as info:  # sorted, as list_down()
        create_down("maxpool", 4)
    assert str(info.value).startswith("spec: unknown downsampler 'maxpool'")  # no quotes


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        ({"groups": 2}, ValueError, "'name' key"),
        (3, TypeError, "spec: expected a name"),
    ],
)
def test_bad_specs(spec: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        create_up(spec, 4)  # type: ignore[arg-type]


def test_unsupported_dims_raise_naming_the_supported_ones() -> None:
    with pytest.raises(ValueError, match=r"dims: BlurDown supports \(1, 2, 3\)"):
        BlurDown(4, dims=4)
    registry = Registry("up")

    @registry.register("only2d")
    class Only2D(Resampler):
        supported_dims = (2,)

    assert registry.entry("only2d").dims == (2,)
    with pytest.raises(ValueError, match=r"Only2D supports \(2,\) spatial dims, got 3"):
        registry.create("only2d", 4, dims=3)


def test_registration_is_checked() -> None:
    registry = Registry("down")
    with pytest.raises(ValueError, match="already registered"):
        registry.register("blur")(BlurDown)
        registry.register("blur")(BlurDown)

    class NoDims(torch.nn.Module):
        supported_dims = ()

    with pytest.raises(TypeError, match="supported_dims"):
        registry.register("nodims")(NoDims)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"in_channels": 0}, ValueError, "in_channels"),
        ({"in_channels": 4, "out_channels": 2.0}, TypeError, "out_channels"),
        ({"in_channels": 4, "factor": 1}, ValueError, "factor"),
        ({"in_channels": 4, "factor": True}, TypeError, "factor"),
    ],
)
def test_common_arguments_are_checked(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        create_down("avg", **kwargs)  # type: ignore[arg-type]
