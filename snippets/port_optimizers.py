"""The per-optimizer part of port_transfer.py and port_check.py: which state tensors, which
counters, which hyper-parameters are fixed at construction, and how each framework's optimizer
is read. A new optimizer (AdamW's exp_avg / exp_avg_sq) is one more OPTIMIZERS entry and two readers.
"""
from dataclasses import dataclass, field

import numpy as np


def _rprop_neutral(shape, dtype, lr):
    """The state torch gives a parameter at its first gradient (torch/optim/rprop.py, _init_group)."""
    return {"prev": np.zeros(shape, dtype), "step_size": np.full(shape, lr, dtype)}


OPTIMIZERS = {
    "Rprop": {
        "state": ("prev", "step_size"),      # torch state key == MindSpore prefix (`prev.NAME`)
        "counter": {"torch": "step", "nn": "global_step", "experimental": "step_t"},
        "fixed": ("etas", "step_sizes", "maximize", "weight_decay"),
        # fixed settings a MindSpore optimizer keeps once for all its parameters, where torch's
        # groups may each have their own (nn.Rprop's groups take only lr and weight_decay)
        "one_value": {"nn": ("etas", "step_sizes")},
        "neutral": _rprop_neutral,
        # the row of the mapping table that explains a difference in each setting
        "rows": {"lr": "lr", "etas": "etas", "step_sizes": "step-sizes", "maximize": "maximize",
                 "weight_decay": "weight-decay", "trained": "params", "dtype": "dtype",
                 "missing": "no-gradient"},
    },
}


@dataclass
class Slot:
    """One parameter as one optimizer sees it."""
    key: str = ""
    param: object = None
    trained: bool = False
    lr: float = 0.0
    lr_value: float = 0.0
    lr_holder: object = None     # MindSpore: the Parameter that holds this parameter's lr
    fixed: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)


@dataclass
class View:
    kind: str
    table: dict
    slots: dict                  # torch: id(param) -> Slot; MindSpore: name -> Slot
    counter: object = None       # MindSpore: the step counter Parameter
    counter_shape: tuple = ()


def _floats(pair):
    return tuple(float(v) for v in pair)


def one_value_differences(tv, mv, table):
    """A setting torch's groups give different values where the MindSpore optimizer keeps one for
    all its parameters (OPTIMIZERS[...]['one_value']): one difference for the whole optimizer."""
    out = []
    for setting in table.get("one_value", {}).get(mv.kind.split(".")[1], ()):
        values = sorted({slot.fixed[setting] for slot in tv.slots.values() if slot.trained})
        if len(values) > 1:
            theirs = next((slot.fixed[setting] for slot in mv.slots.values()), None)
            out.append({"key": None, "name": None, "setting": setting, "torch": values,
                        "mindspore": theirs, "row": table["rows"][setting]})
    return out


def supported(optimizer):
    """The name of a torch optimizer these tools know, or a PortError."""
    from port_names import PortError
    kind = type(optimizer).__name__
    if kind not in OPTIMIZERS:
        raise PortError(f"torch optimizer {kind} is not supported: these tools know {sorted(OPTIMIZERS)}",
                        f"不支持 torch 优化器 {kind}：这些工具只支持 {sorted(OPTIMIZERS)}")
    return kind


def torch_view(optimizer, keys):
    """Each parameter a torch optimizer holds, by its state_dict key (`keys`: {id(param): key}):
    lr, fixed hyper-parameters, state."""
    kind = supported(optimizer)
    slots = {}
    for group in optimizer.param_groups:
        fixed = {"etas": _floats(group["etas"]), "step_sizes": _floats(group["step_sizes"]),
                 "maximize": bool(group.get("maximize", False)), "weight_decay": 0.0}
        for p in group["params"]:
            slots[keys.get(id(p), id(p))] = Slot(key=keys.get(id(p), ""), param=p, trained=p.requires_grad, lr=float(group["lr"]),
                                fixed=fixed, state=dict(optimizer.state.get(p, {})))
    return View(kind, OPTIMIZERS[kind], slots)


def mindspore_view(optimizer):
    """Each parameter a MindSpore optimizer holds (nn.Rprop or experimental.optim.Rprop). Held
    means trained: both update a parameter they hold even where requires_grad is False."""
    from port_names import PortError
    name = type(optimizer).__name__
    experimental = type(optimizer).__module__.startswith("mindspore.experimental")
    if name not in OPTIMIZERS:
        raise PortError(f"MindSpore optimizer {name} is not supported: these tools know {sorted(OPTIMIZERS)}",
                        f"不支持 MindSpore 优化器 {name}：这些工具只支持 {sorted(OPTIMIZERS)}")
    table = OPTIMIZERS[name]
    kind = "experimental" if experimental else "nn"
    stored = optimizer.parameters_dict()
    slots = {}
    for index, (param, lr_holder, fixed) in enumerate(_mindspore_params(optimizer, experimental)):
        value = np.float32(np.asarray(lr_holder.asnumpy() if hasattr(lr_holder, "asnumpy") else lr_holder))
        lr_value = float(str(value))      # the shortest decimal that is this float32: 0.1, not 0.10000000149

        holder = lr_holder if type(lr_holder).__name__ == "Parameter" else None
        slots[param.name] = Slot(key=param.name, param=param, trained=True, lr=lr_value, lr_value=lr_value,
                                 lr_holder=holder, fixed=fixed,
                                 state={k: stored[f"{k}.{param.name}"] for k in table["state"]})
    counter = stored[table["counter"][kind]]
    label = f"mindspore.{'experimental.optim' if experimental else 'nn'}.{name}"
    return View(label, table, slots, counter, tuple(counter.shape))


def _mindspore_params(optimizer, experimental):
    """(Parameter, its lr (a Parameter or a number), its fixed hyper-parameters), in order."""
    if experimental:
        for group in optimizer.param_groups:
            fixed = {"etas": _floats(group["etas"]), "step_sizes": _floats(group["step_sizes"]),
                     "maximize": bool(group["maximize"]), "weight_decay": 0.0}
            for param in group["params"]:
                yield param, group["lr"], fixed
        return
    from port_names import PortError
    if optimizer.dynamic_lr:
        raise PortError("the MindSpore optimizer has a dynamic learning rate: build it with a number "
                        "(nn.Rprop reads the learning rate only at its first step)",
                        "该 MindSpore 优化器使用了动态学习率：请改用数值作为 learning_rate（nn.Rprop 只在第 1 步读取学习率）")
    common = {"etas": (float(optimizer.etaminus), float(optimizer.etaplus)),
              "step_sizes": (float(optimizer.step_size_min), float(optimizer.step_size_max)),
              "maximize": False}
    for index, param in enumerate(optimizer.parameters):
        lr = optimizer.learning_rate[index] if optimizer.is_group_lr else optimizer.learning_rate
        if optimizer.is_group:
            decay = optimizer.group_weight_decay[index]
        else:
            decay = optimizer.weight_decay if optimizer.decay_flags[index] else 0.0
        decay = float(np.asarray(decay.asnumpy() if hasattr(decay, "asnumpy") else decay))
        yield param, lr, {**common, "weight_decay": decay}
