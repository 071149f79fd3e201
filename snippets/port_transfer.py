"""Move a whole training run between live torch and MindSpore objects: every weight and buffer,
and the whole optimizer state, so that training continues bit-identically on the same gradients.

    transfer_to_mindspore(torch_model, torch_optimizer, mindspore_net, mindspore_optimizer, names=None)
    transfer_to_torch(mindspore_net, mindspore_optimizer, torch_model, torch_optimizer, names=None)

`names` is a map_names dict (torch key -> MindSpore name), map_names(torch_model, net) when None;
a list is refused. Strict: everything is validated first; on any problem nothing is written and
the PortError names each parameter and what to do. Then save with each framework's own
`mindspore.save_checkpoint` / `torch.save`.

What a transfer decides, per parameter:
- "trained" means, in torch, held by the optimizer and requiring a gradient; in MindSpore, held by
  the optimizer (it updates what it holds, even with requires_grad=False). A parameter trained on
  one side only is refused (the runs would differ at once).
- A parameter that is held but not trained (frozen), or that never had a gradient, gets the state
  torch starts a parameter with (previous gradient 0, step size = its group's lr): MindSpore, fed
  zero gradients for it meanwhile, keeps exactly that state, so its first real gradient steps as
  in torch. Back in torch such parameters get the MindSpore state, which behaves the same.
- Hyper-parameters fixed at construction (OPTIMIZERS[...]['fixed']) are compared and a mismatch
  refused; the learning rate is state: it is written (nn.Rprop: `learning_rate` or
  `learning_rate_group_N`; the experimental optimizer: each group's `lr`).
"""
import numpy as np

from port_layers import LAYERS, LAYOUTS
from port_names import (NO_MATCH, PortError, describe_mindspore, describe_torch, map_names,
                        refuse, structural_name, torch_entries)
from port_optimizers import mindspore_view, one_value_differences, torch_view


def _layout(entry, array, back=False):
    rule = LAYERS.get(entry["rule"]) if entry["rule"] else None
    name = (rule or {}).get("layouts", {}).get(entry["attr"])
    return array if name is None else LAYOUTS[name][1 if back else 0](array)


def _torch_numpy(tensor):
    if isinstance(tensor, np.ndarray):
        return tensor
    if str(tensor.dtype) == "torch.bfloat16" or tensor.is_complex():
        raise PortError(f"{tensor.dtype} tensors are not transferred (MindSpore's optimizers do not run them "
                        "on CPU)", f"不迁移 {tensor.dtype} 张量：MindSpore 的优化器在 CPU 上不支持这种类型")
    return tensor.detach().cpu().numpy()


def check_names(names, torch_model, mindspore_net):
    """A complete names dict that agrees with the structure wherever the structure decides
    (map_names' own when `names` is None)."""
    if names is None:
        return map_names(torch_model, mindspore_net)
    if not isinstance(names, dict):
        raise PortError("names must be a dict {torch key: MindSpore name or None} (what map_names "
                        f"returns), not {type(names).__name__}: a list pairs tensors by position, "
                        "which cannot be checked", "names 必须是字典 {torch 键: MindSpore 参数名或 None}"
                        f"（即 map_names 的返回值），而不是 {type(names).__name__}：列表按位置配对，无法校验")
    entries = torch_entries(torch_model)
    params, cells = describe_mindspore(mindspore_net)
    by_name = {name for name, _, _ in params.values()}
    keys = [e["key"] for e in entries]
    problems = [(f"names lacks the torch key {k!r}", f"names 中缺少 torch 键 {k!r}")
                for k in keys if k not in names]
    problems += [(f"names has {k!r}, which the torch model does not have",
                  f"names 中的 {k!r} 不是该 torch 模型的键") for k in names if k not in keys]
    problems += [(f"names maps {k!r} to {v!r}, which the MindSpore net does not have",
                  f"names 把 {k!r} 对应到 {v!r}，但该 MindSpore 网络中没有这个参数")
                 for k, v in names.items() if v is not None and v not in by_name]
    claimed = {v for v in names.values() if v is not None}
    problems += [(f"the MindSpore parameter {n!r} has no torch key in names",
                  f"MindSpore 参数 {n!r} 在 names 中没有对应的 torch 键") for n in by_name if n not in claimed]
    for entry in entries:
        if entry["key"] not in names:
            continue
        name, _ = structural_name(entry, params, cells)
        if name is not NO_MATCH and names[entry["key"]] != name:
            problems.append((f"names maps {entry['key']!r} to {names[entry['key']]!r}, but by structure "
                             f"it is {name!r}: use map_names' dict (its overrides settle only what the "
                             "structure cannot match)", f"names 把 {entry['key']!r} 对应到 "
                             f"{names[entry['key']]!r}，但按结构应为 {name!r}：请直接使用 map_names 返回的字典"
                             "（其 overrides 只用于结构无法匹配的张量）"))
    refuse(problems, "names does not fit these models (nothing was written):",
           "names 与这两个模型不符（未写入任何内容）：")
    return names


