"""Match a torch model's state_dict keys to a MindSpore net's parameter names, by structure.

    map_names(torch_model, mindspore_net, overrides=None) -> {torch key: MindSpore name or None}

The matching rule (the "Port your model" page states it too):
1. A tensor belongs to the module that holds it directly (`features.0` for `features.0.weight`).
2. Paths are compared with the wrappers left out (`module.` of DataParallel, `_orig_mod.` of
   torch.compile) and with each numbered child of a container (Sequential, ModuleList,
   SequentialCell, CellList) counted only among the children that hold tensors, so that a MindSpore
   `Flatten` or `ReLU` cell that torch does not have (or has as a function) shifts nothing.
3. The module and the cell at the same path must be of corresponding types (port_layers.LAYERS);
   the tensor's MindSpore name follows the layer's rule (`bn.weight` -> `bn.gamma`) and its shape
   must agree after the layer's layout transform; the layer settings in the rule must agree.
   A tensor of a module without a rule (your own module's nn.Parameter) matches the parameter of
   the same attribute name at the same path.
4. Tied weights: every torch key of a shared tensor maps to the one MindSpore parameter.
Nothing is matched by position among tensors of the same shape. What cannot be matched is refused,
listing both sides' leftovers; `overrides` ({torch key: MindSpore name or None}) settles those.

Needs NumPy; torch and MindSpore objects are only inspected (no import at module level).
"""
import math

from port_layers import LAYERS, LAYOUTS, RELATIONS, WRAPPERS, rule_name


class PortError(ValueError):
    """Refused input: nothing was written. `str(error)` is English, `error.zh` the same in Chinese."""

    def __init__(self, en, zh):
        super().__init__(en)
        self.en, self.zh = en, zh


def refuse(problems, en_intro, zh_intro):
    """Raise one PortError listing every (en, zh) problem, if there are any."""
    if problems:
        raise PortError(en_intro + "\n- " + "\n- ".join(en for en, _ in problems),
                        zh_intro + "\n- " + "\n- ".join(zh for _, zh in problems))


def _canonical_paths(root, children, wrapper_types=()):
    """{real path: canonical path} for every module/cell below `root` (rule 2 above)."""
    owners = {}

    def holds(node):
        if id(node) not in owners:
            owners[id(node)] = bool(_own_tensors(node)) or any(holds(c) for _, c in children(node))
        return owners[id(node)]

    out = {"": ""}

    def walk(node, real, canon):
        kids = list(children(node))
        counted = [name for name, child in kids if holds(child)]
        for name, child in kids:
            path = f"{real}.{name}" if real else name
            if type(node).__name__ in wrapper_types and len(kids) == 1:
                part = None
            elif name.isdigit():
                part = f"#{counted.index(name)}" if name in counted else f"~{name}"
            else:
                part = name
            sub = canon if part is None else (f"{canon}.{part}" if canon else part)
            out[path] = sub
            walk(child, path, sub)

    walk(root, "", "")
    return out


def _own_tensors(node):
    if hasattr(node, "_parameters"):          # torch
        persistent = [k for k in node._buffers if k not in node._non_persistent_buffers_set]
        return [k for k, v in node._parameters.items() if v is not None] + \
               [k for k in persistent if node._buffers[k] is not None]
    return list(getattr(node, "_params", {}))   # MindSpore


def describe_torch(model):
    """One entry per state_dict key: where it lives and what the matching and checks need."""
    canon = _canonical_paths(model, lambda m: m.named_children(), WRAPPERS)
    keys = list(model.state_dict(keep_vars=True))
    entries, seen = [], set()
    for path, module in model.named_modules(remove_duplicate=False):
        for attr in _own_tensors(module):
            key = f"{path}.{attr}" if path else attr
            if key in seen or key not in keys:
                continue
            seen.add(key)
            tensor = module._parameters.get(attr)
            if tensor is None:
                tensor = module._buffers[attr]
            rule = rule_name(type(module))
            settings = {s[0]: getattr(module, s[0], None) for s in LAYERS.get(rule, {}).get("settings", [])}
            entries.append({"key": key, "module": path, "path": canon[path], "type": type(module).__name__, "rule": rule,
                            "attr": attr, "shape": list(tensor.shape), "dtype": str(tensor.dtype)[6:],
                            "buffer": attr not in module._parameters, "tensor_id": id(tensor),
                            "settings": settings})
    order = {k: i for i, k in enumerate(keys)}
    return sorted(entries, key=lambda e: order[e["key"]])


