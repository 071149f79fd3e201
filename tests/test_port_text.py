"""The port tools and the checkpoint converter on a model not written for them: the text classifier
of tests/port_models.py (frozen Embedding, 2-layer bidirectional LSTM, LayerNorm, a BatchNorm1d /
PReLU / Dropout head) with two torch.optim.Rprop groups that have their own lr, etas and
step_sizes. Each test reproduces what a reader met with it: nn.Rprop (one etas for all groups)
refused with advice it cannot follow or, in the converter, accepted silently; check_port emptying
an in-memory recording; compare_gradients calling a correct port a port bug."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import oracles
import port_models
from sitebuild import load_snippet

names_mod = load_snippet("port_names")
transfer = load_snippet("port_transfer")
check = load_snippet("port_check")
converter = load_snippet("rprop_checkpoint")


class Text:
    """The torch model mid-run (`steps` steps of Rprop) and a fresh MindSpore port of it."""

    def __init__(self, steps=3, seed=0, **net_kwargs):
        self.torch, self.ms = oracles.require("torch"), oracles.mindspore()
        self.torch.manual_seed(seed)
        self.model, groups = port_models.TORCH["text"](self.torch)
        self.opt = self.torch.optim.Rprop(groups)
        tokens, labels = port_models.inputs("text", np.random.default_rng(seed))
        self.tokens, self.labels = tokens, labels
        self.x, self.y = self.torch.from_numpy(tokens), self.torch.from_numpy(labels)
        for _ in range(steps):
            self.torch_step()
        self.net, self.spec = port_models._mindspore_text(self.ms, **net_kwargs)
        # a seeded port bug (net_kwargs) is refused by map_names: the names are a correct port's
        correct = port_models._mindspore_text(self.ms)[0] if net_kwargs else self.net
        self.names = names_mod.map_names(self.model, correct)

    def loss(self, model):
        return self.torch.nn.functional.cross_entropy(model(self.x), self.y)

    def torch_step(self):
        self.opt.zero_grad()
        self.loss(self.model).backward()
        grads = {k: p.grad.numpy().copy() for k, p in self.model.named_parameters() if p.grad is not None}
        self.opt.step()
        return grads

    def make_optimizer(self, net, kind="experimental"):
        groups = [{"params": [p for p in net.trainable_params() if p.name.startswith(prefixes)], **settings}
                  for prefixes, settings in self.spec]
        if kind == "nn":     # a reader's best try: nn.Rprop's groups take lr only, etas once
            return self.ms.nn.Rprop([{"params": g["params"], "lr": g["lr"]} for g in groups],
                                    etas=(0.4, 1.3), step_sizes=(1e-5, 1.0), weight_decay=0.0)
        from mindspore.experimental import optim
        return optim.Rprop(groups)


def _weights(opt, names, model):
    back = {v: k for k, v in names.items() if v}
    torch_weights = dict(model.named_parameters())
    return [p.name for p in opt.parameters
            if p.asnumpy().tobytes() != torch_weights[back[p.name]].detach().numpy().tobytes()]


@pytest.mark.claim("port-tools.refuses")
def test_nn_rprop_cannot_take_per_group_etas_and_says_so_once():
    text = Text()
    for call in (lambda opt: transfer.transfer_to_mindspore(text.model, text.opt, text.net, opt, text.names),
                 lambda opt: transfer.transfer_to_torch(text.net, opt, text.model, text.opt, text.names)):
        with pytest.raises(names_mod.PortError) as caught:
            call(text.make_optimizer(text.net, "nn"))
        lines = str(caught.value).splitlines()[1:]
        assert len(lines) == 2 and all("mindspore.experimental.optim.Rprop" in line for line in lines), lines
        assert "etas" in lines[0] and "step_sizes" in lines[1] and "experimental" in caught.value.zh
    recording = check.record(text.model, text.opt)
    text.torch_step()
    recording.close()
    report = check.check_port(recording, text.net, lambda net: text.make_optimizer(net, "nn"))
    assert not report.ok and report.first_difference["row"] == "etas"
    assert [d["setting"] for d in report.differences] == ["etas", "step_sizes"], str(report)


@pytest.mark.claim("port-tools.transfer")
def test_the_text_classifier_continues_bit_identically_with_per_group_etas():
    text = Text(steps=5)
    ms_opt = text.make_optimizer(text.net)
    transfer.transfer_to_mindspore(text.model, text.opt, text.net, ms_opt, text.names)
    back = {v: k for k, v in text.names.items() if v}
    for _ in range(4):
        grads = text.torch_step()
        ms_opt(text.ms.mutable(tuple(text.ms.Tensor(grads[back[p.name]]) for p in ms_opt.parameters)))
        assert _weights(ms_opt, text.names, text.model) == []


@pytest.mark.claim("port-tools.check-port")
def test_check_port_leaves_an_in_memory_recording_whole():
    text = Text()
    recording = check.record(text.model, text.opt)
    for _ in range(3):
        text.torch_step()
    recording.close()
    first = check.check_port(recording, text.net, text.make_optimizer)
    again = check.check_port(recording, text.net, text.make_optimizer)
    assert first.ok and again.ok, (str(first), str(again))
    grads, after = recording.step(1)
    trained = [k for k, p in text.model.named_parameters() if p.requires_grad]
    assert sorted(grads) == sorted(after) == sorted(trained)


def _mindspore_gradients(text, net):
    """MindSpore's gradients of the recorded batch, the Dropout switched off in both frameworks."""
    ms = text.ms
    net.set_train(True)
    net.head[3].set_train(False)
    loss_fn = ms.nn.CrossEntropyLoss()
    params = net.trainable_params()
    grad_fn = ms.value_and_grad(lambda a, b: loss_fn(net(a), b), None, params)
    _, grads = grad_fn(ms.Tensor(text.tokens.astype(np.int32)), ms.Tensor(text.labels.astype(np.int32)))
    return {p.name: g for p, g in zip(params, grads)}