def _pairs(torch_model, mindspore_net, names):
    """[(entry, torch tensor, MindSpore Parameter or None)] for every state_dict key."""
    tensors = torch_model.state_dict(keep_vars=True)
    by_name = {name: p for name, p, _ in describe_mindspore(mindspore_net)[0].values()}
    return [(e, tensors[e["key"]], by_name.get(names[e["key"]])) for e in describe_torch(torch_model)]


def shape_problem(key, shape, dtype, param):
    """[] when torch's `key`, of `shape` and `dtype` after the layout rule, fits `param`; else the
    message, in both languages."""
    theirs = (tuple(param.shape), str(param.dtype).lower())
    if (tuple(shape), str(dtype)) == theirs:
        return []
    return [(f"{key} is {tuple(shape)} {dtype} (after the layout rule), {param.name} is {theirs[0]} {theirs[1]}: "
             "make the layers and dtypes agree", f"{key} 为 {tuple(shape)} {dtype}（已按布局规则换算），"
             f"{param.name} 为 {theirs[0]} {theirs[1]}：请让两边的层与数据类型一致")]


def _weight_problems(pairs, to_mindspore):
    problems, written = [], {}
    for entry, tensor, param in pairs:
        if param is None:
            continue
        ours = _layout(entry, _torch_numpy(tensor))
        mismatch = shape_problem(entry["key"], ours.shape, ours.dtype, param)
        if mismatch:
            problems += mismatch
        elif to_mindspore and param.name in written and written[param.name].tobytes() != ours.tobytes():
            problems.append((f"{param.name} is shared in MindSpore, but its torch keys hold different values",
                             f"{param.name} 在 MindSpore 中是共享参数，但它对应的几个 torch 键取值不同"))
        written[param.name] = ours
    return problems


def transfer_to_mindspore(torch_model, torch_optimizer, mindspore_net, mindspore_optimizer, names=None):
    """Set every weight, buffer and the whole optimizer state of the MindSpore side from torch's
    (with both optimizers None: the weights and buffers only)."""
    import mindspore as ms
    names = check_names(names, torch_model, mindspore_net)
    pairs = _pairs(torch_model, mindspore_net, names)
    problems = _weight_problems(pairs, True)
    plan = []
    if torch_optimizer is not None:
        plan, more, differences = _plan_for_mindspore(pairs, torch_optimizer, mindspore_optimizer, True)
        problems += more + _messages(differences)
    refuse(problems, "transfer_to_mindspore: nothing was written:", "transfer_to_mindspore：未写入任何内容：")
    for entry, tensor, param in pairs:
        if param is not None:
            param.set_data(ms.Tensor(np.array(_layout(entry, _torch_numpy(tensor)), copy=True)))
    write_plan(plan)


def write_plan(plan):
    """Write [(MindSpore Parameter, array or a function that makes it)], one value at a time."""
    import mindspore as ms
    for target, value in plan:
        target.set_data(ms.Tensor(np.array(value() if callable(value) else value, copy=True)))


def _matched(pairs, torch_optimizer, mindspore_optimizer):
    """The two views and, per parameter either optimizer holds, (entry, torch Slot, MindSpore Slot)."""
    tv = torch_optimizer if hasattr(torch_optimizer, "slots") else torch_view(torch_optimizer, _keys(pairs))
    mv = mindspore_view(mindspore_optimizer)
    if tv.table is not mv.table:
        raise PortError(f"torch {tv.kind} and {mv.kind} are not the same optimizer: transfer each "
                        "optimizer's state to the same optimizer", f"torch 的 {tv.kind} 与 {mv.kind} "
                        "不是同一种优化器：优化器状态只能在同种优化器之间迁移")
    rows, seen = [], set()
    for entry, tensor, param in pairs:
        if param is None:       # no MindSpore counterpart: fine for a buffer or a weight torch does not train
            if entry["key"] in tv.slots:
                rows.append((entry, tv.slots[entry["key"]], None))
            continue
        if param.name in seen:
            continue
        seen.add(param.name)
        tslot, mslot = tv.slots.get(entry["key"]), mv.slots.get(param.name)
        if tslot or mslot:
            rows.append((entry, tslot, mslot))
    return tv, mv, rows


def _keys(pairs):
    """{id(torch tensor): its first state_dict key}"""
    out = {}
    for entry, tensor, _ in pairs:
        out.setdefault(id(tensor), entry["key"])
    return out


