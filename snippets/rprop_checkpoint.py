"""Convert Rprop optimizer state between torch.optim.Rprop and MindSpore's two Rprop optimizers.

Copy this file next to your code. It needs NumPy, plus torch and/or MindSpore for the functions
that touch them (imported inside those functions only).

    torch_to_mindspore(state_dict, names, target)  torch state_dict -> {MindSpore name: array}
    load_into_mindspore(optimizer, converted)       set it into a live MindSpore optimizer, strictly
    mindspore_to_torch(ms_state, names, target, param_groups)  -> a torch Rprop state_dict

What is carried over: each parameter's `prev` (last gradient, zeroed after a sign flip) and
`step_size`, bit for bit in the parameter dtype, and the step counter. MindSpore names them
`prev.NAME` and `step_size.NAME`; its one counter is `global_step` (int32, shape (1,)) in
`mindspore.nn.Rprop` and `step_t` (int32, shape ()) in `mindspore.experimental.optim.Rprop`.
nn.Rprop also saves `learning_rate` (float32, shape ()). With these, training continues
bit-identically in the other framework (same hyper-parameters, same gradients).

What is not carried over, and why that is safe or refused:
- torch counts steps per parameter; MindSpore has one counter, used only to seed every step size
  from the learning rate when it reaches 1. torch never reads `step` in its arithmetic, so the
  counter becomes the largest per-parameter count (nothing is re-seeded, the continuation is
  exact); going back, every parameter gets the counter's value.
- A torch parameter that never had a gradient has no state, and MindSpore cannot seed it later
  (its counter is past 1): refused, unless `unstepped="seed"` (see torch_to_mindspore).
- Hyper-parameters: MindSpore's state has no etas, step_sizes or maximize, and only nn.Rprop
  saves its learning rate (`learning_rate`, which matters only at step 1): build the MindSpore
  optimizer with torch's values (and weight_decay=0.0); torch's come from `param_groups`.
- float64 state converts, but neither MindSpore optimizer computes float64 like torch (nn.Rprop
  in float32, experimental with float32 lr and etas), so such a continuation is not identical.
- Other optimizers, bfloat16/complex parameters, float16 into experimental.optim.Rprop (which
  does not run float16), maximize=True into nn.Rprop (which has no maximize) and groups with
  different etas or step_sizes into nn.Rprop (which has one of each) are refused.
"""
from __future__ import annotations

import os

import numpy as np

COUNTER = {"nn": "global_step", "experimental": "step_t"}
COUNTER_SHAPE = {"nn": (1,), "experimental": ()}
RPROP_STATE = {"step", "prev", "step_size"}


class CheckpointError(ValueError):
    """The input cannot be converted. The message says what is wrong and what to do, in English and,
    on its second line, in Chinese (also as `.en` and `.zh`)."""

    def __init__(self, en, zh):
        super().__init__(f"{en}\n{zh}")
        self.en, self.zh = en, zh


def _check_target(target):
    if target not in COUNTER:
        raise CheckpointError(f"unknown target {target!r}: use 'nn' (mindspore.nn.Rprop) or "
                              "'experimental' (mindspore.experimental.optim.Rprop)",
                              f"未知的 target {target!r}：请使用 'nn'（mindspore.nn.Rprop）或 "
                              "'experimental'（mindspore.experimental.optim.Rprop）")


