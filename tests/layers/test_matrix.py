"""The registry is the test matrix: every registered name × its dims × factors × channel change."""

from __future__ import annotations

import inspect
import warnings

import pytest
import torch

from resamplers.layers import DOWN, UP, create_down, create_up

FACTORS = {1: (2, 3, 4), 2: (2, 3, 4), 3: (2, 3)}  # ×4 in 3-D only grows CARAFE's encoder
IN_CHANNELS = {"down": 4, "up": 8}
OUT_CHANNELS = {"down": (None, 8), "up": (None, 4)}
# 12 is divisible by every factor; up-sampler inputs are small since outputs grow by f^d
DOWN_SIZE = {1: 12, 2: 12, 3: 12}
UP_SIZE = {1: 6, 2: 6, 3: 2}
CREATE = {"down": create_down, "up": create_up}
REGISTRIES = {"down": DOWN, "up": UP}


def _cases() -> list[pytest.param]:
    cases = []
    for kind, registry in REGISTRIES.items():
        for name in registry.names():
            for dims in registry.entry(name).dims:
                for factor in FACTORS[dims]:
                    for out in OUT_CHANNELS[kind]:
                        cases.append(
                            pytest.param(kind, name, dims, factor, out,
                                         id=f"{kind}-{name}-{dims}d-x{factor}-c{out}")
                        )
    return cases


def _input(kind: str, dims: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    size = (DOWN_SIZE if kind == "down" else UP_SIZE)[dims]
    # sizes differ per axis so that a transposed pair of axes would show
    shape = [size * (i + 1) for i in range(dims)] if dims < 3 else [size] * dims
    return torch.randn(2, IN_CHANNELS[kind], *shape, dtype=dtype)


def _expected_shape(kind: str, x: torch.Tensor, factor: int, out: int | None) -> tuple[int, ...]:
    spatial = [s // factor if kind == "down" else s * factor for s in x.shape[2:]]
    return (x.shape[0], IN_CHANNELS[kind] if out is None else out, *spatial)


@pytest.mark.parametrize(("kind", "name", "dims", "factor", "out"), _cases())
def test_shape_backward_dtypes_and_layouts(
    kind: str, name: str, dims: int, factor: int, out: int | None
) -> None:
    torch.manual_seed(0)
    layer = CREATE[kind](name, IN_CHANNELS[kind], out, factor, dims)
    x = _input(kind, dims).requires_grad_()
    y = layer(x)
    assert y.shape == _expected_shape(kind, x, factor, out)
    assert y.dtype == torch.float32
    (y * torch.randn_like(y)).sum().backward()
    grads = [x.grad] + [p.grad for p in layer.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert x.grad.abs().sum() > 0

    with torch.no_grad():
        reference = layer(x)
        y64 = layer.double()(x.double())
        assert y64.dtype == torch.float64
        torch.testing.assert_close(y64.float(), reference, rtol=1e-4, atol=1e-5)
        layer.float()
        if dims > 1:
            fmt = torch.channels_last if dims == 2 else torch.channels_last_3d
            y_cl = layer.to(memory_format=fmt)(x.detach().contiguous(memory_format=fmt))
            torch.testing.assert_close(y_cl, reference, rtol=1e-5, atol=1e-5)


def test_every_constructor_takes_the_common_signature() -> None:
    expected = [
        ("in_channels", inspect.Parameter.empty),
        ("out_channels", None),
        ("factor", 2),
        ("dims", 2),
    ]
    for registry in REGISTRIES.values():
        for name in registry.names():
            params = list(inspect.signature(registry.entry(name).cls).parameters.values())
            assert [(p.name, p.default) for p in params[:4]] == expected, name
            # every further option has a default, so the four common arguments suffice
            assert all(p.default is not inspect.Parameter.empty for p in params[4:]), name


@pytest.mark.parametrize(
    ("kind", "name"), [(k, n) for k, r in REGISTRIES.items() for n in r.names()]
)
def test_torch_export(kind: str, name: str) -> None:
    torch.manual_seed(0)
    layer = CREATE[kind](name, IN_CHANNELS[kind], OUT_CHANNELS[kind][1], 2, 2).eval()
    x = _input(kind, 2)
    program = torch.export.export(layer, (x,))
    torch.testing.assert_close(program.module()(x), layer(x))


@pytest.mark.parametrize(("kind", "name"), [("down", "conv"), ("up", "transposed")])
def test_jit_script_for_plain_conv_layers(kind: str, name: str) -> None:
    layer = CREATE[kind](name, IN_CHANNELS[kind], None, 2, 2)
    x = _input(kind, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TorchScript is deprecated
        scripted = torch.jit.script(layer)
    torch.testing.assert_close(scripted(x), layer(x))


ONNX_CASES = [
    ("up", "nearest"),
    ("up", "linear"),
    ("up", "transposed"),
    ("up", "pixelshuffle"),
    ("down", "conv"),
]


@pytest.mark.parametrize(("kind", "name"), ONNX_CASES)
def test_onnx_export_runs_in_onnxruntime(kind: str, name: str) -> None:
    pytest.importorskip("onnxscript")  # torch.onnx.export's exporter (dynamo=True) needs it
    ort = pytest.importorskip("onnxruntime")
    torch.manual_seed(0)
    layer = CREATE[kind](name, IN_CHANNELS[kind], OUT_CHANNELS[kind][1], 2, 2).eval()
    x = _input(kind, 2)
    program = torch.onnx.export(layer, (x,), dynamo=True, verbose=False)
    session = ort.InferenceSession(program.model_proto.SerializeToString())
    (y,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    torch.testing.assert_close(torch.from_numpy(y), layer(x), rtol=1e-5, atol=1e-5)
