// Rprop in the conventions of PyTorch and MindSpore, for float32 parameters: a port of the NumPy
// reference in scripts/rprop_ref, as an ES module without dependencies (browsers and Node).
//
//   SWITCHES                      switches.py `Switches` and the four conventions in conventions.py
//   make, the *Arguments checks   conventions.py: keyword names, defaults, validation order and
//                                 exception types (`.name` is the Python exception's name)
//   init, step, check*            optimizer.py `Rprop.init`, `Rprop.step` and its checks
//   update                        optimizer.py `Rprop._update` (weight decay, maximize, seeding)
//                                 followed by core.py `rprop_update`
//   float32 scalars               precision.py `scalar` for float32 parameters (via float32)
//
// Every elementwise result is rounded to float32 (Math.fround or a Float32Array store), so the
// results are bit-identical to the reference with float32 parameters (tests/test_js_engine.py
// checks this with golden vectors). Only NaN payloads may differ: JS engines canonicalise NaNs.
// float64, float16 and bfloat16 parameters are out of scope and rejected.

import { say } from "./messages.js";

const f32 = Math.fround;

export class ValueError extends Error {
  constructor(message) { super(message); this.name = "ValueError"; }
}

export class IndexError extends Error {
  constructor(message) { super(message); this.name = "IndexError"; }
}

export class RuntimeError extends Error {
  constructor(message) { super(message); this.name = "RuntimeError"; }
}

export class AssertionError extends Error {
  constructor(message) { super(message); this.name = "AssertionError"; }
}

// An exception of Python's type `Type` with message `id` of messages.js: its text in English, and
// the id and values, from which a page says the same in its own language.
function fail(Type, id, values = {}) {
  return Object.assign(new Type(say(id, "en", values)), {id, values});
}

export const CONVENTIONS = Object.freeze(["torch", "mindspore", "mindspore-experimental", "mindspore-doc"]);

function switches({zeroGradientOnSignFlip = true, sharedStepCounter = false, weightDecayExempt = [],
                   precision = "parameter-dtype"} = {}) {
  return Object.freeze({zeroGradientOnSignFlip, sharedStepCounter,
                        weightDecayExempt: Object.freeze([...weightDecayExempt]), precision});
}

// Every behavioural difference between the conventions (see switches.py for what each one means).
export const SWITCHES = Object.freeze({
  "torch": switches(),
  "mindspore": switches({sharedStepCounter: true, weightDecayExempt: ["beta", "gamma"],
                         precision: "mindspore-nn"}),
  "mindspore-experimental": switches({sharedStepCounter: true, precision: "mindspore-experimental"}),
  "mindspore-doc": switches({zeroGradientOnSignFlip: false, sharedStepCounter: true,
                             weightDecayExempt: ["beta", "gamma"], precision: "mindspore-nn"}),
});

/**
 * The Rprop of `convention`, built from that framework's keyword arguments (Python names, e.g.
 * `{lr: 0.01, etas: [0.5, 1.2], step_sizes: [1e-6, 50]}` or typed literals such as
 * `{step_sizes: {type: "tuple", items: [{type: "float", value: 1e-6}, {type: "int", value: 50}]}}`).
 * Returns a frozen `{convention, switches, hyper, init(params), step(params, grads, state)}`.
 */
export function make(convention, kwargs = {}) {
  if (!CONVENTIONS.includes(convention)) {
    throw fail(ValueError, "unknown-convention", {convention: JSON.stringify(convention), choices: CONVENTIONS.join(", ")});
  }
  const sw = SWITCHES[convention];
  const hyper = ARGUMENTS[convention](kwargs);
  return Object.freeze({
    convention, switches: sw, hyper,
    init: (params) => init(sw, params),
    step: (params, grads, state) => step(sw, hyper, params, grads, state),
  });
}

// --- the optimizer (optimizer.py) ----------------------------------------------------------------

