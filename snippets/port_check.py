"""Check a port: replay a recorded torch run's gradients in MindSpore, find the first difference
and the row of the mapping table that explains it; tell a port bug from rounding in gradients.

    from port_check import record, check_port, compare_gradients
    recording = record(torch_model, torch_optimizer)     # port_record.py: two lines in your loop
    report = check_port(recording, mindspore_net, make_optimizer, names=None)
    print(report)               # report.zh in Chinese; report.first_difference is None when identical
    gradients = compare_gradients(recording, step, mindspore_grads, names)

check_port sets the net's weights and buffers and the optimizer's state to the recording's start
(through port_transfer's checks: nothing is written if they fail; so check a fresh net, or check
before you hand a run over, not after), builds your optimizer with
`make_optimizer(mindspore_net)`, keeps the learning rates you built it with, and feeds it torch's
gradients (zeros for a parameter torch had none for: MindSpore has no "skip"). Every setting that
differs from torch's is reported with its row, even where the recorded steps happen to agree.
"""
import numpy as np

from port_layers import LAYERS
from port_names import PortError, _converted_shape, describe_mindspore, refuse
from port_record import Recording, record, recorded_view  # noqa: F401  (record: re-exported)
from port_transfer import _layout, _messages, _plan_for_mindspore, check_names, shape_problem, write_plan

SITE = "https://rprop-migration.github.io/rprop-reference/"
PAGE = "rprop/"      # the optimizer's page, where each row has the anchor #row-ID


def row_link(row, zh=False):
    return f"{SITE}{'zh/' if zh else ''}{PAGE}#row-{row}"


class Report:
    """What check_port found: `first_difference` (None, or a dict: step, torch_key, mindspore_name,
    element, torch, mindspore, row, link), `differences` (settings that differ from torch's, each
    with its row), `steps` (how many steps were replayed) and `ok`: the port is right only when
    both are empty (a setting may differ without showing in the recorded steps: nn.Rprop reads its
    learning rate only at its first step, a frozen layer is fed zero gradients)."""

    def __init__(self, steps, first_difference, differences):
        self.steps, self.first_difference, self.differences = steps, first_difference, differences
        self.ok = first_difference is None and not differences
        self.en, self.zh = self._text(False), self._text(True)

    def __str__(self):
        return self.en

    def _text(self, zh):
        lines = []
        d = self.first_difference
        if d is None and self.differences:
            lines.append(f"回放的 {self.steps} 步与 torch 逐位一致，但以下 {len(self.differences)} 项设置与 "
                         "torch 不同，迁移后的训练会因此出现差异：" if zh else
                         f"The {self.steps} replayed steps agree with torch's, but {len(self.differences)} "
                         "settings differ from torch's and would make the ported run differ:")
        elif d is None:
            lines.append(f"所有 {self.steps} 步均与 torch 逐位一致。" if zh else
                         f"All {self.steps} steps are bit-identical to torch's.")
        else:
            where = f"{d['torch_key']} / {d['mindspore_name']}[{', '.join(map(str, d['element']))}]"
            lines.append(f"第 {d['step']} 步首次出现差异：{where}，torch 为 {d['torch']!r}，MindSpore 为 "
                         f"{d['mindspore']!r}。" if zh else f"First difference at step {d['step']}: {where}, "
                         f"torch {d['torch']!r}, MindSpore {d['mindspore']!r}.")
            if d["row"]:
                lines.append(f"原因见对照表“{d['row']}”行：{row_link(d['row'], True)}" if zh else
                             f"Explained by the row '{d['row']}': {row_link(d['row'])}")
            else:
                lines.append("没有哪项设置能解释这一差异：请用 compare_gradients 比较两边的梯度。" if zh else
                             "No setting explains it: compare the gradients with compare_gradients.")
        for difference in self.differences:
            en, cn = _messages([difference])[0]
            lines.append(("- " + cn + " " + row_link(difference["row"], True)) if zh else
                         ("- " + en + " " + row_link(difference["row"])))
        return "\n".join(lines)


def _bits(array):
    return array.view(f"u{array.dtype.itemsize}") if array.dtype.kind == "f" else array


