"""snippets/port_layers.py and port_names.py against the real layers: for every rule, a torch layer
and its MindSpore counterpart, built as a reader would, are matched by map_names, torch's weights
and buffers go over with transfer_to_mindspore (the layer's layout rule applied), and the two
layers' outputs must then agree to float32 rounding. A wrong name, a missing layout transform or a
wrong gate order makes the outputs differ by far more."""
from __future__ import annotations

import numpy as np
import pytest

import oracles
from sitebuild import load_snippet

names_mod = load_snippet("port_names")
transfer = load_snippet("port_transfer")
layers = load_snippet("port_layers")


def _pair(kind, torch, ms):
    """(torch layer, MindSpore cell, input shape or token maker, how to call) for one rule."""
    tn, mn = torch.nn, ms.nn
    conv = {"pad_mode": "pad", "padding": 1, "has_bias": True}
    table = {
        "Linear": (tn.Linear(5, 3), mn.Dense(5, 3), (4, 5)),
        "Conv1d": (tn.Conv1d(4, 6, 3, padding=1, groups=2), mn.Conv1d(4, 6, 3, group=2, **conv), (2, 4, 7)),
        "Conv2d": (tn.Conv2d(3, 4, 3, padding=1), mn.Conv2d(3, 4, 3, **conv), (2, 3, 5, 5)),
        "Conv3d": (tn.Conv3d(2, 3, 3, padding=1), mn.Conv3d(2, 3, 3, **conv), (1, 2, 4, 4, 4)),
        "ConvTranspose1d": (tn.ConvTranspose1d(4, 6, 3, padding=1), mn.Conv1dTranspose(4, 6, 3, **conv),
                            (2, 4, 7)),
        "ConvTranspose2d": (tn.ConvTranspose2d(3, 4, 3, padding=1), mn.Conv2dTranspose(3, 4, 3, **conv),
                            (2, 3, 5, 5)),
        "ConvTranspose3d": (tn.ConvTranspose3d(2, 3, 3, padding=1), mn.Conv3dTranspose(2, 3, 3, **conv),
                            (1, 2, 4, 4, 4)),
        "BatchNorm1d": (tn.BatchNorm1d(4), mn.BatchNorm1d(4), (6, 4)),
        "BatchNorm2d": (tn.BatchNorm2d(3), mn.BatchNorm2d(3), (2, 3, 4, 4)),
        "BatchNorm3d": (tn.BatchNorm3d(3), mn.BatchNorm3d(3), (2, 3, 2, 4, 4)),
        "LayerNorm": (tn.LayerNorm(6), mn.LayerNorm((6,), epsilon=1e-5), (3, 6)),
        "GroupNorm": (tn.GroupNorm(2, 4), mn.GroupNorm(2, 4), (2, 4, 3, 3)),
        "Embedding": (tn.Embedding(10, 4), mn.Embedding(10, 4), "tokens"),
        "PReLU": (tn.PReLU(3), mn.PReLU(3), (2, 3, 4)),
        "LSTM": (tn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True),
                 mn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True), (2, 6, 4)),
        "GRU": (tn.GRU(4, 5, num_layers=2, bidirectional=True, batch_first=True),
                mn.GRU(4, 5, num_layers=2, bidirectional=True, batch_first=True), (2, 6, 4)),
        "RNN": (tn.RNN(4, 5, num_layers=2, batch_first=True), mn.RNN(4, 5, num_layers=2, batch_first=True),
                (2, 6, 4)),
        "MultiheadAttention": (tn.MultiheadAttention(8, 2, batch_first=True),
                               mn.MultiheadAttention(8, 2, batch_first=True), "attention"),
    }
    return table[kind]


