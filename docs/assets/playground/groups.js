// Parameter groups for the converter (convert.js): a first argument that is a list or tuple of
// dicts, `[{"params": model.backbone.parameters(), "lr": 1e-3}, dict(params=model.head.parameters())]`,
// converted group by group.
//
// What each framework does with a group (read in the installed sources; tests/test_converter.py
// runs every case through them):
// - torch.optim.Rprop (torch/optim/optimizer.py, Optimizer.add_param_group): any key is stored;
//   a missing hyper-parameter takes the call's value; nothing is checked when the optimizer is
//   built; step() reads `lr` (to seed the step sizes), `etas`, `step_sizes`, `maximize`, `foreach`,
//   `capturable`, `differentiable` per group and ignores every other key (`weight_decay` too).
// - mindspore.nn.Rprop (mindspore/nn/optim/optimizer.py, _check_group_params, _init_group_params):
//   keys other than `params`, `lr`, `weight_decay`, `grad_centralization`, `order_params` raise
//   KeyError; a group `lr` (checked as `learning_rate` is) becomes `learning_rate_group_<index>`, a
//   group without `lr` shares the call's `learning_rate`; `etas` and `step_sizes` exist only for
//   the whole optimizer. With groups, weight decay applies to every parameter of a group whose
//   `weight_decay` (its own, or the call's) is > 0: no `beta`/`gamma` name filter.
// - mindspore.experimental.optim.Rprop (mindspore/experimental/optim/optimizer.py, add_param_group):
//   as torch, but a group `lr` is checked (a number >= 0: 0 is accepted there, unlike the call's
//   `lr`), a group `weight_decay` is checked and never applied (its Rprop has no weight decay).
// - An empty list of parameters (or of groups) raises ValueError in all three.

import { parseGroups } from "./pyliteral.js";

// The keys each framework's Rprop reads from a group (besides `params`).
const READS = {
  "torch": ["lr", "etas", "step_sizes", "maximize", "foreach", "capturable", "differentiable"],
  "mindspore": ["lr", "weight_decay", "grad_centralization"],
  "mindspore-experimental": ["lr", "etas", "step_sizes", "maximize"],
};
const NN_KEYS = ["params", "lr", "weight_decay", "order_params", "grad_centralization"];

