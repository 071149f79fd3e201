"""The port tools (snippets/port_*.py) on three real model pairs (tests/port_models.py): a run
trained in one framework, transferred, continued in the other on the same gradients must be
bit-identical at every step, in both directions and back again, with both MindSpore optimizers;
check_port finds none for a correct port and the right row for seeded mistakes; bad input is
refused with nothing written."""
from __future__ import annotations

import numpy as np
import pytest

import oracles
import port_models
from sitebuild import load_snippet

names_mod = load_snippet("port_names")
transfer = load_snippet("port_transfer")
check = load_snippet("port_check")
layers = load_snippet("port_layers")
MODELS, KINDS, BEFORE, AFTER = ("cnn", "seq", "mix"), ("nn", "experimental"), 4, 4


class Pair:
    """One model pair with its optimizers, and a fixed batch: torch computes the gradients."""

    def __init__(self, model, kind, seed=0, **ms_kwargs):
        self.torch, self.ms = oracles.require("torch"), oracles.mindspore()
        self.torch.manual_seed(seed)
        self.model, groups = port_models.TORCH[model](self.torch)
        self.opt = self.torch.optim.Rprop(groups, lr=1e-2)
        self.net, self.spec = port_models.MINDSPORE[model](self.ms)
        self.kind = kind
        self.ms_opt = self.make_optimizer(self.net, **ms_kwargs)
        x, y = port_models.inputs(model, np.random.default_rng(seed))
        self.x, self.y = self.torch.from_numpy(x), self.torch.from_numpy(y)
        self.names = names_mod.map_names(self.model, self.net)
        self.entries = {e["key"]: e for e in names_mod.describe_torch(self.model)}

    def make_optimizer(self, net, lr=1e-2, weight_decay=0.0, groups=True):
        params = port_models.mindspore_groups(net, self.spec) if groups else net.trainable_params()
        if self.kind == "nn":      # lr=None: MindSpore's default learning rate
            extra = {} if lr is None else {"learning_rate": lr}
            return self.ms.nn.Rprop(params, weight_decay=weight_decay, **extra)
        from mindspore.experimental import optim
        return optim.Rprop(params, **({} if lr is None else {"lr": lr}))

    def torch_step(self):
        """One torch training step; returns {key: gradient or None} it read."""
        self.opt.zero_grad()
        ((self.model(self.x) - self.y) ** 2).mean().backward()
        grads = {k: None if p.grad is None else p.grad.numpy().copy() for k, p in self.model.named_parameters()}
        self.opt.step()
        return grads

    def feed_mindspore(self, grads):
        back = {v: k for k, v in self.names.items() if v}
        self.ms_opt(tuple(self.ms.Tensor(transfer._layout(self.entries[back[p.name]], grads[back[p.name]]))
                          for p in self.ms_opt.parameters))

    def torch_weights(self, model=None):
        return {k: p.detach().numpy().copy() for k, p in (model or self.model).named_parameters()}

    def mindspore_weights(self):
        back = {v: k for k, v in self.names.items() if v}
        return {back[p.name]: transfer._layout(self.entries[back[p.name]], p.asnumpy(), back=True)
                for p in self.net.get_parameters() if p.name in back}


def _same(ours, theirs):
    return [k for k in theirs if k in ours and ours[k].tobytes() != theirs[k].tobytes()]


@pytest.mark.claim("port-tools.transfer")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("model", MODELS)
def test_a_run_continues_bit_identically_in_mindspore_and_back_in_torch(model, kind):
    pair = Pair(model, kind)
    for _ in range(BEFORE):
        pair.torch_step()
    transfer.transfer_to_mindspore(pair.model, pair.opt, pair.net, pair.ms_opt, pair.names)
    buffers = _buffers(pair.model)     # BatchNorm statistics and frozen weights go over too
    assert buffers == _buffers(pair.model, pair.mindspore_weights())
    for step in range(AFTER):
        grads = pair.torch_step()
        pair.feed_mindspore(grads)
        assert _same(pair.mindspore_weights(), pair.torch_weights()) == [], f"step {BEFORE + step + 1}"
    # back again: a fresh torch model and optimizer take MindSpore's run over
    model2, groups2 = port_models.TORCH[model](pair.torch)
    opt2 = pair.torch.optim.Rprop(groups2, lr=1e-2)
    transfer.transfer_to_torch(pair.net, pair.ms_opt, model2, opt2, names_mod.map_names(model2, pair.net))
    assert _same(pair.torch_weights(model2), pair.torch_weights()) == []
    assert _buffers(model2) == buffers
    _continue_in_torch(pair, model2, opt2)