@pytest.mark.claim("port-tools.layers")
@pytest.mark.parametrize("kind", sorted(layers.LAYERS))
def test_every_layer_rule_gives_the_same_outputs_in_both_frameworks(kind):
    torch, ms = oracles.require("torch"), oracles.mindspore()
    torch.manual_seed(0)
    layer, cell, shape = _pair(kind, torch, ms)

    class Holder(ms.nn.Cell):                    # MindSpore names a cell's parameters once attached
        def __init__(self):
            super().__init__()
            self.layer = cell
    model, net = torch.nn.ModuleDict({"layer": layer}), Holder()
    names = names_mod.map_names(model, net)
    assert set(names) == set(model.state_dict())
    with torch.no_grad():                        # values other than the initial ones
        for tensor in model.state_dict(keep_vars=True).values():
            if tensor.is_floating_point():
                tensor.copy_(torch.randn(tensor.shape) * 0.5 + (1.0 if tensor.dim() == 1 else 0.0))
    transfer.transfer_to_mindspore(model, None, net, None, names)
    layer.eval()
    cell.set_train(False)
    rng = np.random.default_rng(1)
    if shape == "tokens":
        x = rng.integers(0, 10, (3, 5)).astype(np.int64)
        inputs_t, inputs_m = (torch.from_numpy(x),), (ms.Tensor(x.astype(np.int32)),)
    elif shape == "attention":
        x = rng.standard_normal((2, 5, 8)).astype(np.float32)
        inputs_t, inputs_m = (torch.from_numpy(x),) * 3, (ms.Tensor(x),) * 3
    else:
        x = rng.standard_normal(shape).astype(np.float32)
        inputs_t, inputs_m = (torch.from_numpy(x),), (ms.Tensor(x),)
    with torch.no_grad():
        ours = layer(*inputs_t)
    theirs = cell(*inputs_m)
    ours = ours[0] if isinstance(ours, tuple) else ours
    theirs = theirs[0] if isinstance(theirs, tuple) else theirs
    ours, theirs = ours.numpy(), theirs.asnumpy()
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-5)


@pytest.mark.claim("port-tools.batchnorm-momentum")
def test_batchnorm_momentum_means_the_opposite_and_the_statistics_agree_when_converted():
    torch, ms = oracles.require("torch"), oracles.mindspore()
    x = np.random.default_rng(2).standard_normal((8, 3, 4, 4)).astype(np.float32)
    layer, cell = torch.nn.BatchNorm2d(3, momentum=0.1), ms.nn.BatchNorm2d(3, momentum=0.9)
    layer.train()
    cell.set_train(True)
    layer(torch.from_numpy(x))
    cell(ms.Tensor(x))
    np.testing.assert_allclose(cell.moving_mean.asnumpy(), layer.running_mean.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(cell.moving_variance.asnumpy(), layer.running_var.numpy(), rtol=1e-5)
    assert "momentum" in str(_refusal(torch, ms, torch.nn.BatchNorm2d(3, momentum=0.1),
                                      ms.nn.BatchNorm2d(3, momentum=0.1)))
    assert "momentum=None" in str(_refusal(torch, ms, torch.nn.BatchNorm2d(3, momentum=None),
                                           ms.nn.BatchNorm2d(3)))


@pytest.mark.claim("port-tools.layernorm-eps")
def test_layernorm_epsilon_defaults_differ_and_a_mismatch_is_refused():
    torch, ms = oracles.require("torch"), oracles.mindspore()
    assert torch.nn.LayerNorm(4).eps == 1e-5
    assert ms.nn.LayerNorm((4,)).epsilon == 1e-7
    error = _refusal(torch, ms, torch.nn.LayerNorm(4), ms.nn.LayerNorm((4,)))
    assert "epsilon=1e-05" in str(error) and "epsilon=1e-05" in error.zh


@pytest.mark.claim("port-tools.layers")
@pytest.mark.parametrize("kind", ["Conv2d-stride", "Conv1d-stride", "Conv1d-dilation", "LSTM-batch_first",
                                  "MultiheadAttention-batch_first"])
def test_a_layer_setting_that_differs_is_refused(kind):
    torch, ms = oracles.require("torch"), oracles.mindspore()
    tn, mn = torch.nn, ms.nn
    layer, cell, setting = {
        "Conv2d-stride": (tn.Conv2d(3, 4, 3, stride=2), mn.Conv2d(3, 4, 3, has_bias=True), "stride"),
        "Conv1d-stride": (tn.Conv1d(3, 4, 3, stride=2), mn.Conv1d(3, 4, 3, has_bias=True), "stride"),
        "Conv1d-dilation": (tn.Conv1d(3, 4, 3), mn.Conv1d(3, 4, 3, dilation=2, has_bias=True), "dilation"),
        "LSTM-batch_first": (tn.LSTM(4, 5, batch_first=True), mn.LSTM(4, 5), "batch_first"),
        "MultiheadAttention-batch_first": (tn.MultiheadAttention(8, 2), mn.MultiheadAttention(8, 2, batch_first=True),
                                           "batch_first"),
    }[kind]
    error = _refusal(torch, ms, layer, cell)
    assert f"torch {setting}=" in str(error) and f"torch 的 {setting}=" in error.zh


def _refusal(torch, ms, layer, cell):
    class Holder(ms.nn.Cell):
        def __init__(self):
            super().__init__()
            self.layer = cell
    with pytest.raises(names_mod.PortError) as caught:
        names_mod.map_names(torch.nn.ModuleDict({"layer": layer}), Holder())
    return caught.value