function init(sw, params) {
  checkParams(sw, params);
  const names = Object.keys(params);
  return freezeState(
    Object.fromEntries(names.map((name) => [name, 0])),
    Object.fromEntries(names.map((name) => [name, new Float32Array(params[name].length)])),
    Object.fromEntries(names.map((name) => [name, new Float32Array(params[name].length)])));
}

function step(sw, hyper, params, grads, state) {
  checkParams(sw, params);
  checkGrads(sw, params, grads, state);
  // optimizer.py `_check_step_limit`: arguments the framework accepts but can step only so often
  const limit = hyper.stepLimit;
  if (limit && Object.keys(params).some((name) => grads[name] != null && state.step[name] >= limit.steps)) {
    throw fail(limit.error, limit.id, limit.values);
  }
  const newParams = {}, steps = {}, prev = {}, stepSize = {};
  for (const [name, param] of Object.entries(params)) {
    if (grads[name] == null) {  // torch: `p.grad is None` leaves the parameter and its state alone
      newParams[name] = param;
      [steps[name], prev[name], stepSize[name]] = [state.step[name], state.prev[name], state.stepSize[name]];
      continue;
    }
    steps[name] = state.step[name] + 1;
    [newParams[name], prev[name], stepSize[name]] = update(
      sw, hyper, name, param, grads[name], state.prev[name], state.stepSize[name], steps[name] === 1);
  }
  return [newParams, freezeState(steps, prev, stepSize)];
}

function freezeState(step, prev, stepSize) {
  return Object.freeze({step: Object.freeze(step), prev: Object.freeze(prev), stepSize: Object.freeze(stepSize)});
}

// The update of one parameter, for every convention: optimizer.py `_update`, then core.py
// `rprop_update`, element by element, each result rounded to float32.
function update(sw, hyper, name, param, grad, prev, stepSize, seed) {
  const decay = hyper.weightDecay !== 0 && !sw.weightDecayExempt.some((part) => name.includes(part));
  const weightDecay = f32(hyper.weightDecay), lr = f32(hyper.lr);
  const etaminus = f32(hyper.etaminus), etaplus = f32(hyper.etaplus);
  const stepMin = f32(hyper.stepMin), stepMax = f32(hyper.stepMax);
  // MindSpore's CPU kernels read and write subnormals as zero (precision.py `flush_subnormals`).
  const flush = sw.precision.startsWith("mindspore") ? flushSubnormal : unchanged;
  const n = param.length;
  const newParam = new Float32Array(n), newPrev = new Float32Array(n), newStepSize = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = param[i];
    let g = grad[i];
    if (decay) g = f32(f32(w * weightDecay) + g);  // MindSpore `_tensor_apply_decay`: g = w * wd + g
    if (hyper.maximize) g = -g;
    const product = flush(f32(flush(g) * flush(prev[i])));
    const factor = product > 0 ? etaplus : product < 0 ? etaminus : 1;
    // At a parameter's first update the step size is seeded with lr (prev is 0 there: factor 1).
    const size = flush(clip(flush(f32((seed ? lr : flush(stepSize[i])) * factor)), stepMin, stepMax));
    if (product < 0 && sw.zeroGradientOnSignFlip) g = 0;  // +0.0, as `_zero_where` clears the bits
    newParam[i] = flush(f32(flush(w) - f32(sign(flush(g)) * size)));
    newPrev[i] = g;
    newStepSize[i] = size;
  }
  return [newParam, newPrev, newStepSize];
}

const FLOAT32_TINY = 2 ** -126;  // the smallest normal float32
function flushSubnormal(x) { return Math.abs(x) < FLOAT32_TINY ? x * 0 : x; }  // keeps the zero's sign
function unchanged(x) { return x; }