def _continue_in_torch(pair, model2, opt2):
    """model2 steps on the gradients of pair's torch run and must stay bit-identical to it."""
    for _ in range(AFTER):
        grads = pair.torch_step()
        for key, param in model2.named_parameters():
            param.grad = None if grads[key] is None else pair.torch.from_numpy(grads[key])
        opt2.step()
        assert _same(pair.torch_weights(model2), pair.torch_weights()) == []


def _buffers(model, values=None):
    """{key: bytes} of the buffers (running statistics) and frozen weights, from the model or from
    `values` (MindSpore's, by torch key)."""
    keys = [k for k, v in model.state_dict(keep_vars=True).items()
            if not v.requires_grad and "num_batches_tracked" not in k]
    if values is None:
        return {k: model.state_dict()[k].numpy().tobytes() for k in keys}
    return {k: values[k].tobytes() for k in keys}


@pytest.mark.claim("port-tools.transfer")
@pytest.mark.parametrize("kind", KINDS)
def test_a_run_started_in_mindspore_continues_in_torch(kind):
    pair = Pair("cnn", kind)
    transfer.transfer_to_mindspore(pair.model, None, pair.net, None, pair.names)   # same start
    for _ in range(BEFORE):           # MindSpore trains (on torch-computed gradients of its weights)
        pair.feed_mindspore(pair.torch_step())
    model2, groups2 = port_models.TORCH["cnn"](pair.torch)
    opt2 = pair.torch.optim.Rprop(groups2, lr=1e-2)
    transfer.transfer_to_torch(pair.net, pair.ms_opt, model2, opt2)
    assert _same(pair.torch_weights(model2), pair.torch_weights()) == []
    _continue_in_torch(pair, model2, opt2)


@pytest.mark.claim("port-tools.check-port")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("model,start,on_disk", [("cnn", 0, False), ("seq", 3, True), ("mix", 2, False)])
def test_check_port_finds_no_difference_in_a_correct_port(model, kind, start, on_disk, tmp_path):
    pair = Pair(model, kind)
    for _ in range(start):
        pair.torch_step()
    recording = check.record(pair.model, pair.opt, tmp_path / "run" if on_disk else None)
    for _ in range(5):
        pair.torch_step()
    recording.close()
    report = check.check_port(str(tmp_path / "run") if on_disk else recording, pair.net,
                              pair.make_optimizer)
    assert report.ok and report.first_difference is None and report.differences == [] and report.steps == 5, \
        str(report)


@pytest.mark.claim("port-tools.check-port")
@pytest.mark.parametrize("mistake,row", [({"lr": None, "groups": False}, "lr"),   # nn.Rprop's default 0.1
                                         ({"weight_decay": 0.01}, "weight-decay"),
                                         ({"groups": False}, "lr")])                 # one lr for both groups
def test_check_port_names_the_row_of_a_seeded_mistake(mistake, row):
    pair = Pair("cnn", "nn")
    recording = check.record(pair.model, pair.opt)
    for _ in range(3):
        pair.torch_step()
    recording.close()
    report = check.check_port(recording, pair.net, lambda net: pair.make_optimizer(net, **mistake))
    difference = report.first_difference
    assert difference is not None and difference["step"] == 1 and difference["row"] == row, str(report)
    assert difference["torch"] != difference["mindspore"] and row in report.zh
    assert {d["row"] for d in report.differences} == {row}


