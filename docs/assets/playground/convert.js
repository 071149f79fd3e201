// Converts an Rprop constructor call between torch.optim.Rprop, mindspore.nn.Rprop and
// mindspore.experimental.optim.Rprop, with every caveat that applies to its arguments.
//
// `identical: true` means: from the same float32 parameters and the same gradients, the target
// optimizer gives bit-identical parameters at every step (tests/test_converter.py runs every case
// of its table through torch 2.13 and MindSpore 2.10 to show it). Where the converter cannot be
// sure, it returns an error instead of a guess.
//
// The rules come from ../shared/rprop-facts.md and scripts/rprop_ref/conventions.py (the argument
// validation of each framework); each caveat names the row of data/rprop-mapping.yml it belongs to.

import { makeGroups } from "./groups.js";
import { formatLiteral, parseCall, parseValue } from "./pyliteral.js";

export const DIRECTIONS = [
  "torch->mindspore",
  "torch->mindspore-experimental",
  "mindspore->torch",
  "mindspore-experimental->torch",
];

// Each framework's constructor: the name to write, the dotted paths it can be called by, the
// parameters that may be passed by position (after none of which comes `*`), the keyword-only
// ones, and a stand-in for `params` when the input has none.
export const FRAMEWORKS = {
  "torch": {
    callee: "torch.optim.Rprop",
    paths: ["torch.optim.Rprop", "torch.optim.rprop.Rprop"],
    positional: ["params", "lr", "etas", "step_sizes"],
    keywordOnly: ["capturable", "foreach", "maximize", "differentiable"],
    params: "model.parameters()",
  },
  "mindspore": {
    callee: "mindspore.nn.Rprop",
    paths: ["mindspore.nn.Rprop", "mindspore.nn.optim.Rprop", "mindspore.nn.optim.rprop.Rprop"],
    positional: ["params", "learning_rate", "etas", "step_sizes", "weight_decay"],
    keywordOnly: [],
    params: "net.trainable_params()",
  },
  "mindspore-experimental": {
    callee: "mindspore.experimental.optim.Rprop",
    paths: ["mindspore.experimental.optim.Rprop", "mindspore.experimental.optim.rprop.Rprop"],
    positional: ["params", "lr", "etas", "step_sizes"],
    keywordOnly: ["maximize"],
    params: "net.trainable_params()",
  },
};

// The row of the mapping table (data/rprop-mapping.yml) that explains each argument, by its name in
// any of the three constructors: a converted call links to the rows of the arguments it gave.
const ROWS = {params: "params", lr: "lr", learning_rate: "lr", etas: "etas", step_sizes: "step-sizes",
  weight_decay: "weight-decay", maximize: "maximize", foreach: "foreach", capturable: "capturable",
  differentiable: "differentiable"};

// The constructor a pasted call is to, for a converter that picks its direction itself: the one
// its callee names (`torch.optim.Rprop`, `ms.nn.Rprop`, …), or among those its bare or partial name
// fits (`Rprop(…)`, `optim.Rprop(…)`), the first whose keywords the call uses; null for a call the
// converter cannot read (convert() then says why).
export function sourceOf(input) {
  let call;
  try { call = parseCall(input); } catch { return null; }
  const fits = Object.keys(FRAMEWORKS).filter((fw) => calleeMatches(call.callee, fw));
  const known = (fw) => Object.keys(call.kwargs).every((name) =>
    FRAMEWORKS[fw].positional.includes(name) || FRAMEWORKS[fw].keywordOnly.includes(name));
  return fits.find(known) ?? fits[0] ?? null;
}

const FLOAT32_MAX = 3.4028234663852886e38;

// --- results ----------------------------------------------------------------------------------------

class ConvertError extends Error {
  constructor(id, en, zh) {
    super(en);
    this.error = {id, en, zh};
  }
}

const caveat = (id, row, en, zh) => ({id, en, zh, row});
const code = (text) => `\`${text}\``;

function sourceRejects(framework, en, zh, exception) {
  const name = FRAMEWORKS[framework].callee;
  const error = new ConvertError("source-rejects",
    `${name} itself rejects this call (${exception}): ${en}.`,
    `${name} 本身就不接受这个调用（会报 ${exception}）：${zh}。`);
  error.detail = {en, zh, exception};  // for a parameter group's value, which torch does not check
  return error;
}

function unsupported(en, zh) {
  return new ConvertError("unsupported-value", `${en}.`, `${zh}。`);
}

function nonLiteral(name, text, en, zh) {
  return new ConvertError("non-literal",
    `${code(`${name}=${text}`)} is not a literal value, and the converted call depends on its value: ${en}.`,
    `${code(`${name}=${text}`)} 不是字面量，而转换结果取决于它的值：${zh}。`);
}

// --- typed values ----------------------------------------------------------------------------------

const isNumber = (node) => node.type === "int" || node.type === "float";
const isSequence = (node) => node.type === "tuple" || node.type === "list";
const show = (node) => (node.type === "expr" ? node.text : formatLiteral(node));
const pyFloat = (value) => formatLiteral({type: "float", value});
const pyType = (node) => ({float: "float", int: "int", bool: "bool", str: "str", none: "NoneType",
  tuple: "tuple", list: "list"})[node.type] ?? "expression";

// A plain JS value (or a typed node, or Python source text) → a typed node.
function toNode(value, name) {
  if (value === null) return {type: "none"};
  if (typeof value === "boolean") return {type: "bool", value};
  if (typeof value === "number") return {type: "float", value};
  if (typeof value === "bigint") return {type: "int", value: Number(value), text: value.toString()};
  if (typeof value === "string") {
    try {
      return parseValue(value);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new ConvertError("syntax", `The value of ${code(name)} is not valid Python: ${error.message}.`,
        `${code(name)} 的取值不是合法的 Python 表达式：${error.zh ?? error.message}。`);
    }
  }
  if (Array.isArray(value)) return {type: "tuple", items: value.map((item) => toNode(item, name))};
  if (typeof value === "object" && typeof value.type === "string") return checkedNode(value, name);
  throw new ConvertError("input", `The value of ${code(name)} has an unsupported JavaScript type.`,
    `${code(name)} 的取值类型（JavaScript）不受支持。`);
}

function checkedNode(node, name) {
  const bad = () => new ConvertError("input", `The value of ${code(name)} is not a valid typed node.`,
    `${code(name)} 的取值不是有效的类型化节点。`);
  switch (node.type) {
    case "float": if (typeof node.value !== "number") throw bad(); return {type: "float", value: node.value};
    case "int": {
      if (typeof node.text === "string" && /^-?[0-9]+$/.test(node.text)) {
        return {type: "int", value: Number(node.text), text: node.text};
      }
      if (typeof node.value === "bigint") return {type: "int", value: Number(node.value), text: node.value.toString()};
      if (!Number.isInteger(node.value)) throw bad();
      return {type: "int", value: node.value, text: BigInt(node.value).toString()};
    }
    case "bool": if (typeof node.value !== "boolean") throw bad(); return {type: "bool", value: node.value};
    case "none": return {type: "none"};
    case "str": if (typeof node.value !== "string") throw bad(); return {type: "str", value: node.value};
    case "tuple": case "list":
      if (!Array.isArray(node.items)) throw bad();
      return {type: node.type, items: node.items.map((item) => checkedNode(item, name))};
    case "expr": if (typeof node.text !== "string" || !node.text.trim()) throw bad(); return {type: "expr", text: node.text};
    default: throw bad();
  }
}