// core.py `sign`: +0.0 for both zeros and for NaN (torch's CPU `sign`, MindSpore's `Sign`).
function sign(x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

// np.clip(x, lo, hi) as NumPy computes it: max(x, lo) then min(., hi), a NaN anywhere propagates,
// and an inverted range (lo > hi) gives hi.
function clip(x, lo, hi) {
  if (x === x) x = x > lo ? x : lo;
  if (x === x) x = x < hi ? x : hi;
  return x;
}

function checkParams(sw, params) {
  if (!isMapping(params)) {
    throw fail(TypeError, "params-not-object", {got: describe(params)});
  }
  const names = Object.keys(params);
  if (names.length === 0) throw fail(ValueError, "params-empty");
  for (const name of names) {
    const p = params[name];
    if (!ArrayBuffer.isView(p) || p instanceof DataView) {
      throw fail(TypeError, "param-not-array", {name, got: describe(p)});
    }
    if (sw.precision.startsWith("mindspore") && p.length === 0) {
      throw fail(ValueError, "param-empty-mindspore", {name});
    }
    if (!(p instanceof Float32Array)) {
      throw fail(TypeError, "param-not-float32", {name, type: p.constructor.name});
    }
  }
}

function checkGrads(sw, params, grads, state) {
  if (!isMapping(grads) || !sameKeys(grads, params)) {
    throw fail(ValueError, "grads-names");
  }
  if (!sameKeys(state.step, params)) throw fail(ValueError, "state-names");
  for (const [name, p] of Object.entries(params)) {
    const g = grads[name];
    if (g == null) {
      if (sw.sharedStepCounter) {
        throw fail(TypeError, "grad-null-shared", {name});
      }
      continue;
    }
    if (!(g instanceof Float32Array) || g.length !== p.length) {
      throw fail(ValueError, "grad-shape", {name, length: p.length});
    }
  }
}

function isMapping(x) { return x !== null && typeof x === "object" && !Array.isArray(x) && !ArrayBuffer.isView(x); }

function sameKeys(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key));
}

function describe(x) { return x === null ? "null" : Array.isArray(x) ? "an array" : x?.constructor?.name ?? typeof x; }

// --- keyword arguments (conventions.py) ---------------------------------------------------------
// Values are Python literal nodes ({type: "float" | "int" | "bool" | "str" | "none" | "tuple" |
// "list", value | items}); plain JS values are shorthand: number → float, boolean → bool,
// null → None, string → str, array → tuple. An `undefined` value means "not given".

const float = (value) => ({type: "float", value});
const int = (value) => ({type: "int", value});
const bool = (value) => ({type: "bool", value});
const tuple = (...items) => ({type: "tuple", items});
const NONE = {type: "none"};

const TORCH_DEFAULTS = {lr: float(1e-2), etas: tuple(float(0.5), float(1.2)), step_sizes: tuple(float(1e-6), int(50)),
                        capturable: bool(false), foreach: NONE, maximize: bool(false), differentiable: bool(false)};
const MINDSPORE_DEFAULTS = {learning_rate: float(0.1), etas: tuple(float(0.5), float(1.2)),
                            step_sizes: tuple(float(1e-6), float(50)), weight_decay: float(0)};
const EXPERIMENTAL_DEFAULTS = {lr: float(1e-2), etas: tuple(float(0.5), float(1.2)),
                               step_sizes: tuple(float(1e-6), int(50)), maximize: bool(false)};

const ARGUMENTS = {
  "torch": torchArguments,
  "mindspore": mindsporeArguments,
  "mindspore-experimental": mindsporeExperimentalArguments,
  "mindspore-doc": mindsporeArguments,
};

function hyperOf({lr, etaminus, etaplus, stepMin, stepMax, weightDecay = 0, maximize = false, stepLimit = null}) {
  return Object.freeze({lr, etaminus, etaplus, stepMin, stepMax, weightDecay, maximize, stepLimit});
}

// optimizer.py `StepLimit`: the framework builds the optimizer but fails at step `steps + 1`
// (with the error `error` and the message `id` of messages.js).
const stepLimit = (steps, error, id, values) => Object.freeze({steps, error, id, values});