@pytest.mark.claim("port-tools.check-port")
def test_check_port_reports_a_setting_even_where_the_steps_agree():
    pair = Pair("cnn", "nn")
    for _ in range(2):                # mid-run: nn.Rprop reads its learning rate only at its step 1
        pair.torch_step()
    recording = check.record(pair.model, pair.opt)
    for _ in range(3):
        pair.torch_step()
    recording.close()
    report = check.check_port(recording, pair.net, lambda net: pair.make_optimizer(net, lr=0.1, groups=False))
    assert report.first_difference is None and not report.ok
    assert {d["row"] for d in report.differences} == {"lr"} and "#row-lr" in str(report)
    assert str(report).startswith("The 3 replayed steps agree with torch's, but 5 settings differ")


@pytest.mark.claim("port-tools.check-port")
def test_check_port_names_the_no_gradient_row_when_torch_skipped_a_parameter(tmp_path):
    """torch skips a parameter without a gradient, MindSpore is fed zeros (its prev becomes 0):
    the steps part when the gradient comes back, and the row says why. On disk, so the replay reads
    memory maps into reused buffers: stale buffers would show as a difference at step 2."""
    pair = Pair("cnn", "nn")
    recording = check.record(pair.model, pair.opt, tmp_path / "run")
    for step in range(4):
        pair.opt.zero_grad()
        ((pair.model(pair.x) - pair.y) ** 2).mean().backward()
        if step == 1:
            pair.model.head.bias.grad = None
        pair.opt.step()
    recording.close()
    assert check.Recording.load(str(tmp_path / "run")).step(2)[0]["head.bias"] is None
    held = [p for g in pair.opt.param_groups for p in g["params"]]      # the page: up to twice their size
    size = sum(p.numel() * p.element_size() * (1 + p.requires_grad) for p in held)
    assert (tmp_path / "run" / "step-000001.bin").stat().st_size == size < 2 * sum(p.nbytes for p in held)
    report = check.check_port(str(tmp_path / "run"), pair.net, pair.make_optimizer)
    difference = report.first_difference
    assert difference is not None and difference["step"] == 3 and difference["torch_key"] == "head.bias", \
        str(report)
    assert difference["row"] == "no-gradient" and report.differences == [] and "#row-no-gradient" in str(report)


@pytest.mark.claim("port-tools.gradients")
def test_compare_gradients_tells_rounding_from_a_port_bug():
    pair = Pair("cnn", "nn")
    ms = pair.ms
    transfer.transfer_to_mindspore(pair.model, None, pair.net, None, pair.names)   # torch's start
    recording = check.record(pair.model, pair.opt)
    pair.torch_step()
    recording.close()
    loss_fn = ms.nn.MSELoss()
    x, y = ms.Tensor(pair.x.numpy()), ms.Tensor(pair.y.numpy())
    params = pair.net.trainable_params()
    grad_fn = ms.value_and_grad(lambda a, b: loss_fn(pair.net(a), b), None, params)
    pair.net.set_train(True)
    _, grads = grad_fn(x, y)
    native = {p.name: g for p, g in zip(params, grads)}
    good = check.compare_gradients(recording, 1, native, pair.names)
    assert good.within_rounding and good.worst["max_ulps"] <= 4, str(good)
    broken = dict(native, **{"head.bias": native["head.bias"] * 1.01})
    bad = check.compare_gradients(recording, 1, broken, pair.names)
    assert not bad.within_rounding and bad.worst["mindspore_name"] == "head.bias"


def _snapshot(pair):
    return ({p.name: p.asnumpy().tobytes() for p in pair.net.get_parameters()},
            {k: v.asnumpy().tobytes() for k, v in pair.ms_opt.parameters_dict().items()})


@pytest.mark.claim("port-tools.refuses")
@pytest.mark.parametrize("bad", ["swapped", "missing-buffer", "extra-key", "other-shape", "list",
                                 "other-architecture", "not-rprop", "frozen-mismatch", "etas"])