def settings_differences(entry, tslot, mslot, table):
    """[(setting, torch value, MindSpore value)] for one parameter: whether it is trained, and the
    hyper-parameters fixed at construction."""
    trained = (bool(tslot and tslot.trained), mslot is not None)
    if trained[0] != trained[1]:
        return [("trained", *trained)]
    if not (tslot and mslot):
        return []
    return [(s, tslot.fixed[s], mslot.fixed[s]) for s in table["fixed"] if tslot.fixed[s] != mslot.fixed[s]]


def difference_message(key, name, setting, ours, theirs, row):
    """(English, Chinese) for one setting that differs between torch and MindSpore."""
    if key is None:         # one_value_differences: torch's groups differ
        shown = ", ".join(map(repr, ours))
        return (f"torch's parameter groups use different {setting} ({shown}), but mindspore.nn.Rprop keeps "
                f"one {setting} for all its parameters ({theirs!r}; its groups take only lr and weight_decay): "
                f"use mindspore.experimental.optim.Rprop, whose groups take {setting}, or give every torch "
                f"group the same value (row '{row}')",
                f"torch 的各参数组使用了不同的 {setting}（{shown}），但 mindspore.nn.Rprop 对其全部参数只有一个 "
                f"{setting}（{theirs!r}；它的参数组只接受 lr 和 weight_decay）：请改用 "
                f"mindspore.experimental.optim.Rprop（其参数组可以各设 {setting}），或让 torch 的各参数组"
                f"使用同一个值（见对照表“{row}”行）")
    if setting == "trained" and name is None:
        return (f"{key}: torch trains it, but names maps it to no MindSpore parameter: give it one "
                "(a layer built without it? e.g. MindSpore's Conv has has_bias=False by default)",
                f"{key}：torch 会训练该参数，但 names 没有把它对应到任何 MindSpore 参数：请为它指定一个"
                "（是否构造该层时漏掉了它？例如 MindSpore 的 Conv 默认 has_bias=False）")
    if setting == "trained" and theirs:
        return (f"{key} / {name}: the MindSpore optimizer holds it, torch does not train it (frozen, "
                "a buffer such as a BatchNorm statistic, or not in its optimizer); MindSpore updates every "
                "parameter its optimizer holds, even with requires_grad=False: set requires_grad=False "
                "on it and build the optimizer from net.trainable_params() (row 'params')",
                f"{key} / {name}：MindSpore 优化器持有该参数，而 torch 不训练它（已冻结、是 BatchNorm 统计量"
                "之类的缓冲区，或不在 torch 优化器中）；MindSpore 会更新其优化器持有的每个参数，即使 "
                "requires_grad=False：请把它的 requires_grad 设为 False，再用 net.trainable_params() 构建"
                "优化器（见对照表“params”行）")
    if setting == "trained":
        return (f"{key} / {name}: torch trains it, the MindSpore optimizer does not hold it: add it to "
                "the MindSpore optimizer (requires_grad=True) or freeze it in torch (row 'params')",
                f"{key} / {name}：torch 会训练该参数，而 MindSpore 优化器没有持有它：请把它加入 MindSpore "
                "优化器（requires_grad=True），或在 torch 中冻结它（见对照表“params”行）")
    return (f"{key} / {name}: {setting} is {ours!r} in torch, {theirs!r} in MindSpore: build the "
            f"MindSpore optimizer with torch's value (row '{row}')",
            f"{key} / {name}：{setting} 在 torch 中为 {ours!r}，在 MindSpore 中为 {theirs!r}：请用 torch "
            f"的值构造 MindSpore 优化器（见对照表“{row}”行）")