def _check_names(names, count, what, groups=()):
    """The MindSpore names in the torch optimizer's parameter order. A dict {torch key: MindSpore
    name} (what port_names.map_names returns) is put in that order by the `param_names` torch keeps
    when the optimizer was built from model.named_parameters(); a list must already be in it."""
    if isinstance(names, dict):
        keys = [k for g in groups for k in g.get("param_names", [])]
        if len(keys) != count:
            raise CheckpointError("names is a dict, but the param_groups do not list their param_names: "
                                  "build the torch optimizer from model.named_parameters(), or pass a list "
                                  "of MindSpore names in the optimizer's parameter order",
                                  "names 是字典，但 param_groups 中没有 param_names：请用 model.named_parameters() "
                                  "构造 torch 优化器，或按优化器中的参数顺序传入 MindSpore 参数名的列表")
        unknown = [k for k in keys if names.get(k) is None]
        if unknown:
            raise CheckpointError(f"names has no MindSpore name for the param_names {unknown}: build the "
                                  "groups from model.named_parameters(), whose names are the state_dict keys",
                                  f"names 中没有 param_names {unknown} 对应的 MindSpore 参数名：请用 "
                                  "model.named_parameters() 构造参数组，这样参数名就是 state_dict 的键")
        names = [names[k] for k in keys]
    names = list(names)
    if len(names) != count or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        raise CheckpointError(f"names: {len(names)} given ({names!r}), but {what} has {count} "
                              "parameters: give one distinct name per parameter, in its order",
                              f"names：传入了 {len(names)} 个名称（{names!r}），但 {what.removeprefix('the ')} "
                              f"中有 {count} 个参数：请按参数顺序为每个参数给出一个名称，且互不重复")
    return names


def _check_one_value(groups, target):
    """mindspore.nn.Rprop keeps one etas and one step_sizes for all its parameters."""
    for key in ("etas", "step_sizes") if target == "nn" else ():
        values = sorted({tuple(map(float, g[key])) for g in groups if key in g})
        if len(values) > 1:
            raise CheckpointError(f"the param_groups use different {key} {values}, mindspore.nn.Rprop has one for "
                                  "all parameters: use target='experimental', or one value in every group",
                                  f"各参数组的 {key} 取值不同（{values}），而 mindspore.nn.Rprop 对全部参数只有一个 {key}："
                                  "请使用 target='experimental'，或让各参数组使用同一个值")


def _flat_params(param_groups):
    return [p for group in param_groups for p in group["params"]]