def describe_mindspore(net):
    """{(canonical cell path, attribute): (parameter name, Parameter, cell)} and {path: cell}."""
    canon = _canonical_paths(net, lambda c: c.name_cells().items())
    params, cells = {}, {}
    for path, cell in net.cells_and_names():
        cells[canon[path]] = cell
        for attr, param in cell._params.items():
            params.setdefault((canon[path], attr), (param.name, param, cell))
    return params, cells


def _settings_problems(entry, rule, cell):
    problems = []
    for torch_attr, ms_attr, relation, *stored in rule.get("settings", []):
        ours = entry["settings"].get(torch_attr)
        want = RELATIONS[relation](ours)
        have = getattr(cell, ms_attr, None)
        if stored and isinstance(have, (int, float)):
            have = RELATIONS[stored[0]](have)
        if want is None and torch_attr == "momentum":
            problems.append((f"{entry['module']}: torch momentum=None (a cumulative average that reads "
                             "num_batches_tracked) has no MindSpore counterpart: give torch a number",
                             f"{entry['module']}：torch 的 momentum=None（用 num_batches_tracked 计算累积平均）"
                             "在 MindSpore 中没有对应设置：请在 torch 中把 momentum 设为数值"))
        elif not _equal(want, have):
            problems.append((f"{entry['module']}: torch {torch_attr}={_show(ours)} needs MindSpore "
                             f"{ms_attr}={_show(want)}, the cell was built with {_show(have)}",
                             f"{entry['module']}：torch 的 {torch_attr}={_show(ours)} 需要 MindSpore 的 "
                             f"{ms_attr}={_show(want)}，但该 Cell 构造时用的是 {_show(have)}"))
    return problems


def _show(value):
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def _equal(want, have):
    want, have = (tuple(v) if isinstance(v, list) else v for v in (want, have))   # JSON keeps lists
    if isinstance(want, float) and isinstance(have, (float, int)):
        return math.isclose(want, float(have), rel_tol=1e-6, abs_tol=1e-12)
    if isinstance(have, (tuple, list)) and not isinstance(want, (tuple, list)):
        return all(_equal(want, h) for h in have)
    return want == have


NO_MATCH = object()


def structural_name(entry, params, cells):
    """(MindSpore name, None, or NO_MATCH; problems) for one describe_torch entry by rules 1-3."""
    rule = _rule(entry)
    cell = cells.get(entry["path"])
    key = entry["key"]
    if rule is not None and (cell is None or type(cell).__name__ not in rule["mindspore"]):
        found = type(cell).__name__ if cell is not None else "nothing"
        found_zh = f"为 {type(cell).__name__}" if cell is not None else "没有对应的 Cell"
        return NO_MATCH, [(f"{key}: torch {entry['type']} at {entry['module'] or 'the root'} needs a "
                           f"MindSpore {' or '.join(rule['mindspore'])} there, found {found}",
                           f"{key}：torch 的 {entry['type']}（位于{' ' + entry['module'] if entry['module'] else '根模块'}）在 MindSpore "
                           f"中的同一位置应为 {' 或 '.join(rule['mindspore'])}，实际{found_zh}")]
    ms_attr = rule["names"].get(entry["attr"], "?") if rule else entry["attr"]
    if ms_attr is None:
        return None, []
    where = f"{entry['path']}.{rule['cell']}" if rule and rule.get("cell") else entry["path"]
    found = params.get((where, ms_attr))
    if found is None and rule and ms_attr != "?":        # the right layer, without this tensor
        en, zh = rule.get("missing", {}).get(entry["attr"], ("", ""))
        return NO_MATCH, [(f"{key}: the MindSpore {type(cell).__name__} at {entry['module']} has no "
                           f"{ms_attr}{': ' + en if en else ''}",
                           f"{key}：位于 {entry['module']} 的 MindSpore {type(cell).__name__} 没有 "
                           f"{ms_attr}{'：' + zh if zh else ''}")]
    if found is None:
        return NO_MATCH, []      # a leftover, reported by the caller
    name, param, cell = found
    problems = []
    shape = _converted_shape(entry, rule)
    if shape != tuple(param.shape):
        problems.append((f"{key} {tuple(entry['shape'])} -> {name} {tuple(param.shape)}: the shapes "
                         "differ (after the layer's layout rule); check the layer's sizes",
                         f"{key} {tuple(entry['shape'])} -> {name} {tuple(param.shape)}：形状不同"
                         "（已按该层的布局规则换算）：请检查该层的尺寸设置"))
    if rule:
        problems += _settings_problems(entry, rule, cells[where])
    return name, problems