// torch.optim.Rprop 2.x; capturable, foreach and differentiable change nothing on CPU.
function torchArguments(kwargs) {
  const fw = "torch.optim.Rprop";
  const a = bind(fw, TORCH_DEFAULTS, kwargs);
  const lr = scalarLr(a.lr, fw);
  if (!(lr >= 0)) throw fail(ValueError, "torch-lr", {fw, lr});
  const [etaminus, etaplus] = pair(a.etas, "etas", true);
  if (!(0 < etaminus && etaminus < 1 && 1 < etaplus)) {
    throw fail(ValueError, "torch-etas", {fw, etaminus, etaplus});
  }
  const [stepMin, stepMax] = pair(a.step_sizes, "step_sizes", true);
  // torch 2.13 `_single_tensor_rprop`: capturable=True asserts a CUDA-like device at the first step
  const limit = truthy(a.capturable) ? stepLimit(0, AssertionError, "torch-capturable", {fw}) : null;
  return hyperOf({lr, etaminus, etaplus, stepMin, stepMax, maximize: truthy(a.maximize), stepLimit: limit});
}

// mindspore.nn.Rprop 2.10: etas and step_sizes must be tuples of floats.
function mindsporeArguments(kwargs) {
  const fw = "mindspore.nn.Rprop";
  const a = bind(fw, MINDSPORE_DEFAULTS, kwargs);
  const [lr, limit] = mindsporeLearningRate(a.learning_rate, fw);
  const weightDecay = mindsporeWeightDecay(a.weight_decay, fw);
  for (const what of ["etas", "step_sizes"]) {
    if (a[what].type !== "tuple") throw fail(TypeError, "not-a-tuple", {fw, what, type: pyType(a[what])});
    const n = a[what].items.length;
    if (n !== 2) throw fail(ValueError, "tuple-length", {fw, what, count: n});
  }
  const [etaminus, etaplus] = a.etas.items, [low, high] = a.step_sizes.items;
  if (pyGreater(low, high, "step_sizes")) {
    throw fail(ValueError, "step-sizes-order", {fw, low: show(low), high: show(high)});
  }
  requireFloat(etaminus, "etaminus (etas[0])", fw);
  if (!(0 < etaminus.value && etaminus.value < 1)) {
    throw fail(ValueError, "eta-below-one", {fw, what: "etaminus (etas[0])", value: show(etaminus)});
  }
  requireFloat(etaplus, "etaplus (etas[1])", fw);
  if (!(etaplus.value > 1)) throw fail(ValueError, "eta-above-one", {fw, what: "etaplus (etas[1])", value: show(etaplus)});
  requireFloat(low, "step_sizes[0]", fw);
  requireFloat(high, "step_sizes[1]", fw);
  return hyperOf({lr, etaminus: etaminus.value, etaplus: etaplus.value, stepMin: low.value, stepMax: high.value,
                  weightDecay, stepLimit: limit});
}

// mindspore.experimental.optim.Rprop 2.10: torch's arguments, but lr > 0 and etas[0] a float;
// etas[1] is checked before etas[0].
function mindsporeExperimentalArguments(kwargs) {
  const fw = "mindspore.experimental.optim.Rprop";
  const a = bind(fw, EXPERIMENTAL_DEFAULTS, kwargs);
  const lr = scalarLr(a.lr, fw);
  if (!(lr > 0)) throw fail(ValueError, "lr-not-positive", {fw, lr});
  if (!Number.isFinite(lr)) throw fail(ValueError, "lr-not-finite", {fw, lr});
  const etaplus = index(a.etas, 1, "etas", fw);
  if (!isReal(etaplus)) throw fail(TypeError, "eta-not-number", {fw, what: "etas[1]", type: pyType(etaplus)});
  if (!(num(etaplus) > 1)) throw fail(ValueError, "eta-above-one", {fw, what: "etas[1]", value: show(etaplus)});
  const etaminus = index(a.etas, 0, "etas", fw);
  requireFloat(etaminus, "etas[0]", fw);
  if (!(0 < etaminus.value && etaminus.value < 1)) throw fail(ValueError, "eta-below-one", {fw, what: "etas[0]", value: show(etaminus)});
  const [em, ep] = pair(a.etas, "etas", true);
  const [stepMin, stepMax] = pair(a.step_sizes, "step_sizes", true);
  return hyperOf({lr, etaminus: em, etaplus: ep, stepMin, stepMax, maximize: truthy(a.maximize)});
}