@pytest.mark.claim("port-tools.gradients")
@pytest.mark.parametrize("epsilon,port_bug", [(1e-5, False), (1e-7, True)])   # MindSpore's default 1e-7
def test_compare_gradients_measures_rounding_against_torchs_own(epsilon, port_bug):
    text = Text(steps=0, layernorm_epsilon=epsilon)
    text.model.head[3].eval()                                 # Dropout off: its masks are random
    transfer.transfer_to_mindspore(text.model, None, text.net, None, text.names)   # torch's start
    reference = copy.deepcopy(text.model).double()            # torch's own rounding: float64
    text.loss(reference).backward()
    recording = check.record(text.model, text.opt)
    text.torch_step()
    recording.close()
    grads = _mindspore_gradients(text, text.net)
    fixed = check.compare_gradients(recording, 1, grads, text.names)
    assert not fixed.within_rounding and "reference=" in str(fixed) and "reference=" in fixed.zh
    measured = check.compare_gradients(recording, 1, grads, text.names, reference={
        k: p.grad.numpy() for k, p in reference.named_parameters() if p.grad is not None})
    assert measured.torch_own_ulps > 4 and measured.within_rounding is not port_bug, str(measured)


@pytest.mark.claim("checkpoint.refuses")
def test_the_converter_refuses_per_group_etas_for_nn_and_converts_them_for_experimental():
    text = Text(steps=4)
    key_of = {id(p): k for k, p in text.model.named_parameters()}
    ms_names = [text.names[key_of[id(p)]] for g in text.opt.param_groups for p in g["params"]]
    state = text.opt.state_dict()
    with pytest.raises(converter.CheckpointError, match="target='experimental'"):
        converter.torch_to_mindspore(state, ms_names, "nn")
    with pytest.raises(converter.CheckpointError, match="target='experimental'"):
        converter.mindspore_to_torch({}, ms_names, "nn", text.opt.param_groups)
    weights = {ms: text.model.state_dict()[k] for k, ms in text.names.items() if ms in ms_names}
    ms_opt = text.make_optimizer(text.net)
    converter.load_into_mindspore(ms_opt, converter.torch_to_mindspore(state, ms_names, "experimental",
                                                                       params=weights))
    back = {v: k for k, v in text.names.items() if v}
    for _ in range(3):
        grads = text.torch_step()
        ms_opt(text.ms.mutable(tuple(text.ms.Tensor(grads[back[p.name]]) for p in ms_opt.parameters)))
        assert _weights(ms_opt, text.names, text.model) == []


@pytest.mark.claim("port-tools.gradients")
def test_mindspore_dropouts_first_argument_keeps_where_torchs_drops():
    torch, ms = oracles.require("torch"), oracles.mindspore()
    x = np.ones(20_000, np.float32)
    torch_layer = torch.nn.Dropout(0.3).train()
    kept = {"torch Dropout(0.3)": float((torch_layer(torch.from_numpy(x)) != 0).float().mean())}
    for label, cell in (("Dropout(0.3)", ms.nn.Dropout(0.3)), ("Dropout(p=0.3)", ms.nn.Dropout(p=0.3))):
        cell.set_train(True)
        kept[label] = float((cell(ms.Tensor(x)).asnumpy() != 0).mean())
    assert abs(kept["torch Dropout(0.3)"] - 0.7) < 0.02 and abs(kept["Dropout(p=0.3)"] - 0.7) < 0.02, kept
    assert abs(kept["Dropout(0.3)"] - 0.3) < 0.02, kept
