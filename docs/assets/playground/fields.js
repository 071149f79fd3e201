// The playground's settings (app.js): each field of the page with its default and its parser, each
// MindSpore optimizer's own defaults, and the presets and optimizer switch that rewrite fields.
// No DOM here, so that tests/js/fields.test.mjs can import it.

import { PROBLEMS } from "./simulate.js";
import { DIRECTIONS } from "./convert.js";

// A field's parser: its value from the text, or undefined; `.rule` says what it accepts (messages.js).
const rule = (parse, id, values) => Object.assign(parse, {rule: [id, values]});
const number = (lo, hi) => rule((text) => {
  const v = Number(text);
  return String(text).trim() !== "" && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
}, "rule-number", {lo, hi});
const integer = (lo, hi) => rule((text) => {
  const v = number(lo, hi)(text);
  return v !== undefined && Number.isInteger(v) ? v : undefined;
}, "rule-integer", {lo, hi});
// Two numbers as a reader types a Python pair: 0.5,1.2 or 0.5, 1.2 or (0.5, 1.2) or [0.5, 1.2]. The
// value is the pair without brackets or spaces ("0.5,1.2"), each number as typed: 50 and 50.0 are
// different Python values (mindspore.nn.Rprop rejects the int; simulate.js passes each as typed).
export const pair = rule((text) => {
  const inner = String(text).trim().replace(/^\((.*)\)$|^\[(.*)\]$/s, "$1$2");
  const parts = inner.split(",").map((part) => part.trim());
  return parts.length === 2 && parts.every((part) => number(-Infinity, Infinity)(part) !== undefined)
    ? parts.join(",") : undefined;
}, "rule-pair");
const oneOf = (...options) => rule((text) => (options.includes(text) ? text : undefined), "rule-option");
const maxLength = (max) => rule((text) => (text.length <= max ? text : undefined), "rule-length", {max});

export const EXPERIMENTAL = "mindspore-experimental";

// Each MindSpore optimizer's defaults in the page's fields (rprop.js MINDSPORE_DEFAULTS and
// EXPERIMENTAL_DEFAULTS: nn.Rprop's step sizes are floats, the experimental optimizer's upper one an
// int). The experimental optimizer has no weight_decay: its field is off, at 0.
const NN_DEFAULTS = {m_lr: 0.1, m_etas: "0.5,1.2", m_ss: "1e-6,50.0", m_wd: 0};
export const OPTIMIZER_DEFAULTS = Object.freeze({
  "mindspore": NN_DEFAULTS,
  "mindspore-doc": NN_DEFAULTS,
  [EXPERIMENTAL]: {m_lr: 0.01, m_etas: "0.5,1.2", m_ss: "1e-6,50", m_wd: 0},
});

export const FIELDS = {
  problem: ["linear-l1", oneOf(...Object.keys(PROBLEMS))],
  steps: [100, integer(1, 2000)],
  seed: [0, integer(0, 1_000_000)],
  t_lr: [0.01, number(0, 1e3)],
  t_etas: ["0.5,1.2", pair],
  t_ss: ["1e-6,50", pair],
  m_variant: ["mindspore", oneOf(...Object.keys(OPTIMIZER_DEFAULTS))],
  m_lr: [NN_DEFAULTS.m_lr, number(0, 1e3)],
  m_etas: [NN_DEFAULTS.m_etas, pair],
  m_ss: [NN_DEFAULTS.m_ss, pair],
  m_wd: [NN_DEFAULTS.m_wd, number(0, 1e3)],
  conv_dir: ["torch->mindspore", oneOf(...DIRECTIONS)],
  conv_src: ["torch.optim.Rprop(model.parameters())", maxLength(500)],
};
export const DEFAULTS = Object.fromEntries(Object.entries(FIELDS).map(([k, [v]]) => [k, v]));

const INTEGER = /^[+-]?\d+$/;
// A pair with each integer written as a float (50 → 50.0); any other text as it is.
const asFloats = (text) => pair(text)?.split(",").map((p) => (INTEGER.test(p) ? `${p}.0` : p)).join(",") ?? text;

// "Make them agree": a MindSpore optimizer that steps exactly like torch.optim.Rprop as the reader has
// set it: torch's lr, etas and step sizes (as floats: nn.Rprop takes tuples of floats), no weight
// decay (the mapping page's rows lr, etas, step-sizes and weight-decay).
export function agreeing(state, variant = "mindspore") {
  return {m_variant: variant, m_lr: state.t_lr, m_etas: asFloats(state.t_etas), m_ss: asFloats(state.t_ss), m_wd: 0};
}

// Each preset: the settings it keeps or sets, from the current ones; any other takes its default.
const torchOf = (state) => ({t_lr: state.t_lr, t_etas: state.t_etas, t_ss: state.t_ss});
export const PRESETS = {
  defaults: () => ({}),
  agree: (state) => ({...torchOf(state), ...agreeing(state)}),
  doc: (state) => ({...torchOf(state), ...agreeing(state, "mindspore-doc")}),
};

// A field's value for comparison: a pair item by item, with 50 and 50.0 apart; a number as a number.
function canonical(value) {
  const items = pair(value);
  if (items !== undefined) return items.split(",").map((p) => `${Number(p)}${INTEGER.test(p) ? "" : "f"}`).join(",");
  const text = String(value).trim();
  return text !== "" && Number.isFinite(Number(text)) ? String(Number(text)) : text;
}
export const same = (a, b) => canonical(a) === canonical(b);

/**
 * The MindSpore fields after the reader picks the optimizer `to` instead of `from`: a field still at
 * `from`'s default takes `to`'s; a value the reader set is kept, except weight_decay for the
 * experimental optimizer, which has none. Returns `{values, set, kept, weightDecayOff}`: the new
 * values (with m_variant), the fields that took a new default, the fields kept at a value that is not
 * `to`'s default, and whether a weight decay above 0 was turned off.
 */
export function switchOptimizer(state, from, to) {
  const values = {m_variant: to}, set = [], kept = [];
  let weightDecayOff = false;
  for (const [key, value] of Object.entries(OPTIMIZER_DEFAULTS[to])) {
    const off = key === "m_wd" && to === EXPERIMENTAL;  // no weight_decay: the field is off, at 0
    if (off || same(state[key], OPTIMIZER_DEFAULTS[from]?.[key])) {
      values[key] = value;
      if (off) weightDecayOff = !same(state[key], 0);
      else if (!same(state[key], value)) set.push(key);
    } else {
      values[key] = state[key];
      if (!same(state[key], value)) kept.push(key);
    }
  }
  return {values, set, kept, weightDecayOff};
}

/** A MindSpore field as the keyword argument of `variant`'s constructor: `lr=0.01`, `etas=(0.5, 1.2)`. */
export function argument(variant, key, value) {
  const name = {m_lr: variant === EXPERIMENTAL ? "lr" : "learning_rate", m_etas: "etas", m_ss: "step_sizes",
                m_wd: "weight_decay"}[key];
  const items = pair(value);
  return `${name}=${items === undefined ? String(value).trim() : `(${items.split(",").join(", ")})`}`;
}