// Python's keyword binding: an unknown keyword is a TypeError before any value is looked at.
function bind(fw, defaults, kwargs) {
  if (!isMapping(kwargs)) throw fail(TypeError, "keywords-not-object", {fw, got: describe(kwargs)});
  const args = {...defaults};
  for (const [key, value] of Object.entries(kwargs)) {
    if (!Object.hasOwn(defaults, key)) throw fail(TypeError, "unexpected-keyword", {fw, key});
    if (value !== undefined) args[key] = literal(value, key);
  }
  return args;
}

const SCALAR_TYPES = {float: "number", int: "number", bool: "boolean", str: "string"};

function literal(v, what) {
  if (typeof v === "number") return float(v);
  if (typeof v === "boolean") return bool(v);
  if (typeof v === "string") return {type: "str", value: v};
  if (v === null) return NONE;
  if (Array.isArray(v)) return {type: "tuple", items: v.map((x) => literal(x, what))};
  if (typeof v === "object") {
    if (v.type === "none") return NONE;
    if ((v.type === "tuple" || v.type === "list") && Array.isArray(v.items)) {
      return {type: v.type, items: v.items.map((x) => literal(x, what))};
    }
    if (Object.hasOwn(SCALAR_TYPES, v.type) && typeof v.value === SCALAR_TYPES[v.type]) return {type: v.type, value: v.value};
  }
  throw fail(TypeError, "not-a-literal", {what, kind: describe(v), json: JSON.stringify(v)});
}

const isReal = (n) => n.type === "float" || n.type === "int" || n.type === "bool";
const num = (n) => (n.type === "bool" ? Number(n.value) : n.value);
const isSequence = (n) => n.type === "tuple" || n.type === "list";
const pyType = (n) => (n.type === "none" ? "NoneType" : n.type);

function length(n) {
  if (isSequence(n)) return n.items.length;
  if (n.type === "str") return [...n.value].length;
  return undefined;  // int, float, bool, None have no len()
}

function truthy(n) {  // Python's bool()
  if (n.type === "none") return false;
  if (isReal(n)) return num(n) !== 0;
  return length(n) > 0;
}

function show(n) {  // roughly Python's repr, for messages
  switch (n.type) {
    case "float": return Number.isInteger(n.value) ? n.value.toFixed(1) : String(n.value);
    case "int": return String(n.value);
    case "bool": return n.value ? "True" : "False";
    case "none": return "None";
    case "str": return JSON.stringify(n.value);
    case "list": return `[${n.items.map(show).join(", ")}]`;
    default: return n.items.length === 1 ? `(${show(n.items[0])},)` : `(${n.items.map(show).join(", ")})`;
  }
}

// conventions.py `_torch_scalar_lr` (without the one-element-array case).
function scalarLr(n, fw) {
  if (!isReal(n)) throw fail(TypeError, "lr-not-real", {fw, type: pyType(n)});
  return num(n);
}

// conventions.py `_pair`: two real numbers from anything with a len().
function pair(n, what, torchLike) {
  const count = length(n);
  if (count === undefined) throw fail(TypeError, "pair-not-sized", {what, type: pyType(n)});
  if (n.type === "str") throw fail(TypeError, "pair-is-string", {what});
  if (count !== 2) {
    if (count < 2 && what === "etas" && torchLike) throw fail(IndexError, "etas-too-short", {what, count});
    throw fail(ValueError, "pair-length", {what, count});
  }
  for (const x of n.items) if (!isReal(x)) throw fail(TypeError, "pair-not-numbers", {what, type: pyType(x)});
  return n.items.map(num);
}

// conventions.py `_index`: values[i] with Python's exception types.
function index(n, i, what, fw) {
  const items = isSequence(n) ? n.items : n.type === "str" ? [...n.value].map((c) => ({type: "str", value: c})) : null;
  if (items === null) {
    throw fail(TypeError, "not-subscriptable", {fw, what, i, type: pyType(n)});
  }
  if (i >= items.length) throw fail(IndexError, "index-out-of-range", {fw, what, i});
  return items[i];
}