def torch_to_mindspore(state_dict, names, target="nn", *, params=None, unstepped="refuse", frozen=()):
    """torch.optim.Rprop.state_dict() -> {name: NumPy array} as MindSpore's `target` optimizer
    stores it for parameters named `names` (in the torch optimizer's parameter order): `prev.NAME`,
    `step_size.NAME`, the counter, and for nn also `learning_rate`. `state_dict` is not modified.

    params: optional {MindSpore name: tensor or array} of the model's weights; they are added under
    their names (as `mindspore.save_checkpoint(optimizer)` stores them) and their shapes checked.
    names: MindSpore names in the torch optimizer's parameter order, or a {torch key: MindSpore
    name} dict when the optimizer was built from named_parameters(). frozen: MindSpore names of
    parameters that the MindSpore optimizer does not hold (built from net.trainable_params() with
    them frozen): their state is left out. With parameter groups whose lr differ, nn.Rprop gets
    `learning_rate_group_N` for every group N (build it with the same groups in the same order,
    each with its lr), else one `learning_rate`.
    unstepped="seed": a parameter without state (it never had a gradient) gets what torch gives it
    at its first gradient, prev = 0 and step_size = its group's lr (needs `params` for shape and
    dtype). MindSpore feeds it zero gradients meanwhile, which keep exactly that state, so its
    first real gradient steps as in torch.
    """
    _check_target(target)
    groups, state = state_dict.get("param_groups"), state_dict.get("state")
    if not isinstance(groups, list) or not isinstance(state, dict):
        raise CheckpointError("state_dict must be torch.optim.Rprop.state_dict(): a dict with 'state' and "
                              "'param_groups'; pass the optimizer's state_dict()", "state_dict 必须是 "
                              "torch.optim.Rprop.state_dict() 的返回值，即含有 'state' 和 'param_groups' 的字典："
                              "请传入优化器的 state_dict()")
    order = _flat_params(groups)
    names = _check_names(names, len(order), "the state_dict", groups)
    for group in groups:
        if "etas" not in group or "step_sizes" not in group:
            keys = sorted(k for k in group if k != "params")
            raise CheckpointError(f"not a torch.optim.Rprop state_dict: its param_groups have keys {keys}, "
                                  "Rprop's have 'etas' and 'step_sizes': pass a torch.optim.Rprop's state_dict()",
                                  f"这不是 torch.optim.Rprop 的 state_dict：其参数组的键为 {keys}，而 Rprop 的"
                                  "参数组含有 'etas' 和 'step_sizes'：请传入 torch.optim.Rprop 的 state_dict()")
        if target == "nn" and group.get("maximize", False):
            raise CheckpointError("maximize=True cannot go to mindspore.nn.Rprop, which has no "
                                  "maximize: use target='experimental' (build it with maximize=True)",
                                  "mindspore.nn.Rprop 没有 maximize，不能接收 maximize=True 的状态：请使用 "
                                  "target='experimental'（构造时传入 maximize=True）")
    _check_one_value(groups, target)
    state = {i: entry for i, entry in state.items() if entry}   # {} when opt.state[p] was read
    if set(state) - set(order):
        unlisted = sorted(set(state) - set(order))
        raise CheckpointError(f"state for parameters {unlisted} that no param_group lists: the state_dict "
                              "is inconsistent; save it again with optimizer.state_dict()",
                              f"state 中有参数组未列出的参数 {unlisted}，这个 state_dict 前后不一致：请用 "
                              "optimizer.state_dict() 重新保存")
    for i, entry in state.items():
        if set(entry) != RPROP_STATE:
            raise CheckpointError(f"not torch.optim.Rprop state: parameter {i} has {sorted(entry)}, "
                                  f"Rprop keeps {sorted(RPROP_STATE)}: pass a torch.optim.Rprop's state_dict()",
                                  f"这不是 torch.optim.Rprop 的状态：参数 {i} 的状态为 {sorted(entry)}，而 Rprop "
                                  f"保存的是 {sorted(RPROP_STATE)}：请传入 torch.optim.Rprop 的 state_dict()")
    if unstepped not in ("refuse", "seed"):
        raise CheckpointError(f"unstepped={unstepped!r}: use 'refuse' or 'seed'",
                              f"unstepped={unstepped!r} 无效：请使用 'refuse' 或 'seed'")
    frozen = set(frozen)
    if frozen - set(names):
        raise CheckpointError(f"frozen names {sorted(frozen - set(names))} that are not among names: "
                              "take frozen's names from names", f"frozen 中的 {sorted(frozen - set(names))} "
                              "不在 names 中：请只在 frozen 中列出 names 里的参数名")
    weights = None
    if params is not None:
        if set(params) != set(names):
            raise CheckpointError(f"params has {sorted(params)}, expected the names {sorted(names)}: give "
                                  "one weight per name", f"params 的键为 {sorted(params)}，应为 names 中的 "
                                  f"{sorted(names)}：请为每个名称各给出一个权重")
        weights = {n: _numpy(params[n]) for n in names if n not in frozen}   # the optimizer's own
    out, steps = {}, []
    for index, name in zip(order, names):
        group = next(g for g in groups if index in g["params"])
        if name in frozen:
            continue
        if index not in state:
            if unstepped == "refuse" or weights is None:
                raise CheckpointError(
                    f"parameter {name!r} has no torch state yet (it never had a gradient). MindSpore "
                    "seeds step sizes only at its shared counter's step 1, so it could not seed it "
                    "later: step torch once with gradients for every parameter, or pass "
                    "unstepped='seed' with params={name: weight} (prev=0, step_size=lr, as torch "
                    "would start it)",
                    f"参数 {name!r} 还没有 torch 状态（它从未得到过梯度）。MindSpore 只在共用计数器的第 1 步"
                    "设定初始步长，日后无法再为它设定：请先让 torch 在每个参数都有梯度时训练一步，或传入 "
                    "unstepped='seed' 和 params={名称: 权重}（prev=0、step_size=lr，与 torch 开始训练它时相同）")
            prev = np.zeros_like(weights[name])
            step_size = np.full_like(weights[name], float(group["lr"]))
        else:
            entry = state[index]
            prev, step_size = _numpy(entry["prev"]), _numpy(entry["step_size"])
            steps.append(int(float(entry["step"])))
        if prev.shape != step_size.shape or prev.dtype != step_size.dtype:
            raise CheckpointError(f"{name!r}: prev {prev.shape} {prev.dtype} and step_size {step_size.shape} "
                                  f"{step_size.dtype} differ: the state is corrupt; save it again",
                                  f"{name!r}：prev（{prev.shape} {prev.dtype}）与 step_size（{step_size.shape} "
                                  f"{step_size.dtype}）不一致，状态已损坏：请重新保存")
        if weights is not None and (weights[name].shape, weights[name].dtype) != (prev.shape, prev.dtype):
            weight = f"{weights[name].shape} {weights[name].dtype}"
            raise CheckpointError(f"{name!r}: the weight is {weight} but its state is {prev.shape} "
                                  f"{prev.dtype}: wrong params or names; check both",
                                  f"{name!r}：权重为 {weight}，而它的状态为 {prev.shape} {prev.dtype}，"
                                  "params 或 names 有误：请检查这两项")
        if target == "experimental" and prev.dtype == np.float16:
            raise CheckpointError(f"{name!r} is float16, which mindspore.experimental.optim.Rprop "
                                  "does not run: use target='nn' or float32 parameters",
                                  f"{name!r} 是 float16，而 mindspore.experimental.optim.Rprop 不能训练 "
                                  "float16 参数：请使用 target='nn'，或改用 float32 参数")
        out[f"prev.{name}"], out[f"step_size.{name}"] = prev, step_size
    counter = max(steps, default=0)
    out[COUNTER[target]] = np.full(COUNTER_SHAPE[target], counter, np.int32)
    if target == "nn" and len({float(g["lr"]) for g in groups}) > 1:
        out.update({f"learning_rate_group_{i}": np.array(float(g["lr"]), np.float32)
                    for i, g in enumerate(groups)})
    elif target == "nn":
        out["learning_rate"] = np.array(float(groups[0]["lr"]), np.float32)
    return {**(weights or {}), **out}