def test_bad_input_is_refused_with_nothing_written(bad):
    pair = Pair("cnn", "nn")
    pair.torch_step()
    names, opt, net, ms_opt = dict(pair.names), pair.opt, pair.net, pair.ms_opt
    if bad == "swapped":               # both (8,): only the structure tells them apart
        names["features.1.weight"], names["features.1.bias"] = "features.1.beta", "features.1.gamma"
    elif bad == "missing-buffer":
        del names["features.1.running_var"]
    elif bad == "extra-key":
        names["features.9.weight"] = "head.weight"
    elif bad == "other-shape":
        names["head.bias"] = "features.1.gamma"
    elif bad == "list":
        names = list(names.values())
    elif bad == "other-architecture":
        net, _ = port_models.MINDSPORE["seq"](pair.ms)
        names = None
    elif bad == "not-rprop":
        opt = pair.torch.optim.Adam(pair.model.parameters())
    elif bad == "frozen-mismatch":     # MindSpore's optimizer holds the bias torch keeps frozen
        pair.net.features[0].bias.requires_grad = True
        ms_opt = pair.ms.nn.Rprop(pair.net.trainable_params(), learning_rate=1e-2, weight_decay=0.0)
    elif bad == "etas":
        ms_opt = pair.ms.nn.Rprop(port_models.mindspore_groups(pair.net, pair.spec), learning_rate=1e-2,
                                  weight_decay=0.0, etas=(0.4, 1.2))
    pair.ms_opt = ms_opt
    before = _snapshot(pair)
    with pytest.raises(names_mod.PortError) as caught:
        transfer.transfer_to_mindspore(pair.model, opt, net, ms_opt, names)
    assert _snapshot(pair) == before
    assert caught.value.zh and caught.value.zh != str(caught.value)
    torch_before = {k: v.numpy().tobytes() for k, v in pair.model.state_dict().items()}
    with pytest.raises(names_mod.PortError):
        transfer.transfer_to_torch(net, ms_opt, pair.model, opt, names)
    assert {k: v.numpy().tobytes() for k, v in pair.model.state_dict().items()} == torch_before


@pytest.mark.claim("port-tools.frozen-update")
@pytest.mark.parametrize("kind", KINDS)
def test_mindspore_updates_a_parameter_its_optimizer_holds_even_when_frozen(kind):
    ms = oracles.mindspore()
    param = ms.Parameter(ms.Tensor(np.ones(3, np.float32)), name="w", requires_grad=False)
    if kind == "nn":
        opt = ms.nn.Rprop([param], learning_rate=0.01, weight_decay=0.0)
    else:
        from mindspore.experimental import optim
        opt = optim.Rprop([param], lr=0.01)
    opt((ms.Tensor(np.ones(3, np.float32)),))
    assert np.all(param.asnumpy() < 1.0)


@pytest.mark.claim("port-tools.transfer")
def test_tied_weights_and_torch_compile_map_to_the_one_shared_parameter():
    torch, ms = oracles.require("torch"), oracles.mindspore()

    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding, self.out = torch.nn.Embedding(10, 4), torch.nn.Linear(4, 10, bias=False)
            self.out.weight = self.embedding.weight

    class TiedCell(ms.nn.Cell):
        def __init__(self):
            super().__init__()
            self.embedding, self.out = ms.nn.Embedding(10, 4), ms.nn.Dense(4, 10, has_bias=False)
            self.out.weight = self.embedding.embedding_table
    model, net = torch.compile(Tied()), TiedCell()      # compiled lazily: only the wrapper is new
    names = names_mod.map_names(model, net)
    assert names == {"_orig_mod.embedding.weight": "embedding.embedding_table",
                     "_orig_mod.out.weight": "embedding.embedding_table"}
    opt = torch.optim.Rprop(model.parameters())
    model._orig_mod.out(model._orig_mod.embedding(torch.tensor([1, 2]))).sum().backward()
    opt.step()
    ms_opt = ms.nn.Rprop(net.trainable_params(), learning_rate=0.01, weight_decay=0.0)
    transfer.transfer_to_mindspore(model, opt, net, ms_opt, names)
    state = opt.state[model._orig_mod.embedding.weight]
    assert ms_opt.parameters_dict()["prev.embedding.embedding_table"].asnumpy().tobytes() == \
        state["prev"].numpy().tobytes()
    assert net.embedding.embedding_table.asnumpy().tobytes() == model._orig_mod.out.weight.detach().numpy().tobytes()