def _plan_for_mindspore(pairs, torch_optimizer, mindspore_optimizer, set_lr):
    """[(MindSpore Parameter, array to write)] for the optimizer, the problems that forbid it, and
    the settings that differ from torch's ({key, name, setting, torch, mindspore, row}). With
    set_lr=False MindSpore's learning rates stay as built and a different one is a difference."""
    tv, mv, rows = _matched(pairs, torch_optimizer, mindspore_optimizer)
    table, problems, plan, lrs = tv.table, [], [], {}
    differences = one_value_differences(tv, mv, table)      # said once, not for every parameter
    once = {d["setting"] for d in differences}
    counter = max((int(float(s.state[table["counter"]["torch"]])) for s in tv.slots.values() if s.state),
                  default=0)
    for entry, tslot, mslot in rows:
        found = [f for f in settings_differences(entry, tslot, mslot, table) if f[0] not in once]
        if tslot and mslot and not set_lr and np.float32(tslot.lr) != np.float32(mslot.lr):
            found.append(("lr", tslot.lr, mslot.lr))
        differences += [{"key": entry["key"], "name": mslot.key if mslot else None, "setting": s,
                         "torch": ours, "mindspore": theirs, "row": table["rows"][s]}
                        for s, ours, theirs in found]
        if mslot is None:
            continue
        lr = tslot.lr if tslot else mslot.lr
        # each value is made when it is written, one at a time (a copy of the whole state at once
        # was most of check_port's memory)
        if tslot and tslot.state:
            plan += [(mslot.state[k], lambda e=entry, st=tslot.state, k=k: _layout(e, _torch_numpy(st[k])))
                     for k in table["state"]]
        else:
            dtype = np.dtype(str(mslot.param.dtype).lower())
            shape = tuple(mslot.param.shape)
            plan += [(mslot.state[k], lambda k=k, s=shape, d=dtype, lr=lr: table["neutral"](s, d, lr)[k])
                     for k in table["state"]]
        if set_lr and mslot.lr_holder is not None:
            lrs.setdefault(id(mslot.lr_holder), (mslot.lr_holder, set()))[1].add(float(np.float32(lr)))
    for holder, values in lrs.values():
        if len(values) > 1:
            problems.append((f"MindSpore's {holder.name} is one learning rate for parameters whose torch lr "
                             f"differ ({sorted(values)}): give them parameter groups of their own",
                             f"MindSpore 的 {holder.name} 是多个参数共用的学习率，但这些参数在 torch 中的 lr "
                             f"不同（{sorted(values)}）：请为它们分别建立参数组"))
        else:
            plan.append((holder, np.array(values.pop(), np.float32)))
    plan.append((mv.counter, np.full(mv.counter_shape, counter, np.int32)))
    return plan, problems, differences


def _messages(differences):
    return [difference_message(d["key"], d["name"], d["setting"], d["torch"], d["mindspore"], d["row"])
            for d in differences]


def transfer_to_torch(mindspore_net, mindspore_optimizer, torch_model, torch_optimizer, names=None):
    """Set every weight, buffer and the whole optimizer state of the torch side from MindSpore's.
    `names` maps torch keys to MindSpore names, as everywhere. torch's num_batches_tracked (no
    MindSpore counterpart) is left as it is: only BatchNorm with momentum=None reads it."""
    import torch
    names = check_names(names, torch_model, mindspore_net)
    pairs = _pairs(torch_model, mindspore_net, names)
    problems = _weight_problems(pairs, False)
    tv, mv, rows = _matched(pairs, torch_optimizer, mindspore_optimizer)
    table = tv.table
    counter = int(np.asarray(mv.counter.asnumpy()).ravel()[0])
    states, lrs = {}, {}
    grouped = one_value_differences(tv, mv, table)
    problems += _messages(grouped)
    once = {d["setting"] for d in grouped}
    for entry, tslot, mslot in rows:
        for setting, ours, theirs in settings_differences(entry, tslot, mslot, table):
            if setting in once:
                continue
            problems.append(difference_message(entry["key"], mslot.key if mslot else "-", setting, ours,
                                               theirs, table["rows"][setting]))
        if tslot is None:
            continue
        if mslot is not None and counter > 0:
            state = {k: _layout(entry, mslot.state[k].asnumpy(), back=True) for k in table["state"]}
            states[id(tslot.param)] = (tslot.param, state)
        else:
            states[id(tslot.param)] = (tslot.param, None)
        if mslot is not None:
            lrs.setdefault(id(_group_of(torch_optimizer, tslot.param)), set()).add(mslot.lr_value)
    groups = {id(g): g for g in torch_optimizer.param_groups}
    for gid, values in lrs.items():
        if len(values) > 1:
            problems.append((f"a torch parameter group holds parameters whose MindSpore learning rates "
                             f"differ ({sorted(values)}): split it into groups of one lr each",
                             f"torch 的某个参数组内各参数在 MindSpore 中的学习率不同（{sorted(values)}）："
                             "请拆分该参数组，使每组只有一个学习率"))
    refuse(problems, "transfer_to_torch: nothing was written:", "transfer_to_torch：未写入任何内容：")
    with torch.no_grad():
        for entry, tensor, param in pairs:
            if param is not None:
                value = _layout(entry, param.asnumpy(), back=True)
                tensor.copy_(torch.from_numpy(np.array(value, copy=True)))
    step_dtype = torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32
    for param, state in states.values():
        torch_optimizer.state.pop(param, None)
        if state is not None:
            torch_optimizer.state[param] = {
                table["counter"]["torch"]: torch.tensor(float(counter), dtype=step_dtype),
                **{k: torch.from_numpy(np.array(v, copy=True)) for k, v in state.items()}}
    for gid, values in lrs.items():
        value = values.pop()
        if np.float32(groups[gid]["lr"]) != np.float32(value):
            groups[gid]["lr"] = value


def _group_of(optimizer, param):
    return next(g for g in optimizer.param_groups if any(p is param for p in g["params"]))