// conventions.py `_require_type` with float: a Python float, not an int or a bool.
function requireFloat(n, what, fw) {
  if (n.type !== "float") {
    throw fail(TypeError, "not-a-float", {fw, what, type: pyType(n), value: show(n)});
  }
}

// conventions.py `_mindspore_learning_rate`: [the step-1 learning rate, its step limit or null].
// A number is a constant; any iterable (a string too: "25" is the schedule [2.0, 5.0]) is a
// schedule of one value per step, gathered at the step counter: N values run N steps.
function mindsporeLearningRate(n, fw) {
  if (isReal(n)) {
    const value = num(n);
    if (!(Number.isFinite(value) && value >= 0)) throw fail(ValueError, "ms-lr-range", {fw, value});
    return [f32(value), null];
  }
  if (n.type === "none") throw fail(TypeError, "ms-lr-none", {fw});
  const items = n.type === "str" ? [...n.value].map((c) => ({type: "str", value: c})) : n.items;
  // np.array(list(schedule)).astype(float32): a ragged nesting or an unreadable string is a ValueError
  const nested = items.filter(isSequence);
  if (nested.length > 0) {
    const width = nested[0].items.length;
    if (nested.length !== items.length || nested.some((item) => item.items.length !== width)) {
      throw fail(ValueError, "ms-lr-ragged", {fw, schedule: show(n)});
    }
    return [NaN, stepLimit(0, ValueError, "ms-lr-2d", {fw})];
  }
  const values = items.map((item) => {
    const value = item.type === "none" ? NaN : item.type === "str" ? parsePythonFloat(item.value) : num(item);
    if (value === undefined) throw fail(ValueError, "ms-lr-not-numbers", {fw, item: show(item)});
    return value;
  });
  const count = values.length;
  return [count ? f32(values[0]) : NaN, stepLimit(count, RuntimeError, "ms-lr-schedule-end", {fw, next: count + 1})];
}

// Python's float(str) syntax: underscores between digits, inf/infinity/nan in any case.
const DIGITS = "\\d(?:_?\\d)*";
const PYTHON_FLOAT = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, "i");

function parsePythonFloat(text) {
  const s = text.trim();
  if (!PYTHON_FLOAT.test(s)) return undefined;
  const body = s.replace(/^[+-]/, "").toLowerCase(), negative = s.startsWith("-");
  if (body === "nan") return NaN;
  if (body.startsWith("inf")) return negative ? -Infinity : Infinity;
  return Number(s.replaceAll("_", ""));
}

// conventions.py `_mindspore_weight_decay` (kept unrounded, as in Python; the update rounds it).
function mindsporeWeightDecay(n, fw) {
  if (!isReal(n)) throw fail(TypeError, "ms-wd-type", {fw, type: pyType(n)});
  const value = num(n);
  if (!(value >= 0)) throw fail(ValueError, "ms-wd-range", {fw, value});
  return value;
}

// Python's `a > b` for literals (mindspore.nn.Rprop compares step_sizes[0] > step_sizes[1] before
// it checks their types): numbers with numbers, str with str, tuple with tuple, list with list;
// anything else is a TypeError.
function pyGreater(a, b, what) {
  if (isReal(a) && isReal(b)) return num(a) > num(b);
  if (a.type === "str" && b.type === "str") return a.value > b.value;
  if (isSequence(a) && a.type === b.type) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      if (!pyEqual(a.items[i], b.items[i])) return pyGreater(a.items[i], b.items[i], what);
    }
    return a.items.length > b.items.length;
  }
  throw fail(TypeError, "no-ordering", {what, a: pyType(a), b: pyType(b)});
}

function pyEqual(a, b) {
  if (isReal(a) && isReal(b)) return num(a) === num(b);
  if (a.type !== b.type) return false;
  if (a.type === "none") return true;
  if (a.type === "str") return a.value === b.value;
  return a.items.length === b.items.length && a.items.every((x, i) => pyEqual(x, b.items[i]));
}