@pytest.mark.claim("port-tools.transfer")
@pytest.mark.parametrize("kind", KINDS)
def test_a_parameter_that_never_had_a_gradient_starts_as_in_torch(kind):
    pair = Pair("cnn", kind)
    for _ in range(BEFORE):            # head.bias gets no gradient yet: torch keeps no state for it
        pair.opt.zero_grad()
        ((pair.model(pair.x) - pair.y) ** 2).mean().backward()
        pair.model.head.bias.grad = None
        pair.opt.step()
    assert not pair.opt.state[pair.model.head.bias]
    transfer.transfer_to_mindspore(pair.model, pair.opt, pair.net, pair.ms_opt, pair.names)
    for step in range(AFTER):
        grads = pair.torch_step()
        pair.feed_mindspore(grads)
        assert _same(pair.mindspore_weights(), pair.torch_weights()) == [], f"step {BEFORE + step + 1}"


@pytest.mark.claim("port-tools.refuses")
def test_a_trained_weight_left_without_a_counterpart_is_refused_and_reported():
    pair = Pair("cnn", "nn")
    pair.model.features[0].bias.requires_grad_(True)      # torch trains the conv bias ...
    pair.opt = pair.torch.optim.Rprop(pair.model.parameters(), lr=1e-2)
    ms = pair.ms

    class NoBias(ms.nn.Cell):                             # ... the MindSpore port forgot has_bias=True
        def __init__(self):
            super().__init__()
            self.features = ms.nn.SequentialCell([ms.nn.Conv2d(3, 8, 3, pad_mode="pad", padding=1),
                                                  ms.nn.BatchNorm2d(8), ms.nn.ReLU(), ms.nn.Flatten()])
            self.head = ms.nn.Dense(8 * 6 * 6, 4)
    net = NoBias()
    with pytest.raises(names_mod.PortError) as caught:
        names_mod.map_names(pair.model, net)
    assert "has_bias=True" in str(caught.value) and "has_bias=True" in caught.value.zh
    names = names_mod.map_names(pair.model, net, overrides={"features.0.bias": None})   # the wrong fix
    make = lambda n: ms.nn.Rprop(n.trainable_params(), learning_rate=1e-2, weight_decay=0.0)  # noqa: E731
    pair.torch_step()
    with pytest.raises(names_mod.PortError, match="torch trains it"):
        transfer.transfer_to_mindspore(pair.model, pair.opt, net, make(net), names)
    recording = check.record(pair.model, pair.opt)
    pair.torch_step()
    recording.close()
    report = check.check_port(recording, net, make, names)
    assert not report.ok and [d["key"] for d in report.differences] == ["features.0.bias"]


@pytest.mark.claim("port-tools.embedding-padding")
def test_mindspore_computes_a_gradient_for_the_padding_row_torch_does_not():
    torch, ms = oracles.require("torch"), oracles.mindspore()
    tokens = np.array([[0, 1, 2, 0]], np.int64)
    layer = torch.nn.Embedding(5, 3, padding_idx=0)
    layer(torch.from_numpy(tokens)).sum().backward()
    cell = ms.nn.Embedding(5, 3, padding_idx=0)
    grad = ms.grad(lambda x: cell(x).sum(), None, cell.trainable_params())(ms.Tensor(tokens.astype(np.int32)))[0]
    assert not layer.weight.grad[0].any() and layer.weight.grad[1].all()
    assert np.all(grad.asnumpy()[0] == 2.0)               # two padding tokens, each with gradient 1