// A number the converter can carry over exactly: finite, and an int small enough to be exact.
function exactNumber(node, name) {
  if (node.type === "float" && !Number.isFinite(node.value)) {
    throw unsupported(`${code(`${name}=${show(node)}`)} is not a finite number; write a finite value`,
      `${code(`${name}=${show(node)}`)} 不是有限数值，请写成有限值`);
  }
  if (node.type === "int" && !Number.isSafeInteger(node.value)) {
    throw unsupported(`${code(`${name}=${show(node)}`)} is too large an integer to convert exactly`,
      `${code(`${name}=${show(node)}`)} 这个整数太大，无法精确转换`);
  }
  return node.value;
}

function noBool(node, name) {
  if (node.type === "bool") {
    throw unsupported(`${code(`${name}=${show(node)}`)} uses a bool as a number; write a number`,
      `${code(`${name}=${show(node)}`)} 把 bool 当作数值使用，请写成数值`);
  }
}

const hasExpr = (node) => node.type === "expr" || (isSequence(node) && node.items.some(hasExpr));

// --- reading the source call -------------------------------------------------------------------------

function pathsOf(framework) {
  // `import mindspore as ms` is the usual alias.
  return FRAMEWORKS[framework].paths.flatMap((p) => (p.startsWith("mindspore.") ? [p, "ms." + p.slice(10)] : [p]));
}

function calleeMatches(callee, framework) {
  const parts = callee.split(".");
  return pathsOf(framework).some((path) => {
    const full = path.split(".");
    return parts.length <= full.length && parts.every((part, i) => part === full[full.length - parts.length + i]);
  });
}

// Bind the arguments to the source constructor's parameter names, as Python would.
function bind(framework, call) {
  const fw = FRAMEWORKS[framework];
  const args = {};
  const texts = {};
  if (call.positional.length > fw.positional.length) {
    throw sourceRejects(framework, `it takes at most ${fw.positional.length} positional arguments, got ${call.positional.length}`,
      `它最多接受 ${fw.positional.length} 个位置参数，实际传入了 ${call.positional.length} 个`, "TypeError");
  }
  call.positional.forEach((text, i) => {
    args[fw.positional[i]] = call.positionalNodes[i];
    texts[fw.positional[i]] = text;
  });
  for (const [name, node] of Object.entries(call.kwargs)) {
    if (!fw.positional.includes(name) && !fw.keywordOnly.includes(name)) throw unknownKeyword(framework, name);
    if (name in args) {
      throw sourceRejects(framework, `${code(name)} is given both by position and by keyword`,
        `${code(name)} 既按位置又按关键字传入了`, "TypeError");
    }
    args[name] = node;
    texts[name] = show(node);
  }
  if (!("params" in args)) {
    throw sourceRejects(framework, "the first argument, the parameters to optimize, is missing",
      "缺少第一个参数，即要优化的参数", "TypeError");
  }
  return {args, paramsText: texts.params};
}

const HINTS = {
  "torch": {
    learning_rate: ["torch calls it `lr`", "torch 中该参数名为 `lr`"],
    weight_decay: ["torch's Rprop has no weight decay", "torch 的 Rprop 没有权重衰减参数"],
  },
  "mindspore": {
    lr: ["`mindspore.nn.Rprop` calls it `learning_rate` (or pick the direction from mindspore.experimental.optim.Rprop)",
      "`mindspore.nn.Rprop` 中该参数名为 `learning_rate`（或者选择从 mindspore.experimental.optim.Rprop 转换的方向）"],
    maximize: ["`mindspore.nn.Rprop` has no `maximize` (mindspore.experimental.optim.Rprop has)",
      "`mindspore.nn.Rprop` 没有 `maximize`（mindspore.experimental.optim.Rprop 有）"],
  },
  "mindspore-experimental": {
    learning_rate: ["`mindspore.experimental.optim.Rprop` calls it `lr` (or pick the direction from mindspore.nn.Rprop)",
      "`mindspore.experimental.optim.Rprop` 中该参数名为 `lr`（或者选择从 mindspore.nn.Rprop 转换的方向）"],
    weight_decay: ["`mindspore.experimental.optim.Rprop` has no weight decay (mindspore.nn.Rprop has)",
      "`mindspore.experimental.optim.Rprop` 没有权重衰减参数（mindspore.nn.Rprop 有）"],
  },
};

function unknownKeyword(framework, name) {
  const fw = FRAMEWORKS[framework];
  const [hintEn, hintZh] = HINTS[framework][name] ?? [
    `it accepts ${[...fw.positional, ...fw.keywordOnly].map(code).join(", ")}`,
    `它接受的参数为 ${[...fw.positional, ...fw.keywordOnly].map(code).join("、")}`];
  const error = sourceRejects(framework, `it has no argument ${code(name)}; ${hintEn}`,
    `它没有参数 ${code(name)}；${hintZh}`, "TypeError");
  error.error.id = "unknown-keyword";
  return error;
}

// --- the parameters (first argument) -------------------------------------------------------------------

const NAME_PATH = String.raw`[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*`;

// The one rule for a parameters expression: `model.parameters()` → `net.trainable_params()`,
// `model.X.parameters()` → `net.X.trainable_params()` (any dotted path; `named_parameters()` too),
// and back `X.trainable_params()` → `X.parameters()`. Anything else is copied with a caveat.
// The stated rule: `model.X.parameters()` <-> `net.X.trainable_params()` (the names each framework's
// documentation uses for the model); a path that starts with another name keeps it.
function renameRoot(path, from, to) {
  const clean = path.replace(/\s+/g, "");
  return clean === from || clean.startsWith(`${from}.`) ? to + clean.slice(from.length) : clean;
}

function rewriteParams(source, target, text, caveats, what = ["The first argument", "第一个参数"]) {
  const toMindSpore = target !== "torch", fromMindSpore = source !== "torch";
  if (toMindSpore && !fromMindSpore) {
    const match = text.match(new RegExp(String.raw`^(${NAME_PATH})\s*\.\s*(?:named_)?parameters\s*\(\s*\)$`));
    if (match) return `${renameRoot(match[1], "model", "net")}.trainable_params()`;
  } else if (!toMindSpore && fromMindSpore) {
    const match = text.match(new RegExp(String.raw`^(${NAME_PATH})\s*\.\s*trainable_params\s*\(\s*\)$`));
    if (match) return `${renameRoot(match[1], "net", "model")}.parameters()`;
  }
  if (toMindSpore === fromMindSpore) return text;
  caveats.push(caveat("params-kept", "params",
    `${what[0]} ${code(text)} was copied as it is: it must give ${toMindSpore ? "MindSpore `Parameter`s, e.g. `net.trainable_params()`" : "torch parameters, e.g. `model.parameters()`"}.`,
    `${what[1]} ${code(text)} 已原样照抄：它必须给出${toMindSpore ? " MindSpore 的 `Parameter`，例如 `net.trainable_params()`" : " torch 的参数，例如 `model.parameters()`"}。`));
  return text;
}