/** The group converter, given convert.js's helpers (no import cycle). */
export function makeGroups(h) {
  const {ConvertError, caveat, code, show, pyFloat, FRAMEWORKS, FLOAT32_MAX} = h;
  const name = (fw) => FRAMEWORKS[fw].callee;
  const list = (keys) => keys.map(code).join(", ");
  const listZh = (keys) => keys.map(code).join("、");

  const groupsError = (en, zh) => new ConvertError("parameter-groups", `${en}.`, `${zh}。`);

  // Run `read` for group `n` (1-based): an error names the group. `checked`: the source framework
  // checks this value in a group as it does in the call; otherwise (torch checks nothing in a group,
  // experimental only `lr` and `weight_decay`) a value the call would reject is refused, not
  // attributed to the framework.
  function inGroup(n, source, checked, read, rename = (text) => text) {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConvertError)) throw error;
      const e = {...error.error, en: rename(error.error.en), zh: rename(error.error.zh)};
      if (!checked && error.detail && (e.id === "source-rejects" || e.id === "unknown-keyword")) {
        const {en, zh, exception} = error.detail;
        throw new ConvertError("unsupported-value",
          `Parameter group ${n}: ${en}. ${name(source)} does not check a group's values when it is built (as an argument of the call, this value raises \`${exception}\`), so the converter does not convert it: write a valid value.`,
          `第 ${n} 个参数组：${zh}。${name(source)} 在构造时不检查参数组中的取值（若作为调用的参数传入，这个值会报 \`${exception}\`），因此转换器不转换它：请写成有效的取值。`);
      }
      const out = new ConvertError(e.id, `Parameter group ${n}: ${e.en}`, `第 ${n} 个参数组：${e.zh}`);
      throw out;
    }
  }

  /**
   * The groups of the first argument `text`, or null when it is not a list or tuple of dicts.
   * Throws for what no framework (or the converter) takes: another item among the dicts, `**`,
   * a key that is not a string, a missing `params`, `order_params`, keys nn.Rprop rejects.
   */
  function readGroups(source, text) {
    let parsed;
    try {
      parsed = parseGroups(text);
    } catch (error) {
      if (error instanceof SyntaxError) return null;
      throw error;
    }
    if (!parsed) return null;
    if (parsed.others.length) {
      throw groupsError(`The first argument mixes parameter groups (dicts) with ${code(parsed.others[0])}; write every group as a dict, e.g. \`{"params": ${parsed.others[0]}}\``,
        `第一个参数中，参数组（字典）与 ${code(parsed.others[0])} 混在一起；请把每个参数组都写成字典，例如 \`{"params": ${parsed.others[0]}}\``);
    }
    return {container: parsed.container, groups: parsed.groups.map((group, i) => {
      const n = i + 1;
      if (group.unpacked) {
        throw groupsError(`Parameter group ${n} is built with \`**\` unpacking or a positional argument; write its keys out`,
          `第 ${n} 个参数组使用了 \`**\` 解包或位置参数；请把各个键逐一写出`);
      }
      const keys = new Map();
      for (const entry of group.entries) {
        if (entry.key === null) {
          throw groupsError(`Parameter group ${n} has the key ${code(entry.keyText)}, which is not a string literal; write keys such as \`"lr"\``,
            `第 ${n} 个参数组的键 ${code(entry.keyText)} 不是字符串字面量；请写成 \`"lr"\` 这样的键`);
        }
        if (keys.has(entry.key)) {
          throw groupsError(`Parameter group ${n} gives the key ${code(entry.key)} twice; keep one`,
            `第 ${n} 个参数组重复给出了键 ${code(entry.key)}；请只保留一个`);
        }
        keys.set(entry.key, entry);
      }
      if (keys.has("order_params") && source === "mindspore") {
        throw groupsError(`Parameter group ${n} is an \`order_params\` group, which only reorders \`mindspore.nn.Rprop\`'s parameters; remove it and convert the other groups`,
          `第 ${n} 个参数组是 \`order_params\` 组，它只调整 \`mindspore.nn.Rprop\` 中参数的顺序；请删除它，再转换其余参数组`);
      }
      const unknown = [...keys.keys()].filter((key) => !NN_KEYS.includes(key));
      if (source === "mindspore" && unknown.length) {
        throw inGroup(n, source, true, () => {
          const error = h.sourceRejects(source, `a group may only have the keys ${list(NN_KEYS)}, got ${list(unknown)}`,
            `参数组只能包含键 ${listZh(NN_KEYS)}，实际含有 ${listZh(unknown)}`, "KeyError");
          throw error;
        });
      }
      if (!keys.has("params")) {
        throw inGroup(n, source, true, () => {
          throw h.sourceRejects(source, "the group has no key `\"params\"`", "该参数组缺少键 `\"params\"`", "KeyError");
        });
      }
      if (keys.get("params").node.type !== "expr") {
        throw h.unsupported(`Parameter group ${n}: its \`params\` ${code(keys.get("params").text)} is a literal, not the parameters of a model`,
          `第 ${n} 个参数组：其 \`params\` ${code(keys.get("params").text)} 是字面量，而不是模型的参数`);
      }
      return {n, form: group.form, keys};
    })};
  }

  // A key the source framework stores and never reads: dropped from the target's group.
  function ignoredKey(source, target, n, key, text) {
    const wd = key === "weight_decay";
    const why = source === "mindspore-experimental" && wd
      ? ["checks a group's `weight_decay` but never applies it: its Rprop has no weight decay",
        "会检查参数组中的 `weight_decay`，但从不使用它：它的 Rprop 没有权重衰减"]
      : [`ignores it: its Rprop reads only ${list(READS[source])} from a group`,
        `会忽略它：它的 Rprop 只从参数组中读取 ${listZh(READS[source])}`];
    const keep = wd && target === "mindspore"
      ? [" Kept, it would make `mindspore.nn.Rprop` decay these parameters.", "如果保留它，`mindspore.nn.Rprop` 就会对这些参数做权重衰减。"] : ["", ""];
    return caveat("group-key-ignored", wd ? "weight-decay" : "params",
      `Parameter group ${n}: \`"${key}": ${text}\` was dropped. ${name(source)} ${why[0]}, so dropping it changes nothing.${keep[0]}`,
      `第 ${n} 个参数组：已删除 \`"${key}": ${text}\`。${name(source)} ${why[1]}，因此删除它不会改变任何结果。${keep[1]}`);
  }

  // torch → mindspore.nn.Rprop: a group key nn.Rprop takes only for the whole optimizer.
  function wholeOptimizerOnly(n, key, groupValue, callValue, same) {
    const rows = {etas: "etas", step_sizes: "step-sizes", maximize: "maximize"};
    if (same) {
      return caveat("group-key-same", rows[key],
        `Parameter group ${n}: \`"${key}": ${groupValue}\` was dropped: \`mindspore.nn.Rprop\` takes \`${key}\` only for the whole optimizer, and the call's value is the same.`,
        `第 ${n} 个参数组：已删除 \`"${key}": ${groupValue}\`。\`mindspore.nn.Rprop\` 只能为整个优化器设置 \`${key}\`，而调用中的取值与它相同。`);
    }
    const [fixEn, fixZh] = key === "maximize"
      ? ["negate the gradients of this group's parameters only (`optimizer(grads)` with those entries negated)",
        "只把这一组参数的梯度取负（调用 `optimizer(grads)` 之前对相应的梯度取负）"]
      : [`create one \`mindspore.nn.Rprop\` per group, each with its own \`${key}\`, and call each with the gradients of its parameters`,
        `为每个参数组各创建一个 \`mindspore.nn.Rprop\`，各自设置 \`${key}\`，并分别用各自参数的梯度调用`];
    const error = new ConvertError("no-equivalent",
      `\`mindspore.nn.Rprop\` takes \`${key}\` only for the whole optimizer (a group may set only \`lr\`, \`weight_decay\` and \`grad_centralization\`), and parameter group ${n} sets \`"${key}": ${groupValue}\` where the call has \`${key}=${callValue}\`. To step as torch does, ${fixEn}; or convert to mindspore.experimental.optim.Rprop, which takes \`${key}\` per group.`,
      `\`mindspore.nn.Rprop\` 只能为整个优化器设置 \`${key}\`（参数组只能设置 \`lr\`、\`weight_decay\` 和 \`grad_centralization\`），而第 ${n} 个参数组设置了 \`"${key}": ${groupValue}\`，调用中却是 \`${key}=${callValue}\`。要与 torch 逐步一致，请${fixZh}；也可以改为转换到 mindspore.experimental.optim.Rprop，它支持按组设置 \`${key}\`。`);
    error.error.row = "params";
    throw error;
  }

  const sameNumbers = (a, b) => a.items.length === b.items.length && a.items.every((item, i) => item.value === b.items[i].value);

  // One torch group → mindspore.nn.Rprop or mindspore.experimental.optim.Rprop.
  function fromTorch(target, group, args, call, caveats) {
    const {n, keys} = group;
    const own = Object.fromEntries([...keys].filter(([key]) => READS.torch.includes(key)).map(([key, e]) => [key, e.node]));
    const settings = inGroup(n, "torch", false, () => h.readTorch({...args, ...own}));
    const out = [];
    if ("lr" in own) {
      if (settings.lr.type === "expr") {
        out.push(["lr", settings.lr.text]);
        caveats.push(h.lrExpressionCaveat(settings.lr.text, name(target), false));
      } else if (target === "mindspore") {
        if (settings.lr.value > FLOAT32_MAX) {
          throw h.unsupported(`Parameter group ${n}: \`"lr": ${show(settings.lr)}\` overflows float32`,
            `第 ${n} 个参数组：\`"lr": ${show(settings.lr)}\` 超出了 float32 的范围`);
        }
        out.push(["lr", pyFloat(settings.lr.value)]);
      } else out.push(["lr", show(settings.lr)]);
    } else if (target === "mindspore-experimental" && call.lr.type !== "expr" && call.lr.value === 0) {
      // The call's lr=0 became the first step size; a group keeps torch's 0 (a group accepts it).
      out.push(["lr", "0.0"]);
      caveats.push(caveat("group-lr-zero", "lr",
        `Parameter group ${n} inherits the call's \`lr=0\`: it was written as \`"lr": 0.0\`. ${name(target)} rejects \`lr=0\` as an argument of the call but accepts it in a group (it checks only >= 0), and then seeds the step sizes exactly as torch does.`,
        `第 ${n} 个参数组沿用调用中的 \`lr=0\`，已写成 \`"lr": 0.0\`。${name(target)} 不接受作为调用参数的 \`lr=0\`，但在参数组中接受它（只检查是否大于等于 0），此时设定初始步长的方式与 torch 完全相同。`));
    }
    for (const [key, field] of [["etas", "etas"], ["step_sizes", "stepSizes"], ["maximize", "maximize"]]) {
      if (!(key in own)) continue;
      const value = settings[field];
      if (target === "mindspore-experimental") {
        out.push([key, show(value)]);
        if (value.type === "expr") caveats.push(h.expressionCaveat(key, key === "step_sizes" ? "step-sizes" : key, value.text));
        continue;
      }
      if (value.type === "expr") {
        throw h.nonLiteral(key, value.text, `\`mindspore.nn.Rprop\` has no per-group \`${key}\`, and whether group ${n} may drop it depends on its value; write the value`,
          `\`mindspore.nn.Rprop\` 不支持按组设置 \`${key}\`，第 ${n} 个参数组能否删除它取决于它的值；请写出具体取值`);
      }
      const same = key === "maximize" ? value.value === call.maximize.value : sameNumbers(value, call[field]);
      caveats.push(wholeOptimizerOnly(n, key, show(keys.get(key).node), show(call[field]), same));
    }
    const flags = Object.fromEntries(["foreach", "capturable", "differentiable"].filter((f) => f in own).map((f) => [f, settings[f]]));
    h.droppedTorchFlags(flags, "mindspore", caveats);
    for (const [key, entry] of keys) {
      if (key !== "params" && !READS.torch.includes(key)) caveats.push(ignoredKey("torch", target, n, key, entry.text));
    }
    return out;
  }

  // One mindspore.nn.Rprop group → torch; returns its entries and the weight decay it applies.
  function fromMindSpore(group, args, caveats) {
    const {n, keys} = group;
    const merged = {...args};
    if (keys.has("lr")) merged.learning_rate = keys.get("lr").node;
    if (keys.has("weight_decay")) merged.weight_decay = keys.get("weight_decay").node;
    // The group's `lr` is checked as the call's `learning_rate` (Optimizer._preprocess_single_lr).
    const settings = inGroup(n, "mindspore", true, () => h.readMindSpore(merged),
      (text) => text.replaceAll("`learning_rate", "`lr").replaceAll("learning_rate=", "lr="));
    if (settings.schedule) {
      throw h.unsupported(`Parameter group ${n}: \`"lr": ${keys.get("lr").text}\` is a learning-rate schedule; with parameter groups the converter takes numbers only: write the learning rate of step 1`,
        `第 ${n} 个参数组：\`"lr": ${keys.get("lr").text}\` 是动态学习率；使用参数组时转换器只接受数值：请写出第 1 步的学习率`);
    }
    const out = keys.has("lr") ? [["lr", pyFloat(settings.lr.value)]] : [];
    if (keys.has("grad_centralization")) {
      const gc = keys.get("grad_centralization");
      if (gc.node.type !== "bool") {
        if (gc.node.type === "expr") {
          throw h.nonLiteral("grad_centralization", gc.text, "torch has no gradient centralization; write False", "torch 没有梯度中心化；请写成 False");
        }
        throw inGroup(n, "mindspore", true, () => {
          throw h.sourceRejects("mindspore", `\`grad_centralization\` must be a bool, got ${code(gc.text)}`,
            `\`grad_centralization\` 必须是 bool，实际为 ${code(gc.text)}`, "TypeError");
        });
      }
      if (gc.node.value) {
        const error = new ConvertError("no-equivalent",
          `Parameter group ${n} sets \`"grad_centralization": True\`: \`mindspore.nn.Rprop\` then centralizes the gradients of that group's convolution weights before the step, and torch has no such option. Centralize those gradients yourself before \`optimizer.step()\`, or remove the key.`,
          `第 ${n} 个参数组设置了 \`"grad_centralization": True\`：\`mindspore.nn.Rprop\` 会在更新前对该组卷积权重的梯度做中心化，而 torch 没有这个选项。请在 \`optimizer.step()\` 之前自行对这些梯度做中心化，或者删除这个键。`);
        error.error.row = "params";
        throw error;
      }
      caveats.push(caveat("group-key-ignored", "params",
        `Parameter group ${n}: \`"grad_centralization": False\` (the default) was dropped: torch has no such option.`,
        `第 ${n} 个参数组：已删除 \`"grad_centralization": False\`（默认值）：torch 没有这个选项。`));
    }
    return {out, decay: settings.weightDecay, ownDecay: keys.has("weight_decay")};
  }

  // One mindspore.experimental.optim.Rprop group → torch.
  function fromExperimental(group, args, caveats) {
    const {n, keys} = group;
    const fw = "mindspore-experimental";
    const own = Object.fromEntries([...keys].filter(([key]) => READS[fw].includes(key)).map(([key, e]) => [key, e.node]));
    const out = [];
    if ("lr" in own) {
      // Checked as a number >= 0 (0 included), unlike the call's lr.
      const lr = inGroup(n, fw, true, () => h.readLr(fw, own.lr, false));
      out.push(["lr", show(lr)]);
      if (lr.type === "expr") caveats.push(h.lrExpressionCaveat(lr.text, "torch.optim.Rprop", false));
    }
    const settings = inGroup(n, fw, false, () => h.readExperimental({...args, ...own, lr: args.lr}));
    for (const [key, field] of [["etas", "etas"], ["step_sizes", "stepSizes"], ["maximize", "maximize"]]) {
      if (!(key in own)) continue;
      out.push([key, show(settings[field])]);
      if (settings[field].type === "expr") caveats.push(h.expressionCaveat(key, key === "step_sizes" ? "step-sizes" : key, settings[field].text));
    }
    for (const [key, entry] of keys) {
      if (key === "params" || READS[fw].includes(key)) continue;
      if (key === "weight_decay") {
        const wd = entry.node;
        if (wd.type === "expr") {
          throw h.nonLiteral("weight_decay", wd.text, `${name(fw)} checks a group's \`weight_decay\` (an int or float >= 0) before ignoring it; write the number`,
            `${name(fw)} 会先检查参数组中的 \`weight_decay\`（须为大于等于 0 的 int 或 float）再忽略它；请写出具体数值`);
        }
        inGroup(n, fw, true, () => {
          h.noBool(wd, "weight_decay");
          if (!h.isNumber(wd)) {
            throw h.sourceRejects(fw, `\`weight_decay\` must be an int or a float, got ${h.pyType(wd)} ${code(show(wd))}`,
              `\`weight_decay\` 必须是 int 或 float，实际为 \`${h.pyType(wd)}\` 类型的 ${code(show(wd))}`, "TypeError");
          }
          if (!(wd.value >= 0)) {
            throw h.sourceRejects(fw, `\`weight_decay\` must be >= 0, got ${show(wd)}`, `\`weight_decay\` 必须大于等于 0，实际为 ${show(wd)}`, "ValueError");
          }
        });
      }
      caveats.push(ignoredKey(fw, "torch", n, key, entry.text));
    }
    return out;
  }

  function writeGroup(form, entries) {
    return form === "call"
      ? `dict(${entries.map(([key, value]) => `${key}=${value}`).join(", ")})`
      : `{${entries.map(([key, value]) => `"${key}": ${value}`).join(", ")}}`;
  }

  /**
   * Convert the groups read by readGroups. `args` are the source call's bound arguments, `call`
   * the source's settings (convert.js's read*), `caveats` receives the notes. Returns the target's
   * first argument and whether the target steps bit-identically (false only for MindSpore's
   * weight decay, whose work-around the caveat prints).
   */
  function convertGroups(source, target, parsed, args, call, caveats) {
    let identical = true;
    if (source === "mindspore" && call.schedule) {
      throw h.unsupported(`\`learning_rate=${show(call.schedule)}\` is a learning-rate schedule; with parameter groups the converter takes numbers only: write the learning rate of step 1`,
        `\`learning_rate=${show(call.schedule)}\` 是动态学习率；使用参数组时转换器只接受数值：请写出第 1 步的学习率`);
    }
    if (source === "torch") {
      // torch keeps parameter names from `named_parameters()`, and refuses groups with and without.
      const named = parsed.groups.map((g) => /\bnamed_parameters\s*\(\s*\)$/.test(g.keys.get("params").text));
      const plain = parsed.groups.map((g) => /(?<!named_)\bparameters\s*\(\s*\)$/.test(g.keys.get("params").text));
      if (named.some(Boolean) && plain.some(Boolean)) {
        throw h.sourceRejects(source, `parameter group ${named.indexOf(true) + 1} takes \`named_parameters()\` and group ${plain.indexOf(true) + 1} \`parameters()\`: all groups must be with names or all without`,
          `第 ${named.indexOf(true) + 1} 个参数组用的是 \`named_parameters()\`，第 ${plain.indexOf(true) + 1} 个参数组用的是 \`parameters()\`：所有参数组必须都带参数名，或者都不带`, "ValueError");
      }
    }
    const decays = [];
    const written = parsed.groups.map((group) => {
      const params = h.rewriteParams(source, target, group.keys.get("params").text, caveats,
        [`The \`params\` of parameter group ${group.n}`, `第 ${group.n} 个参数组的 \`params\``]);
      let entries;
      if (source === "torch") entries = fromTorch(target, group, args, call, caveats);
      else if (source === "mindspore") {
        const {out, decay, ownDecay} = fromMindSpore(group, args, caveats);
        if (decay > 0) decays.push({n: group.n, params, decay, ownDecay});
        entries = out;
      } else entries = fromExperimental(group, args, caveats);
      return writeGroup(group.form, [["params", params], ...entries]);
    });
    if (decays.length) {
      identical = false;
      const lines = decays.map((d) => `\`for p in ${d.params}: p.grad += ${pyFloat(d.decay)} * p.detach()\``);
      const which = decays.map((d) => `${d.n} (${pyFloat(d.decay)}${d.ownDecay ? "" : ", the call's `weight_decay`"})`);
      const whichZh = decays.map((d) => `第 ${d.n} 组（${pyFloat(d.decay)}${d.ownDecay ? "" : "，即调用中的 `weight_decay`"}）`);
      caveats.push(caveat("weight-decay-no-equivalent", "weight-decay",
        `\`torch.optim.Rprop\` has no weight decay, so the groups above step without it. With parameter groups, \`mindspore.nn.Rprop\` decays every parameter of a group whose weight decay is > 0, whatever its name (no "beta"/"gamma" filter): here group${decays.length > 1 ? "s" : ""} ${which.join(", ")}. To step exactly like MindSpore, add the decay to the gradients after \`loss.backward()\` and before \`optimizer.step()\`: ${lines.join("; ")}. The decay only changes which sign Rprop sees.`,
        `\`torch.optim.Rprop\` 没有权重衰减，上面的各参数组在更新时都不包含它。使用参数组时，\`mindspore.nn.Rprop\` 会对权重衰减大于 0 的参数组中的所有参数做衰减，不论参数名是什么（不按 \`beta\`/\`gamma\` 过滤）：这里是${whichZh.join("、")}。要与 MindSpore 逐步一致，请在 \`loss.backward()\` 之后、\`optimizer.step()\` 之前把衰减加到梯度上：${lines.join("；")}。权重衰减只会改变 Rprop 看到的梯度符号。`));
    }
    const body = written.join(", ");
    const text = parsed.container === "tuple" ? `(${body}${written.length === 1 ? "," : ""})` : `[${body}]`;
    return {text, identical};
  }

  // nn.Rprop checks each group's `lr` and weight decay before its own `etas` and `step_sizes`:
  // checked here in that order, so that the exception named is the one it raises first.
  function checkMindSporeGroups(parsed, args) {
    for (const {n, keys} of parsed.groups) {
      const merged = {learning_rate: args.learning_rate, weight_decay: args.weight_decay};
      if (keys.has("lr")) merged.learning_rate = keys.get("lr").node;
      if (keys.has("weight_decay")) merged.weight_decay = keys.get("weight_decay").node;
      inGroup(n, "mindspore", true, () => h.readMindSpore(merged),
        (text) => text.replaceAll("`learning_rate", "`lr").replaceAll("learning_rate=", "lr="));
    }
  }

  return {readGroups, convertGroups, checkMindSporeGroups};
}