def map_names(torch_model, mindspore_net, overrides=None):
    """{torch state_dict key: MindSpore parameter name, or None where MindSpore has no counterpart}
    for every parameter and buffer of `torch_model`, matched by structure (see the module's
    docstring). `torch_model` may also be a port_check Recording. Raises PortError listing every
    problem (unmatched tensors on either side, shapes, settings) when it cannot match them all."""
    entries = torch_entries(torch_model)
    params, cells = describe_mindspore(mindspore_net)
    overrides = dict(overrides or {})
    by_name = {name: param for name, param, _ in params.values()}
    problems, result, layers = [], {}, set()
    unknown = sorted(set(overrides) - {e["key"] for e in entries})
    problems += [(f"overrides names {k!r}, which the torch model does not have",
                  f"overrides 中的 {k!r} 不是该 torch 模型的键") for k in unknown]
    for entry in entries:
        key = entry["key"]
        if key in overrides:
            name = overrides[key]
            if name is not None and name not in by_name:
                problems.append((f"overrides maps {key!r} to {name!r}, which the MindSpore net does not have",
                                 f"overrides 把 {key!r} 对应到 {name!r}，但该 MindSpore 网络中没有这个参数"))
            result[key] = name
            continue
        name, found = structural_name(entry, params, cells)
        problems += [p for p in found if p not in problems]     # settings: once per layer
        if name is not NO_MATCH:
            result[key] = name
    left_torch = [e["key"] for e in entries if e["key"] not in result]
    claimed = {n for n in result.values() if n is not None}
    left_ms = [n for n in by_name if n not in claimed]
    if left_torch or left_ms:
        problems.append((f"unmatched torch keys {left_torch}, unmatched MindSpore parameters {left_ms}: "
                         "the two models differ there; settle each with overrides={torch key: "
                         "MindSpore name or None}",
                         f"torch 中未匹配的键 {left_torch}，MindSpore 中未匹配的参数 {left_ms}：两个模型"
                         "在这些位置结构不同，请用 overrides={torch 键: MindSpore 参数名或 None} 逐一指定"))
    refuse(problems, "map_names: cannot match the two models:", "map_names：无法匹配这两个模型：")
    return result


def torch_entries(torch_model):
    """describe_torch's entries of a torch model, or those a port_check Recording kept."""
    return torch_model.torch_layers if hasattr(torch_model, "torch_layers") else describe_torch(torch_model)


def _rule(entry):
    return LAYERS.get(entry["rule"]) if entry["rule"] else None


def _converted_shape(entry, rule):
    layout = (rule or {}).get("layouts", {}).get(entry["attr"])
    if layout is None:
        return tuple(entry["shape"])
    import numpy as np
    return LAYOUTS[layout][0](np.empty(entry["shape"], np.int8)).shape