def check_port(recording, mindspore_net, make_optimizer, names=None):
    """Replay `recording` (a Recording, or a folder path) on `mindspore_net` with the optimizer
    `make_optimizer(mindspore_net)` returns; a Report (see the module's docstring)."""
    import mindspore as ms
    if not isinstance(recording, Recording):
        recording = Recording.load(recording)
    names = check_names(names, recording, mindspore_net)
    by_name = {name: p for name, p, _ in describe_mindspore(mindspore_net)[0].values()}
    entries = {e["key"]: e for e in recording.torch_layers}
    pairs = [(e, None, by_name.get(names[e["key"]])) for e in recording.torch_layers]   # weights: read below
    optimizer = make_optimizer(mindspore_net)
    plan, problems, differences = _plan_for_mindspore(pairs, recorded_view(recording), optimizer, False)
    refuse(_recorded_weight_problems(pairs) + problems, "check_port: cannot start the replay (nothing was "
           "written):", "check_port：无法开始回放（未写入任何内容）：")
    write_plan([(param, lambda e=entry: _layout(e, recording.start[f"weight/{e['key']}"]))
                for entry, _, param in pairs if param is not None] + plan)
    keys = {}
    for key, name in names.items():
        if name is not None:
            keys.setdefault(name, key)
    order = [(p, keys[p.name]) for p in optimizer.parameters]
    missing = set()
    # one buffer per gradient, reused at every step; the tensors fed share its memory
    buffers = [np.empty(param.shape, np.dtype(str(param.dtype).lower())) for param, _ in order]
    feed = ms.mutable(tuple(ms.Tensor.from_numpy(b) for b in buffers))  # mutable: one compiled graph
    for step in range(1, len(recording) + 1):
        # memory maps where the recording is a folder; new dicts, so that popping from them below
        # leaves a recording held in memory whole (for compare_gradients, or a second check)
        grads, after = (dict(part) for part in recording.step(step))
        for (param, key), buffer in zip(order, buffers):
            recorded, grad = key in grads, grads.pop(key, None)
            if grad is None:
                missing.add(key) if recorded else None
                buffer[...] = 0
            else:
                np.copyto(buffer, _layout(entries[key], grad))
        del grads
        optimizer(feed)
        for param, key in order:
            expected = after.pop(key) if key in after else recording.start[f"weight/{key}"]
            ours = _layout(entries[key], param.asnumpy(), back=True)      # asnumpy: a view, no copy
            if ours.shape != expected.shape or not np.array_equal(_bits(ours), _bits(np.asarray(expected))):
                return Report(step, _first(step, key, param.name, ours, expected,
                                           _row(key, differences, missing)), differences)
            del expected    # unmaps the recorded weights as soon as they are compared
    return Report(len(recording), None, differences)


def _recorded_weight_problems(pairs):
    """The recorded weights' shapes and dtypes (kept in the recording's layer list) against the net's."""
    return [problem for entry, _, param in pairs if param is not None for problem in shape_problem(
        entry["key"], _converted_shape(entry, LAYERS.get(entry["rule"]) if entry["rule"] else None),
        entry["dtype"], param)]


def _first(step, key, name, ours, expected, row):
    flat = int(np.flatnonzero(_bits(ours).ravel() != _bits(expected).ravel())[0])
    element = tuple(int(i) for i in np.unravel_index(flat, expected.shape)) if expected.shape else ()
    return {"step": step, "torch_key": key, "mindspore_name": name, "element": element,
            "torch": expected.ravel()[flat].item(), "mindspore": ours.ravel()[flat].item(),
            "row": row, "link": row_link(row) if row else None}


def _row(key, differences, missing):
    """The mapping-table row that explains a difference in `key`: its own setting first, then a
    setting of any parameter, then a gradient torch did not have."""
    own = [d["row"] for d in differences if d["key"] == key]
    if own:
        return own[0]
    if differences:
        return differences[0]["row"]
    return "no-gradient" if key in missing else None