def _numpy(value):
    """A fresh NumPy copy of a torch tensor, MindSpore Tensor/Parameter or array."""
    if hasattr(value, "asnumpy"):
        return value.asnumpy().copy()
    if hasattr(value, "detach"):
        import torch
        if value.dtype == torch.bfloat16 or value.is_complex():
            raise CheckpointError(f"{value.dtype} tensors are not converted: MindSpore's Rprop does "
                                  "not run bfloat16 on CPU, nor complex parameters; use float32 parameters",
                                  f"不转换 {value.dtype} 张量，因为 MindSpore 的 Rprop 在 CPU 上不能训练 "
                                  "bfloat16 参数，也不能训练复数参数：请改用 float32 参数")
        return value.detach().cpu().numpy().copy()
    return np.array(value, copy=True)


def load_into_mindspore(optimizer, converted):
    """Set `converted` (from torch_to_mindspore) into a live MindSpore Rprop optimizer, by exact
    Parameter name. Every state Parameter of the optimizer must be given (weights: all or none),
    every given key must be one of the optimizer's, and shapes and dtypes must match; all of this is
    checked before anything is written. Unlike `mindspore.load_param_into_net` it never loads
    `prev.w` into `w`, skips nothing, and does not share memory with `converted`."""
    import mindspore as ms
    every = dict(optimizer.parameters_dict())
    weights = {p.name for p in optimizer.parameters}
    required = set(every) - weights
    given = set(converted)
    problems = []   # (English, Chinese)
    if required - given:
        problems.append((f"missing {sorted(required - given)}", f"缺少 {sorted(required - given)}"))
    if given - set(every):
        problems.append((f"not in this optimizer {sorted(given - set(every))}",
                         f"该优化器中没有 {sorted(given - set(every))}"))
    if given & weights and given & weights != weights:
        problems.append((f"weights given for {sorted(given & weights)} only: give all or none",
                         f"只给出了 {sorted(given & weights)} 的权重：请给出全部权重，或一个也不给"))
    for key in sorted(given & set(every)):
        have = every[key]
        array = np.asarray(converted[key])
        dtype = have.asnumpy().dtype
        if array.shape != tuple(have.shape) or array.dtype != dtype:
            have = f"{tuple(have.shape)} {np.dtype(dtype)}"
            problems.append((f"{key}: given {array.shape} {array.dtype}, the optimizer has {have}",
                             f"{key}：传入的是 {array.shape} {array.dtype}，优化器中为 {have}"))
    if problems:
        kind, (en, zh) = type(optimizer).__name__, zip(*problems)
        raise CheckpointError(f"cannot load into {kind} (nothing was written): " + "; ".join(en) + ". Convert "
                              "for this optimizer's target and parameter names, dtypes and shapes",
                              f"无法加载到 {kind} 中（未写入任何内容）：" + "；".join(zh)
                              + "。请按该优化器的 target、参数名、数据类型和形状重新转换")
    for key in sorted(given):
        every[key].set_data(ms.Tensor(np.array(converted[key], copy=True)))