// An empty list of parameters raises ValueError in every framework (nn.Rprop before reading its
// other arguments, torch and experimental after).
function checkNotEmpty(source, args) {
  const node = args.params;
  if (isSequence(node) && node.items.length === 0) {
    throw sourceRejects(source, `the list of parameters ${code(show(node))} is empty`, `参数列表 ${code(show(node))} 为空`, "ValueError");
  }
}

// The first argument: the parameters, or a list of parameter groups (returned as `groups`, for
// groups.js to convert once the call's own arguments are read).
function readParams(source, args, paramsText) {
  const node = args.params;
  const text = paramsText ?? (node.type === "expr" ? node.text : show(node));
  checkNotEmpty(source, args);
  if (node.type !== "expr") {
    throw unsupported(`the first argument ${code(show(node))} is a literal, not the parameters of a model`,
      `第一个参数 ${code(show(node))} 是字面量，而不是模型的参数`);
  }
  const groups = GROUPS.readGroups(source, text);
  if (groups) return {text, groups};
  if (/[{]/.test(text) || /\bdict\s*\(/.test(text)) {
    throw new ConvertError("parameter-groups",
      "The first argument holds dicts, but not as a list or tuple of parameter groups written out "
      + "(`[{\"params\": …, \"lr\": …}, …]` or `[dict(params=…), …]`), so it is not converted automatically: "
      + "write the groups out, or convert the call for the whole model and set up the groups by hand.",
      "第一个参数中含有字典，但不是逐一写出的参数组列表或元组（`[{\"params\": …, \"lr\": …}, …]` 或 "
      + "`[dict(params=…), …]`），因此不会自动转换：请逐一写出各参数组，或者先按整个模型转换调用，再手动设置参数组。");
  }
  return {text};
}

// --- validating each source framework (the rules of conventions.py) ------------------------------------

// `lr` of torch (>= 0) or MindSpore experimental (> 0): a real number, default 0.01; an
// expression is passed through unchecked.
function readLr(fw, node, strictlyPositive) {
  const lr = node ?? {type: "float", value: 0.01};
  if (lr.type === "expr") return lr;
  noBool(lr, "lr");
  if (!isNumber(lr)) {
    throw sourceRejects(fw, `\`lr\` must be a number, got ${pyType(lr)} ${code(show(lr))}`,
      `\`lr\` 必须是数值，实际为 \`${pyType(lr)}\` 类型的 ${code(show(lr))}`, "TypeError");
  }
  if (strictlyPositive ? !(lr.value > 0) : !(lr.value >= 0)) {  // NaN included
    const [en, zh] = strictlyPositive ? ["> 0", "大于 0"] : [">= 0", "大于等于 0"];
    throw sourceRejects(fw, `\`lr\` must be ${en}, got ${show(lr)}`, `\`lr\` 必须${zh}，实际为 ${show(lr)}`, "ValueError");
  }
  exactNumber(lr, "lr");
  return lr;
}

// torch.optim.Rprop: a real lr >= 0; etas and step_sizes any 2-sequences of reals (read at step());
// 0 < etaminus < 1 < etaplus.
function readTorch(args) {
  const fw = "torch";
  const out = {};
  out.lr = readLr(fw, args.lr, false);
  out.etas = readPair(fw, "etas", args.etas ?? tuple(0.5, 1.2), true);
  if (out.etas.type !== "expr") {
    const [etaminus, etaplus] = out.etas.items.map((item) => item.value);
    if (!(etaminus > 0 && etaminus < 1 && etaplus > 1)) {
      throw sourceRejects(fw, `\`etas\` must satisfy 0 < etaminus < 1 < etaplus, got ${show(out.etas)}`,
        `\`etas\` 必须满足 0 < etaminus < 1 < etaplus，实际为 ${show(out.etas)}`, "ValueError");
    }
  }
  out.stepSizes = readPair(fw, "step_sizes", args.step_sizes ?? tuple(1e-6, {type: "int", value: 50, text: "50"}), false);
  out.maximize = readFlag(fw, "maximize", args.maximize, false);
  for (const flag of ["foreach", "capturable", "differentiable"]) {
    if (flag in args) out[flag] = readFlag(fw, flag, args[flag], flag === "foreach");
  }
  return out;
}

function tuple(...values) {
  return {type: "tuple", items: values.map((v) => (typeof v === "number" ? {type: "float", value: v} : v))};
}

// Two real numbers from any sequence, as torch and mindspore.experimental read `etas`/`step_sizes`.
function readPair(fw, name, node, indexErrorWhenShort) {
  if (hasExpr(node)) return {type: "expr", text: show(node)};
  if (!isSequence(node) && node.type !== "str") {
    throw sourceRejects(fw, `\`${name}\` must be a pair of numbers, got ${pyType(node)} ${code(show(node))}`,
      `\`${name}\` 必须是一对数值，实际为 \`${pyType(node)}\` 类型的 ${code(show(node))}`, "TypeError");
  }
  if (node.type === "str") {
    throw sourceRejects(fw, `\`${name}\` must be a pair of numbers, got a string`,
      `\`${name}\` 必须是一对数值，实际为字符串`, "TypeError");
  }
  if (node.items.length !== 2) {
    const short = node.items.length < 2 && indexErrorWhenShort;
    throw sourceRejects(fw, `\`${name}\` must hold exactly 2 values, got ${node.items.length}`,
      `\`${name}\` 必须恰好包含 2 个值，实际为 ${node.items.length} 个`, short ? "IndexError" : "ValueError");
  }
  for (const item of node.items) {
    noBool(item, name);
    if (item.type === "none" && name === "step_sizes") {  // clamp(x, min, None): no bound on that side
      throw unsupported(`\`step_sizes=${show(node)}\` leaves a bound open with None, which the converter does not carry over; write a number`,
        `\`step_sizes=${show(node)}\` 用 None 表示不设该侧的限制，转换器不处理这种写法；请写成具体数值`);
    }
    if (!isNumber(item)) {
      throw sourceRejects(fw, `\`${name}\` must hold numbers, got ${pyType(item)} ${code(show(item))}`,
        `\`${name}\` 中必须是数值，实际为 \`${pyType(item)}\` 类型的 ${code(show(item))}`, "TypeError");
    }
    exactNumber(item, name);
  }
  return node;
}

// A switch: a bool literal (or None where the framework takes None), or an expression.
function readFlag(fw, name, node, noneAllowed) {
  if (node === undefined) return {type: "bool", value: false, absent: true};
  if (node.type === "expr" || node.type === "bool" || (noneAllowed && node.type === "none")) return node;
  throw unsupported(`\`${name}\` should be ${noneAllowed ? "True, False or None" : "True or False"}, got ${code(show(node))}`,
    `\`${name}\` 应为 ${noneAllowed ? "True、False 或 None" : "True 或 False"}，实际为 ${code(show(node))}`);
}

// mindspore.nn.Rprop: learning_rate a number >= 0 or a schedule (only its first value is used);
// etas and step_sizes tuples of floats; 0 < etaminus < 1 < etaplus; min <= max; weight_decay >= 0.
// `afterLr` runs between the learning rate and the other arguments: nn.Rprop reads its parameter
// groups there.
function readMindSpore(args, afterLr = () => {}) {
  const fw = "mindspore";
  const out = {};
  const lr = args.learning_rate;
  if (lr === undefined) out.lr = {type: "float", value: 0.1, isDefault: true};
  else if (lr.type === "expr" || hasExpr(lr)) {
    throw nonLiteral("learning_rate", show(lr),
      "it may be a number, a Tensor or a learning-rate schedule; write the value it has at step 1 (the only one Rprop uses)",
      "它可能是数值、张量或动态学习率；请写出它在第 1 步的取值（Rprop 只用这一个值）");
  } else if (isSequence(lr)) {
    if (lr.items.length === 0 || !lr.items.every((item) => isNumber(item))) {
      throw unsupported(`\`learning_rate=${show(lr)}\` is not a list of numbers; write the learning rate of step 1 as a number`,
        `\`learning_rate=${show(lr)}\` 不是由数值组成的列表；请把第 1 步的学习率写成一个数值`);
    }
    lr.items.forEach((item) => exactNumber(item, "learning_rate"));
    const first = lr.items[0];
    if (!(first.value >= 0) || Math.abs(first.value) > FLOAT32_MAX) {
      throw unsupported(`the first learning rate of the schedule, ${show(first)}, is not a value torch accepts as \`lr\``,
        `动态学习率的第一个值 ${show(first)} 不是 torch 能接受的 \`lr\``);
    }
    out.lr = {type: "float", value: first.value};
    out.schedule = lr;
  } else {
    noBool(lr, "learning_rate");
    if (lr.type === "str") {
      // A str is an Iterable to MindSpore: "1" would even pass, as the schedule [1.0].
      throw unsupported("`learning_rate` is a string, which MindSpore reads character by character as a schedule; write a number",
        "`learning_rate` 是字符串，MindSpore 会把它逐个字符当作动态学习率读取；请写成数值");
    }
    if (!isNumber(lr)) {
      throw sourceRejects(fw, `\`learning_rate\` must be a number, got ${pyType(lr)} ${code(show(lr))}`,
        `\`learning_rate\` 必须是数值，实际为 \`${pyType(lr)}\` 类型的 ${code(show(lr))}`, "TypeError");
    }
    exactNumber(lr, "learning_rate");
    if (!(lr.value >= 0)) {
      throw sourceRejects(fw, `\`learning_rate\` must be >= 0, got ${show(lr)}`,
        `\`learning_rate\` 必须大于等于 0，实际为 ${show(lr)}`, "ValueError");
    }
    if (lr.value > FLOAT32_MAX) {
      throw unsupported(`\`learning_rate=${show(lr)}\` overflows float32`, `\`learning_rate=${show(lr)}\` 超出了 float32 的范围`);
    }
    out.lr = {type: "float", value: lr.value};
  }

  afterLr();
  const wd = args.weight_decay ?? {type: "float", value: 0};
  if (wd.type === "expr") {
    throw nonLiteral("weight_decay", wd.text,
      "it may be a number or a schedule (a Cell), and torch needs a work-around whenever it is not 0; write the number",
      "它可能是数值，也可能是动态权重衰减（Cell），而只要它不为 0，torch 一侧就需要额外处理；请写出具体数值");
  }
  noBool(wd, "weight_decay");
  if (!isNumber(wd)) {
    throw sourceRejects(fw, `\`weight_decay\` must be an int or a float, got ${pyType(wd)} ${code(show(wd))}`,
      `\`weight_decay\` 必须是 int 或 float，实际为 \`${pyType(wd)}\` 类型的 ${code(show(wd))}`, "TypeError");
  }
  exactNumber(wd, "weight_decay");
  if (!(wd.value >= 0)) {
    throw sourceRejects(fw, `\`weight_decay\` must be >= 0, got ${show(wd)}`, `\`weight_decay\` 必须大于等于 0，实际为 ${show(wd)}`, "ValueError");
  }
  out.weightDecay = wd.value;

  // The order of mindspore.nn.Rprop's own checks, so that the exception named is the one it raises.
  const etas = readTuple(fw, "etas", args.etas ?? tuple(0.5, 1.2));
  const stepSizes = readTuple(fw, "step_sizes", args.step_sizes ?? tuple(1e-6, 50));
  const [stepMin, stepMax] = stepSizes.items;
  for (const item of stepSizes.items) {
    if (!isNumber(item) && item.type !== "bool") {
      throw sourceRejects(fw, `\`step_sizes\` must hold floats, got ${pyType(item)} ${code(show(item))}`,
        `\`step_sizes\` 中必须是 float，实际为 \`${pyType(item)}\` 类型的 ${code(show(item))}`, "TypeError");
    }
  }
  if (Number(stepMin.value) > Number(stepMax.value)) {
    throw sourceRejects(fw, `\`step_sizes\` must have min <= max, got ${show(stepSizes)}`,
      `\`step_sizes\` 必须满足 min ≤ max，实际为 ${show(stepSizes)}`, "ValueError");
  }
  const [etaminus, etaplus] = etas.items;
  requireFloat(fw, etaminus, "etaminus (`etas[0]`)", "etaminus（`etas[0]`）");
  if (!(etaminus.value > 0 && etaminus.value < 1)) {
    throw sourceRejects(fw, `etaminus (\`etas[0]\`) must be in (0.0, 1.0), got ${show(etaminus)}`,
      `etaminus（\`etas[0]\`）必须在 (0.0, 1.0) 内，实际为 ${show(etaminus)}`, "ValueError");
  }
  requireFloat(fw, etaplus, "etaplus (`etas[1]`)", "etaplus（`etas[1]`）");
  if (!(etaplus.value > 1)) {
    throw sourceRejects(fw, `etaplus (\`etas[1]\`) must be > 1.0, got ${show(etaplus)}`,
      `etaplus（\`etas[1]\`）必须大于 1.0，实际为 ${show(etaplus)}`, "ValueError");
  }
  requireFloat(fw, stepMin, "`step_sizes[0]`", "`step_sizes[0]`");
  requireFloat(fw, stepMax, "`step_sizes[1]`", "`step_sizes[1]`");
  out.etas = etas;
  out.stepSizes = stepSizes;
  return out;
}

// mindspore.nn.Rprop's `etas`/`step_sizes`: a tuple of exactly two values (their types are checked later).
function readTuple(fw, name, node) {
  if (hasExpr(node)) {
    throw nonLiteral(name, show(node), "`mindspore.nn.Rprop` needs a tuple of two floats; write the numbers",
      "`mindspore.nn.Rprop` 需要由两个 float 组成的 tuple；请写出具体数值");
  }
  if (node.type !== "tuple") {
    throw sourceRejects(fw, `\`${name}\` must be a tuple, got ${pyType(node)} ${code(show(node))}`,
      `\`${name}\` 必须是 tuple，实际为 \`${pyType(node)}\` 类型的 ${code(show(node))}`, "TypeError");
  }
  if (node.items.length !== 2) {
    throw sourceRejects(fw, `\`${name}\` must hold 2 values, got ${node.items.length}`,
      `\`${name}\` 必须包含 2 个值，实际为 ${node.items.length} 个`, "ValueError");
  }
  return node;
}

// A Python float (MindSpore rejects int and bool here), finite.
function requireFloat(fw, node, what, whatZh) {
  if (node.type !== "float") {
    throw sourceRejects(fw, `${what} must be a float, got ${pyType(node)} ${code(show(node))}; write e.g. 50.0, not 50`,
      `${whatZh} 必须是 float，实际为 \`${pyType(node)}\` 类型的 ${code(show(node))}；请写成 50.0 这样的形式，而不是 50`, "TypeError");
  }
  exactNumber(node, what);
}

// mindspore.experimental.optim.Rprop: torch's arguments, but lr > 0 and etas[0] a float.
function readExperimental(args) {
  const fw = "mindspore-experimental";
  const out = {};
  out.lr = readLr(fw, args.lr, true);
  const etas = args.etas ?? tuple(0.5, 1.2);
  if (!hasExpr(etas) && isSequence(etas) && etas.items.length >= 2) {
    const [etaminus, etaplus] = etas.items;
    // MindSpore checks etas[1] first, then the type of etas[0], then the pair.
    if (isNumber(etaplus) && !(etaplus.value > 1)) {
      throw sourceRejects(fw, `\`etas[1]\` must be > 1.0, got ${show(etaplus)}`, `\`etas[1]\` 必须大于 1.0，实际为 ${show(etaplus)}`, "ValueError");
    }
    if (isNumber(etaplus) && etaminus.type !== "float") {
      throw sourceRejects(fw, `\`etas[0]\` must be a float, got ${pyType(etaminus)} ${code(show(etaminus))}`,
        `\`etas[0]\` 必须是 float，实际为 \`${pyType(etaminus)}\` 类型的 ${code(show(etaminus))}`, "TypeError");
    }
  }
  out.etas = readPair(fw, "etas", etas, true);
  if (out.etas.type !== "expr") {
    const [etaminus, etaplus] = out.etas.items.map((item) => item.value);
    if (!(etaminus > 0 && etaminus < 1 && etaplus > 1)) {
      throw sourceRejects(fw, `\`etas\` must satisfy 0 < etas[0] < 1 < etas[1], got ${show(out.etas)}`,
        `\`etas\` 必须满足 0 < etas[0] < 1 < etas[1]，实际为 ${show(out.etas)}`, "ValueError");
    }
  }
  out.stepSizes = readPair(fw, "step_sizes", args.step_sizes ?? tuple(1e-6, {type: "int", value: 50, text: "50"}), false);
  out.maximize = readFlag(fw, "maximize", args.maximize, false);
  return out;
}

// --- writing the target call ------------------------------------------------------------------------

// torch's first step: Δ = clamp(lr, min, max), i.e. min(max(lr, min), max) (max wins if min > max).
const clampLikeTorch = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

function expressionCaveat(name, row, text) {
  return caveat(`${row}-expression`, row,
    `${code(`${name}=${text}`)} is an expression and was copied as it is: both optimizers read it the same way.`,
    `${code(`${name}=${text}`)} 是一个表达式，已原样照抄：两个优化器对它的处理方式相同。`);
}

function lrExpressionCaveat(text, targetName, strict) {
  const bound = strict ? "> 0" : ">= 0";
  return caveat("lr-expression", "lr",
    `\`lr=${text}\` is an expression and was copied as it is. The result is identical as long as it evaluates to a plain Python number ${bound}${strict ? ` (${targetName} rejects 0)` : ""}: Rprop uses it once, as the initial step size.`,
    `\`lr=${text}\` 是一个表达式，已原样照抄。只要它的值是${strict ? "大于 0" : "大于等于 0"} 的普通 Python 数值${strict ? `（${targetName} 不接受 0）` : ""}，结果就完全相同：Rprop 只用它一次，作为初始步长。`);
}

function droppedTorchFlags(settings, target, caveats) {
  const targetName = FRAMEWORKS[target].callee;
  const raises = target === "mindspore-experimental"
    ? [` (${targetName} raises \`TypeError\` for it)`, `（向 ${targetName} 传入它会报 \`TypeError\`）`] : ["", ""];
  const value = (node) => show(node);
  if (settings.foreach) {
    caveats.push(caveat("foreach-dropped", "foreach",
      `\`foreach=${value(settings.foreach)}\` was dropped: it only picks torch's multi-tensor kernel, whose results are identical; MindSpore has no such option${raises[0]}.`,
      `已删除 \`foreach=${value(settings.foreach)}\`：它只决定 torch 是否使用多张量内核，结果完全相同；MindSpore 没有这个选项${raises[1]}。`));
  }
  if (settings.capturable) {
    const on = settings.capturable.type !== "bool" || settings.capturable.value;
    caveats.push(caveat("capturable-dropped", "capturable", on
      ? `\`capturable=${value(settings.capturable)}\` was dropped: it prepares the step for CUDA graph capture, which MindSpore has no equivalent for; the values it computes are the same (and on CPU torch raises with \`capturable=True\`)${raises[0]}.`
      : `\`capturable=False\` (torch's default) was dropped: MindSpore has no such option${raises[0]}.`,
    on
      ? `已删除 \`capturable=${value(settings.capturable)}\`：它用于让更新步骤可以被 CUDA Graphs 捕获，MindSpore 没有对应功能；计算出的数值相同（在 CPU 上 torch 设为 \`capturable=True\` 会报错）${raises[1]}。`
      : `已删除 \`capturable=False\`（torch 的默认值）：MindSpore 没有这个选项${raises[1]}。`));
  }
  if (settings.differentiable) {
    const on = settings.differentiable.type !== "bool" || settings.differentiable.value;
    caveats.push(caveat("differentiable-dropped", "differentiable", on
      ? `\`differentiable=${value(settings.differentiable)}\` was dropped: MindSpore has no equivalent, so autograd cannot run through the optimizer step any more. The parameter values are the same${raises[0]}.`
      : `\`differentiable=False\` (torch's default) was dropped: MindSpore has no such option${raises[0]}.`,
    on
      ? `已删除 \`differentiable=${value(settings.differentiable)}\`：MindSpore 没有对应功能，因此无法再对优化器的更新步骤求导。参数的数值相同${raises[1]}。`
      : `已删除 \`differentiable=False\`（torch 的默认值）：MindSpore 没有这个选项${raises[1]}。`));
  }
}

function torchToMindSpore(settings, args, caveats) {
  const target = "mindspore";
  let identical = true;
  const parts = [];
  if (settings.lr.type === "expr") {
    parts.push(`learning_rate=${settings.lr.text}`);
    caveats.push(lrExpressionCaveat(settings.lr.text, FRAMEWORKS[target].callee, false));
  } else {
    if (settings.lr.value > FLOAT32_MAX) {
      throw unsupported(`\`lr=${show(settings.lr)}\` overflows float32`, `\`lr=${show(settings.lr)}\` 超出了 float32 的范围`);
    }
    parts.push(`learning_rate=${pyFloat(settings.lr.value)}`);
    if (!("lr" in args)) {
      caveats.push(caveat("lr-default", "lr",
        "torch's default `lr=0.01` is written out as `learning_rate=0.01`: `mindspore.nn.Rprop` defaults to 0.1, ten times larger.",
        "torch 的默认值 `lr=0.01` 已显式写成 `learning_rate=0.01`：`mindspore.nn.Rprop` 的默认值是 0.1，是它的 10 倍。"));
    }
  }

  if (settings.etas.type === "expr") {
    throw nonLiteral("etas", settings.etas.text, "`mindspore.nn.Rprop` needs a tuple of two floats; write the numbers",
      "`mindspore.nn.Rprop` 需要由两个 float 组成的 tuple；请写出具体数值");
  }
  const etas = `(${settings.etas.items.map((item) => pyFloat(item.value)).join(", ")})`;
  parts.push(`etas=${etas}`);
  if ("etas" in args && (settings.etas.type !== "tuple" || settings.etas.items.some((item) => item.type !== "float"))) {
    caveats.push(caveat("etas-tuple-of-floats", "etas",
      `\`mindspore.nn.Rprop\` wants \`etas\` as a tuple of floats (a list or an int raises \`TypeError\`): written as \`etas=${etas}\`.`,
      `\`mindspore.nn.Rprop\` 要求 \`etas\` 是由 float 组成的 tuple（传入列表或整数会报 \`TypeError\`），已写成 \`etas=${etas}\`。`));
  }

  if (settings.stepSizes.type === "expr") {
    throw nonLiteral("step_sizes", settings.stepSizes.text, "`mindspore.nn.Rprop` needs a tuple of two floats with min <= max; write the numbers",
      "`mindspore.nn.Rprop` 需要由两个 float 组成且 min ≤ max 的 tuple；请写出具体数值");
  }
  let [stepMin, stepMax] = settings.stepSizes.items.map((item) => item.value);
  if (stepMin > stepMax) {
    const written = pyFloat(stepMax);
    caveats.push(caveat("step-sizes-min-above-max", "step-sizes",
      `\`step_sizes=${show(settings.stepSizes)}\` has min > max. torch accepts it and clamps every step size to the max, ${written}; \`mindspore.nn.Rprop\` rejects min > max with \`ValueError\`. \`step_sizes=(${written}, ${written})\` clamps exactly as torch does.`,
      `\`step_sizes=${show(settings.stepSizes)}\` 的最小值大于最大值。torch 接受这种写法，并把每个步长都限制为最大值 ${written}；\`mindspore.nn.Rprop\` 则会因 min > max 报 \`ValueError\`。写成 \`step_sizes=(${written}, ${written})\` 与 torch 的限制效果完全相同。`));
    stepMin = stepMax;
  }
  const stepSizes = `(${pyFloat(stepMin)}, ${pyFloat(stepMax)})`;
  parts.push(`step_sizes=${stepSizes}`);
  if ("step_sizes" in args && (settings.stepSizes.type !== "tuple" || settings.stepSizes.items.some((item) => item.type !== "float"))) {
    caveats.push(caveat("step-sizes-tuple-of-floats", "step-sizes",
      `\`mindspore.nn.Rprop\` wants \`step_sizes\` as a tuple of floats (torch's \`(1e-6, 50)\` raises \`TypeError\` there): written as \`step_sizes=${stepSizes}\`.`,
      `\`mindspore.nn.Rprop\` 要求 \`step_sizes\` 是由 float 组成的 tuple（照抄 torch 的 \`(1e-6, 50)\` 会报 \`TypeError\`），已写成 \`step_sizes=${stepSizes}\`。`));
  }

  if (settings.maximize.type === "expr") {
    throw nonLiteral("maximize", settings.maximize.text,
      "`mindspore.nn.Rprop` has no `maximize`, so the converted call differs when it is True; write True or False (or convert to mindspore.experimental.optim.Rprop)",
      "`mindspore.nn.Rprop` 没有 `maximize`，它为 True 时转换结果会不同；请写成 True 或 False（或者转换到 mindspore.experimental.optim.Rprop）");
  }
  if (settings.maximize.value) {
    identical = false;
    caveats.push(caveat("maximize-no-equivalent", "maximize",
      "`mindspore.nn.Rprop` has no `maximize`: as written it minimises. To step exactly like torch with `maximize=True`, negate the gradients before calling the optimizer, `optimizer(tuple(-g for g in grads))` (or negate the loss). Or convert to `mindspore.experimental.optim.Rprop`, which has `maximize=True`.",
      "`mindspore.nn.Rprop` 没有 `maximize` 参数，按上面的写法它做的是最小化。要与 torch 的 `maximize=True` 逐步一致，请在调用优化器之前把梯度取负：`optimizer(tuple(-g for g in grads))`（或者把损失取负）。也可以改为转换到 `mindspore.experimental.optim.Rprop`，它支持 `maximize=True`。"));
  }
  droppedTorchFlags(settings, target, caveats);
  return {parts, identical};
}

function torchToExperimental(settings, args, caveats) {
  const target = "mindspore-experimental";
  const targetName = FRAMEWORKS[target].callee;
  const parts = [];
  if (settings.lr.type === "expr") {
    parts.push(`lr=${settings.lr.text}`);
    caveats.push(lrExpressionCaveat(settings.lr.text, targetName, true));
  } else if (settings.lr.value === 0) {
    if (settings.stepSizes.type === "expr") {
      throw nonLiteral("step_sizes", settings.stepSizes.text,
        `\`lr=0\` is rejected by ${targetName}, and its replacement is computed from \`step_sizes\`; write the numbers`,
        `${targetName} 不接受 \`lr=0\`，而替代值要根据 \`step_sizes\` 计算；请写出具体数值`);
    }
    const [stepMin, stepMax] = settings.stepSizes.items.map((item) => item.value);
    const first = clampLikeTorch(0, stepMin, stepMax);
    if (!(first > 0)) {
      throw new ConvertError("no-equivalent",
        `${targetName} rejects \`lr=0\` (it must be > 0), and with \`step_sizes=${show(settings.stepSizes)}\` torch's first step size is ${pyFloat(first)}, so no positive \`lr\` gives the same steps. Convert to mindspore.nn.Rprop, which accepts \`learning_rate=0.0\`.`,
        `${targetName} 不接受 \`lr=0\`（必须大于 0），而在 \`step_sizes=${show(settings.stepSizes)}\` 下 torch 的初始步长为 ${pyFloat(first)}，没有任何正的 \`lr\` 能得到相同的结果。请改为转换到 mindspore.nn.Rprop，它接受 \`learning_rate=0.0\`。`);
    }
    const written = pyFloat(first);
    parts.push(`lr=${written}`);
    caveats.push(caveat("lr-zero", "lr",
      `${targetName} rejects \`lr=0\` (it must be > 0). torch's first step clamps lr into \`step_sizes\`, so \`lr=0\` starts every step size at ${written}; \`lr=${written}\` does exactly the same.`,
      `${targetName} 不接受 \`lr=0\`（必须大于 0）。torch 在第 1 步会把 lr 裁剪到 \`step_sizes\` 的范围内，所以 \`lr=0\` 时每个步长都从 ${written} 开始；写成 \`lr=${written}\` 的效果完全相同。`));
  } else {
    parts.push(`lr=${show(settings.lr)}`);
  }
  parts.push(`etas=${show(settings.etas)}`);
  if (settings.etas.type === "expr") caveats.push(expressionCaveat("etas", "etas", settings.etas.text));
  else if (settings.etas.items[0].type !== "float") {
    // Unreachable for a torch-valid etaminus (an int cannot lie in (0, 1)); kept as a guard.
    throw unsupported("`etas[0]` must be a float for mindspore.experimental.optim.Rprop", "mindspore.experimental.optim.Rprop 要求 `etas[0]` 是 float");
  }
  parts.push(`step_sizes=${show(settings.stepSizes)}`);
  if (settings.stepSizes.type === "expr") caveats.push(expressionCaveat("step_sizes", "step-sizes", settings.stepSizes.text));
  parts.push(`maximize=${show(settings.maximize)}`);
  if (settings.maximize.type === "expr") caveats.push(expressionCaveat("maximize", "maximize", settings.maximize.text));
  droppedTorchFlags(settings, target, caveats);
  return {parts, identical: true};
}

function mindSporeToTorch(settings, args, caveats) {
  const parts = [];
  let identical = true;
  const lr = pyFloat(settings.lr.value);
  parts.push(`lr=${lr}`);
  if (settings.lr.isDefault) {
    caveats.push(caveat("lr-default", "lr",
      "MindSpore's default `learning_rate=0.1` is written out as `lr=0.1`: torch defaults to 0.01, ten times smaller.",
      "MindSpore 的默认值 `learning_rate=0.1` 已显式写成 `lr=0.1`：torch 的默认值是 0.01，只有它的十分之一。"));
  }
  if (settings.schedule) {
    caveats.push(caveat("lr-schedule", "lr-schedule",
      `\`mindspore.nn.Rprop\` reads a learning-rate schedule only at step 1, so only its first value matters: \`learning_rate=${show(settings.schedule)}\` becomes \`lr=${lr}\`. The later values change nothing, so no torch scheduler is needed (one would change nothing either, for parameters that have a gradient at step 1). One difference remains: MindSpore needs an entry per step, so a list of ${settings.schedule.items.length} stops its run at step ${settings.schedule.items.length + 1} with \`RuntimeError\`; torch has no such limit.`,
      `\`mindspore.nn.Rprop\` 只在第 1 步读取动态学习率，因此只有第一个值起作用：\`learning_rate=${show(settings.schedule)}\` 已改写为 \`lr=${lr}\`。后面的取值不产生任何影响，所以无需配置 torch 的学习率调度器（对第 1 步就有梯度的参数，调度器同样不起作用）。仍有一处不同：MindSpore 要求每一步都有对应的取值，含 ${settings.schedule.items.length} 个值的列表会让训练在第 ${settings.schedule.items.length + 1} 步报 \`RuntimeError\`，而 torch 没有这个限制。`));
  }
  parts.push(`etas=${show(settings.etas)}`);
  parts.push(`step_sizes=${show(settings.stepSizes)}`);
  if (settings.weightDecay > 0) {
    identical = false;
    const wd = pyFloat(settings.weightDecay);
    caveats.push(caveat("weight-decay-no-equivalent", "weight-decay",
      `\`torch.optim.Rprop\` has no weight decay, so the call above steps without \`weight_decay=${wd}\`. To step exactly like MindSpore, add ${wd}·w to the gradients after \`loss.backward()\` and before \`optimizer.step()\`, for the parameters MindSpore decays: those whose MindSpore name contains neither "beta" nor "gamma" (BatchNorm/LayerNorm γ and β are named \`weight\` and \`bias\` in torch, so pick them by layer, not by name): \`for p in decayed: p.grad += ${wd} * p.detach()\`. The decay only changes which sign Rprop sees.`,
      `\`torch.optim.Rprop\` 没有权重衰减，上面的调用没有 \`weight_decay=${wd}\` 的效果，更新会与 MindSpore 不同。要与 MindSpore 逐步一致，请在 \`loss.backward()\` 之后、\`optimizer.step()\` 之前，把 ${wd}·w 加到 MindSpore 会衰减的参数的梯度上，即 MindSpore 参数名中既不含 \`beta\` 也不含 \`gamma\` 的参数（torch 中 BatchNorm/LayerNorm 的 γ 和 β 名为 \`weight\` 和 \`bias\`，因此要按层挑选，而不是按名称）：\`for p in decayed: p.grad += ${wd} * p.detach()\`。权重衰减只会改变 Rprop 看到的梯度符号。`));
  }
  return {parts, identical};
}

function experimentalToTorch(settings, args, caveats) {
  const parts = [];
  if (settings.lr.type === "expr") {
    parts.push(`lr=${settings.lr.text}`);
    caveats.push(lrExpressionCaveat(settings.lr.text, FRAMEWORKS["mindspore-experimental"].callee, true));
  } else parts.push(`lr=${show(settings.lr)}`);
  parts.push(`etas=${show(settings.etas)}`);
  if (settings.etas.type === "expr") caveats.push(expressionCaveat("etas", "etas", settings.etas.text));
  parts.push(`step_sizes=${show(settings.stepSizes)}`);
  if (settings.stepSizes.type === "expr") caveats.push(expressionCaveat("step_sizes", "step-sizes", settings.stepSizes.text));
  parts.push(`maximize=${show(settings.maximize)}`);
  if (settings.maximize.type === "expr") caveats.push(expressionCaveat("maximize", "maximize", settings.maximize.text));
  return {parts, identical: true};
}

const GROUPS = makeGroups({ConvertError, caveat, code, show, pyFloat, FRAMEWORKS, FLOAT32_MAX, sourceRejects, unsupported,
  nonLiteral, noBool, isNumber, pyType, readLr, readTorch, readMindSpore, readExperimental, droppedTorchFlags,
  expressionCaveat, lrExpressionCaveat, rewriteParams});

const CONVERTERS = {
  "torch->mindspore": [readTorch, torchToMindSpore],
  "torch->mindspore-experimental": [readTorch, torchToExperimental],
  "mindspore->torch": [readMindSpore, mindSporeToTorch],
  "mindspore-experimental->torch": [readExperimental, experimentalToTorch],
};

// --- public API ----------------------------------------------------------------------------------------

// Errors that mean the call fails as written: Python or the source framework raises, or the target
// rejects every equivalent. The other errors mean the converter cannot tell.
const FAILS = new Set(["syntax", "unknown-keyword", "source-rejects", "no-equivalent"]);

function readInput(source, input) {
  if (typeof input === "string") {
    let call;
    try {
      call = parseCall(input);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      if (error.valid) {  // valid Python (e.g. **kwargs) whose values the converter cannot see
        throw new ConvertError("cannot-read", `The converter cannot read this call: ${error.message}.`,
          `转换器无法读取这个调用：${error.zh ?? error.message}。`);
      }
      throw new ConvertError("syntax", `This is not a Python call the converter can read: ${error.message}.`,
        `无法读取这个 Python 调用：${error.zh ?? error.message}。`);
    }
    if (!calleeMatches(call.callee, source)) {
      const other = Object.keys(FRAMEWORKS).find((fw) => fw !== source && calleeMatches(call.callee, fw));
      const looksLike = other && call.callee !== FRAMEWORKS[other].callee;
      const hintEn = other ? ` ${looksLike ? `It looks like ${FRAMEWORKS[other].callee}: pick` : "Pick"} the direction that starts from ${FRAMEWORKS[other].callee}.` : "";
      const hintZh = other ? `${looksLike ? `它看起来是 ${FRAMEWORKS[other].callee}，` : ""}请选择从 ${FRAMEWORKS[other].callee} 出发的转换方向。` : "";
      throw new ConvertError("callee",
        `This direction converts from ${FRAMEWORKS[source].callee}, but the call is to \`${call.callee}\`.${hintEn}`,
        `当前的转换方向是从 ${FRAMEWORKS[source].callee} 转换，而这里调用的是 \`${call.callee}\`。${hintZh}`);
    }
    return call;
  }
  if (input === null || typeof input !== "object" || input.kwargs === null || typeof input.kwargs !== "object" || Array.isArray(input.kwargs)) {
    throw new ConvertError("input", "The input must be a call string or an object {kwargs: {…}}.",
      "输入必须是调用字符串，或形如 {kwargs: {…}} 的对象。");
  }
  const kwargs = {};
  for (const [name, value] of Object.entries(input.kwargs)) {
    if (value !== undefined) kwargs[name] = toNode(value, name);
  }
  let paramsText = FRAMEWORKS[source].params;
  if ("params" in kwargs) {
    const node = kwargs.params;
    delete kwargs.params;
    paramsText = node.type === "expr" ? node.text : show(node);
    return {callee: FRAMEWORKS[source].callee, positional: [paramsText], positionalNodes: [node], kwargs};
  }
  if (input.params !== undefined) {
    if (typeof input.params !== "string") {
      throw new ConvertError("input", "`params` must be Python source text.", "`params` 必须是 Python 源代码文本。");
    }
    const node = toNode(input.params, "params");
    return {callee: FRAMEWORKS[source].callee, positional: [node.type === "expr" ? node.text : show(node)], positionalNodes: [node], kwargs};
  }
  return {callee: FRAMEWORKS[source].callee, positional: [paramsText], positionalNodes: [{type: "expr", text: paramsText}], kwargs};
}

/**
 * Convert an Rprop constructor call from one framework to another.
 *
 * @param {string} direction one of DIRECTIONS, e.g. "torch->mindspore"
 * @param {string|{kwargs: Object, params?: string}} input the source call as Python text, or its
 *   keyword arguments: each value a typed node (see pyliteral.js), a JS number (a Python float),
 *   boolean, null (None), array (a tuple), bigint (an int), or a string holding Python source for
 *   the value (e.g. "(1e-6, 50)"). `params` (or `kwargs.params`) is the first argument's source text;
 *   without it the framework's usual expression is used (`model.parameters()` /
 *   `net.trainable_params()`).
 * @returns {{ok: true, code: string, identical: boolean, verdict: string,
 *            caveats: Array<{id: string, en: string, zh: string, row: string}>}
 *          | {ok: false, verdict: string, error: {id: string, en: string, zh: string}}}
 *   `code` is the target call on one line (an assignment `optimizer = …` keeps its target).
 *   `verdict`: "identical" when, from the same float32 parameters and the same gradients, the
 *   target steps bit-identically to the source as long as no value is subnormal (MindSpore's CPU
 *   kernels flush those to zero); "different" when it does not (a caveat says how to make it);
 *   "cannot-tell" when an expression copied as it is, or a call it cannot read, decides; "fails"
 *   when Python or the source framework raises, or the target rejects every equivalent.
 *   `identical` is `verdict === "identical"`. Each caveat's
 *   `row` is a row id of the site's mapping table (data/rprop-mapping.yml). Error ids: "direction",
 *   "input", "syntax", "cannot-read", "callee", "unknown-keyword", "source-rejects" (the source framework itself
 *   raises for this call), "non-literal", "unsupported-value", "parameter-groups", "no-equivalent",
 *   "internal". The first argument may be a list or tuple of parameter groups (dicts), converted
 *   group by group (groups.js); an error about one group may carry the `row` it belongs to.
 */
export function convert(direction, input) {
  try {
    if (!Object.hasOwn(CONVERTERS, direction)) {
      throw new ConvertError("direction", `Unknown direction ${JSON.stringify(direction)}; use one of ${DIRECTIONS.join(", ")}.`,
        `未知的转换方向 ${JSON.stringify(direction)}；可选值为 ${DIRECTIONS.join("、")}。`);
    }
    const [source, target] = direction.split("->");
    const call = readInput(source, input);
    const {args, paramsText} = bind(source, call);
    const [read, write] = CONVERTERS[direction];
    if (source === "mindspore") checkNotEmpty(source, args);
    // nn.Rprop reads its parameter groups after its learning rate, torch and experimental after
    // every argument: the exception named is the one the source raises first.
    let first;
    const settings = read(args, () => {
      first = readParams(source, args, paramsText);
      if (first.groups) GROUPS.checkMindSporeGroups(first.groups, args);
    });
    first ??= readParams(source, args, paramsText);
    const caveats = [];
    // With groups, MindSpore's weight decay is judged group by group (groups.js).
    const written = write(first.groups && source === "mindspore" ? {...settings, weightDecay: 0} : settings, args, caveats);
    let params, identical = written.identical;
    if (first.groups) {
      const converted = GROUPS.convertGroups(source, target, first.groups, args, settings, caveats);
      params = converted.text;
      identical = identical && converted.identical;
    } else params = rewriteParams(source, target, first.text, caveats);
    // One note per text; the notes on the first argument (if any) read best last.
    const unique = caveats.filter((c, i) => caveats.findIndex((d) => d.id === c.id && d.en === c.en) === i)
      .map(({id, en, zh, row}) => ({id, en, zh, row}));
    unique.sort((a, b) => (a.id === "params-kept") - (b.id === "params-kept"));
    // An expression copied as it is decides the result by its value, which the converter cannot see.
    const verdict = unique.some((c) => c.id.endsWith("-expression")) ? "cannot-tell" : identical ? "identical" : "different";
    const assign = typeof input === "string" && call.assign ? `${call.assign} = ` : "";
    const rows = [...new Set([...Object.keys(args).map((name) => ROWS[name]), ...unique.map((c) => c.row)])].filter(Boolean);
    return {ok: true, code: `${assign}${FRAMEWORKS[target].callee}(${[params, ...written.parts].join(", ")})`,
      identical: verdict === "identical", verdict, caveats: unique, rows};
  } catch (error) {
    if (error instanceof ConvertError) {
      return {ok: false, verdict: FAILS.has(error.error.id) ? "fails" : "cannot-tell", error: error.error};
    }
    return {ok: false, verdict: "cannot-tell", error: {id: "internal",
      en: `The converter failed on this input (${error && error.message}); nothing was converted.`,
      zh: `转换器处理这个输入时出错（${error && error.message}），未做任何转换。`}};
  }
}