def compare_gradients(recording, step, mindspore_grads, names, *, reference=None, rounding_ulps=4):
    """How far the gradients your MindSpore net computed for recorded step `step` ({MindSpore name:
    Tensor or array}) are from torch's, in the site's measure: ulps of the step's largest gradient
    component. `names` is a map_names dict. Rounding grows with the model: pass `reference`, torch's
    gradients of the same step computed in float64 ({torch key: array}, from a float64 copy of the
    model), and the bound becomes ROUNDING_FACTOR times torch's own float32 error on that step;
    without it the bound is `rounding_ulps`, right for a layer or two. `within_rounding` is True when
    no component is further than the bound (then a sign that differs is on a component within
    rounding of zero: not a port bug, but Rprop steps it apart, see Port and verify, End to end)."""
    if not isinstance(names, dict):
        raise PortError("names must be a map_names dict {torch key: MindSpore name}",
                        "names 必须是 map_names 返回的字典 {torch 键: MindSpore 参数名}")
    torch_grads, _ = recording.step(step)
    entries = {e["key"]: e for e in recording.torch_layers}
    present = {k: np.asarray(g) for k, g in torch_grads.items() if g is not None}
    if not present:
        raise PortError(f"compare_gradients: step {step} has no recorded gradient to compare",
                        f"compare_gradients：第 {step} 步没有可比较的已记录梯度")
    scale = max((float(np.max(np.abs(g))) for g in present.values() if g.size), default=0.0)
    dtype = next(iter(present.values())).dtype
    ulp = float(np.spacing(dtype.type(scale))) if scale else float(np.finfo(dtype).tiny)
    rows, problems, own = [], [], None
    if reference is not None:
        problems += [(f"reference has no gradient for {k}", f"reference 中缺少 {k} 的梯度")
                     for k in present if k not in reference]
        own = max((float(np.max(np.abs(g - np.asarray(reference[k], np.float64)), initial=0)) / ulp
                   for k, g in present.items() if k in reference), default=0.0)
    bound = rounding_ulps if own is None else max(rounding_ulps, ROUNDING_FACTOR * own)
    for key, grad in present.items():
        name = names.get(key)
        if name not in mindspore_grads:
            problems.append((f"no MindSpore gradient for {key} ({name})", f"缺少 {key}（{name}）的 MindSpore 梯度"))
            continue
        value = mindspore_grads[name]
        ours = _layout(entries[key], np.asarray(value.asnumpy() if hasattr(value, "asnumpy") else value),
                       back=True)
        if ours.shape != grad.shape:
            problems.append((f"{name}: shape {ours.shape}, torch's {key} is {grad.shape}",
                             f"{name}：形状为 {ours.shape}，而 torch 的 {key} 为 {grad.shape}"))
            continue
        gap = np.abs(ours.astype(np.float64) - grad.astype(np.float64))
        flat = int(np.argmax(gap)) if gap.size else 0
        rows.append({"torch_key": key, "mindspore_name": name, "max_ulps": float(gap.max(initial=0) / ulp),
                     "element": tuple(int(i) for i in np.unravel_index(flat, grad.shape)) if grad.shape else (),
                     "signs_differ": int(np.count_nonzero(np.sign(ours) != np.sign(grad)))})
    refuse(problems, "compare_gradients:", "compare_gradients：")
    return GradientReport(step, scale, rows, bound, own)


# A correct port's gradients stay within a few times torch's own float32 error (measured on a text
# classifier: embedding, 2-layer bidirectional LSTM, LayerNorm, BatchNorm head); port bugs such as a
# LayerNorm epsilon of 1e-7 for torch's 1e-5 are mostly tens of times beyond it (tests/test_port_text.py).
ROUNDING_FACTOR = 10


class GradientReport:
    """Per parameter: `max_ulps` (of the step's largest torch component, `scale`), the element
    where it is largest, how many signs differ; `bound` (ulps), `torch_own_ulps` (torch's own float32
    error, with a reference), `within_rounding` and `worst`."""

    def __init__(self, step, scale, rows, bound, own=None):
        self.step, self.scale, self.rows = step, scale, sorted(rows, key=lambda r: -r["max_ulps"])
        self.bound, self.torch_own_ulps = bound, own
        self.worst = self.rows[0]
        self.within_rounding = all(r["max_ulps"] <= bound for r in rows)
        w = self.worst
        signs = sum(r["signs_differ"] for r in rows)
        hint = ("" if own is not None else " Rounding grows with the model: pass reference= (torch's "
                "float64 gradients of this step) to measure it.")
        hint_zh = ("" if own is not None else "模型越大，舍入误差越大：可传入 reference=（torch 在本步以 "
                   "float64 计算的梯度）来测量它。")
        mine = "" if own is None else f", {ROUNDING_FACTOR} times torch's own float32 error"
        mine_zh = "" if own is None else f"，即 torch 自身 float32 误差的 {ROUNDING_FACTOR} 倍"
        self.en = (f"Step {step}: largest gap {w['max_ulps']:.3g} ulps of the step's largest component "
                   f"({scale:.3g}) at {w['torch_key']}{list(w['element'])}; {signs} signs differ. "
                   + (f"Within rounding ({bound:.3g} ulps{mine})." if self.within_rounding else
                      f"More than rounding ({bound:.3g} ulps{mine}): look at {w['mindspore_name']} in "
                      f"your port, or at its layer in the table of Port your model.{hint}"))
        self.zh = (f"第 {step} 步：最大差值为 {w['max_ulps']:.3g} ulp（以该步最大梯度分量 {scale:.3g} 的 ulp "
                   f"计），位于 {w['torch_key']}{list(w['element'])}；有 {signs} 个分量符号不同。"
                   + (f"在舍入误差范围内（{bound:.3g} ulp{mine_zh}）。" if self.within_rounding else
                      f"差值超出舍入误差（{bound:.3g} ulp{mine_zh}）：请检查迁移代码中的 "
                      f"{w['mindspore_name']}，或“迁移你的模型”页表格中该层的规则。{hint_zh}"))

    def __str__(self):
        return self.en