def mindspore_to_torch(ms_state, names, target="nn", param_groups=None, *, frozen=()):
    """MindSpore Rprop state -> a state_dict for torch.optim.Rprop.load_state_dict.

    ms_state: {name: array or Tensor/Parameter} (optimizer.parameters_dict(), a dict of asnumpy()
    arrays, or mindspore.load_checkpoint's result) or a checkpoint file path. Extra keys (the
    weights) are ignored. names: the MindSpore parameter names in the torch optimizer's order.
    param_groups: the param_groups of the torch optimizer that will load the state (required:
    load_state_dict overwrites its hyper-parameters with these, and MindSpore's state has no etas,
    step_sizes or maximize; from
    `optimizer.param_groups` the shapes are checked too). frozen: MindSpore names of parameters the
    MindSpore optimizer did not hold; they get no torch state (as a parameter torch never stepped). A counter of 0 (never stepped) gives an
    empty state, so torch seeds from lr as MindSpore would; otherwise every parameter gets
    step = counter.
    """
    import torch
    _check_target(target)
    if param_groups is None:
        raise CheckpointError("param_groups is required: MindSpore stores no lr/etas/step_sizes and "
                              "torch's load_state_dict replaces the optimizer's with the state_dict's;"
                              " pass torch_optimizer.param_groups of the optimizer that will load it",
                              "必须传入 param_groups：MindSpore 不保存 lr、etas 和 step_sizes，而 torch 的 "
                              "load_state_dict 会用 state_dict 中的超参数替换优化器原有的超参数：请传入将要"
                              "加载该状态的 torch 优化器的 param_groups")
    if isinstance(ms_state, (str, os.PathLike)):
        import mindspore as ms
        ms_state = ms.load_checkpoint(os.fspath(ms_state))
    order = _flat_params(param_groups)
    names = _check_names(names, len(order), "param_groups", param_groups)
    _check_one_value(param_groups, target)
    if target == "nn" and any(g.get("maximize", False) for g in param_groups):
        raise CheckpointError("nn.Rprop state has no maximize: load it into a torch optimizer "
                              "with maximize=False", "nn.Rprop 的状态中没有 maximize：请把它加载到 "
                              "maximize=False 的 torch 优化器中")
    counter_name, other = COUNTER[target], COUNTER["nn" if target == "experimental" else "experimental"]
    if counter_name not in ms_state:
        right = "nn" if other == "global_step" else "experimental"
        save = "mindspore.save_checkpoint(optimizer, ...) or optimizer.parameters_dict()"
        hint = ((f"it has {other!r}: pass target={right!r}", f"传入 target={right!r}（状态中有 {other!r}）")
                if other in ms_state else (f"save the whole optimizer ({save})",
                                           f"保存整个优化器（{save.replace(' or ', ' 或 ')}）"))
        raise CheckpointError(f"the MindSpore state has no step counter {counter_name!r}; without it "
                              f"a resume would re-seed every step size from lr: {hint[0]}",
                              f"MindSpore 状态中没有步数计数器 {counter_name!r}；缺少它，恢复训练时会用 lr "
                              f"重新设定每个步长：请{hint[1]}")
    frozen = set(frozen)
    missing = [k for n in names if n not in frozen for k in (f"prev.{n}", f"step_size.{n}")
               if k not in ms_state]
    extra = sorted(k for k in ms_state if k.startswith(("prev.", "step_size."))
                   and k.split(".", 1)[1] not in set(names) - frozen)
    if extra:
        raise CheckpointError(f"the MindSpore state holds {extra}, which names does not cover: give a "
                              "name for every parameter of the MindSpore optimizer (frozen: only those "
                              "it does not hold)", f"MindSpore 状态中有 {extra}，names 没有覆盖它们：请为 "
                              "MindSpore 优化器的每个参数给出名称（frozen 只列出优化器不持有的参数）")
    if missing:
        raise CheckpointError(f"the MindSpore state lacks {missing}: check names and target "
                              f"(it has {sorted(ms_state)})", f"MindSpore 状态中缺少 {missing}：请检查 "
                              f"names 和 target（状态中有 {sorted(ms_state)}）")
    counter = _numpy(ms_state[counter_name])
    if counter.size != 1 or counter.dtype.kind not in "iu" or int(counter.ravel()[0]) < 0:
        raise CheckpointError(f"{counter_name} must be one non-negative integer, got {counter!r}: load "
                              "what mindspore.save_checkpoint(optimizer, ...) saved",
                              f"{counter_name} 必须是一个非负整数，实际为 {counter!r}：请加载 "
                              "mindspore.save_checkpoint(optimizer, ...) 保存的文件")
    counter = int(counter.ravel()[0])
    state = {}
    for index, (name, param) in enumerate(zip(names, order)):
        if name in frozen:
            continue
        prev, step_size = _numpy(ms_state[f"prev.{name}"]), _numpy(ms_state[f"step_size.{name}"])
        shape, dtype = ((tuple(param.shape), _numpy(param[:0] if param.dim() else param).dtype)
                        if torch.is_tensor(param) else (prev.shape, prev.dtype))
        if prev.shape != step_size.shape or prev.shape != shape:
            raise CheckpointError(f"{name!r}: prev {prev.shape}, step_size {step_size.shape}, torch "
                                  f"parameter {shape}: the shapes differ; check names and order",
                                  f"{name!r}：prev 为 {prev.shape}，step_size 为 {step_size.shape}，torch 参数为 "
                                  f"{shape}，形状不一致：请检查 names 及其顺序")
        if not prev.dtype == step_size.dtype == dtype:  # load_state_dict would cast silently
            raise CheckpointError(f"{name!r}: prev {prev.dtype}, step_size {step_size.dtype}, torch "
                                  f"parameter {dtype}: use the same dtype on both sides",
                                  f"{name!r}：prev 为 {prev.dtype}，step_size 为 {step_size.dtype}，torch 参数为 "
                                  f"{dtype}：请在两边使用相同的数据类型")
        if counter:
            state[index] = {"step": torch.tensor(float(counter), dtype=torch.float32),
                            "prev": torch.from_numpy(prev), "step_size": torch.from_numpy(step_size)}
    groups, start = [], 0
    for group in param_groups:
        count = len(group["params"])
        groups.append({**{k: v for k, v in group.items() if k != "params"},
                       "params": list(range(start, start + count))})
        start += count
    return {"state": state, "param_groups": groups}
