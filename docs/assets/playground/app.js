// The Rprop playground: both conventions of the engine (rprop.js, a float32 port of
// scripts/rprop_ref) on the same problem, live; a converter between constructor calls. The whole
// state lives in the URL query string so that a configuration can be shared and cited.
// The page imports this module once the window has loaded, so that the page paints before 60 KB of
// playground code is fetched and run (Lighthouse's first paint on a slow phone, issue 6).

import { median, PROBLEMS, simulate, simulation } from "./simulate.js";
import { convert, DIRECTIONS } from "./convert.js";
import { contourPlot, linePlot } from "./plot.js";
import { say } from "./messages.js";

const LANGUAGE = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
const t = (id, values) => say(id, LANGUAGE, values);

// --- state: defaults, validation, presets, URL --------------------------------------------------

// A field's parser: its value from the text, or undefined; `.rule` says what it accepts (messages.js).
const rule = (parse, id, values) => Object.assign(parse, {rule: [id, values]});
const number = (lo, hi) => rule((text) => {
  const v = Number(text);
  return text !== "" && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
}, "rule-number", {lo, hi});
const integer = (lo, hi) => rule((text) => {
  const v = number(lo, hi)(text);
  return v !== undefined && Number.isInteger(v) ? v : undefined;
}, "rule-integer", {lo, hi});
const pair = rule((text) => {
  const parts = String(text).split(",").map((p) => number(-Infinity, Infinity)(p.trim()));
  return parts.length === 2 && parts.every((p) => p !== undefined) ? String(text).replace(/\s+/g, "") : undefined;
}, "rule-pair");
const oneOf = (...options) => rule((text) => (options.includes(text) ? text : undefined), "rule-option");
const maxLength = (max) => rule((text) => (text.length <= max ? text : undefined), "rule-length", {max});

const FIELDS = {
  problem: ["linear-l1", oneOf(...Object.keys(PROBLEMS))],
  steps: [100, integer(1, 2000)],
  seed: [0, integer(0, 1_000_000)],
  t_lr: [0.01, number(0, 1e3)],
  t_etas: ["0.5,1.2", pair],
  t_ss: ["1e-6,50", pair],
  m_variant: ["mindspore", oneOf("mindspore", "mindspore-doc", "mindspore-experimental")],
  m_lr: [0.1, number(0, 1e3)],
  m_etas: ["0.5,1.2", pair],
  m_ss: ["1e-6,50", pair],
  m_wd: [0, number(0, 1e3)],
  conv_dir: ["torch->mindspore", oneOf(...DIRECTIONS)],
  conv_src: ["torch.optim.Rprop(model.parameters())", maxLength(500)],
};
const DEFAULTS = Object.fromEntries(Object.entries(FIELDS).map(([k, [v]]) => [k, v]));
export const PRESETS = {
  defaults: {},
  agree: {m_variant: "mindspore", m_lr: 0.01, m_wd: 0},
  doc: {m_variant: "mindspore-doc", m_lr: 0.01, m_wd: 0},
};

// A field as the reader knows it: its label on the page, with the framework for the two sides.
function fieldName(key) {
  const label = document.querySelector(`label[for="pg-${key}"]`)?.textContent.trim() ?? key;
  const side = {t: "PyTorch", m: "MindSpore"}[key.split("_")[0]];
  return side && key !== "m_variant" ? t("field-of-side", {side, label}) : label;
}

const ruleOf = (key) => t(FIELDS[key][1].rule[0], FIELDS[key][1].rule[1]);

function stateFromUrl(messages) {
  const state = {...DEFAULTS}, query = new URLSearchParams(location.search);
  if (query.has("preset") && PRESETS[query.get("preset")]) Object.assign(state, PRESETS[query.get("preset")]);
  else if (query.has("preset")) messages.push(t("url-invalid-preset", {value: query.get("preset")}));
  for (const [key, [, parse]] of Object.entries(FIELDS)) {
    if (!query.has(key)) continue;
    const value = parse(query.get(key));
    if (value === undefined) {
      const option = $(`pg-${key}`)?.querySelector?.(`option[value="${state[key]}"]`);  // a select shows its option
      messages.push(t("url-invalid", {field: fieldName(key), value: query.get(key), rule: ruleOf(key),
                                      default: option ? option.textContent : state[key]}));
    } else state[key] = value;
  }
  return state;
}

function writeUrl(state) {
  const query = new URLSearchParams();
  for (const key of Object.keys(FIELDS)) if (String(state[key]) !== String(DEFAULTS[key])) query.set(key, state[key]);
  const search = query.toString();
  history.replaceState(null, "", search ? `?${search}${location.hash}` : location.pathname + location.hash);
}

// --- the page ---------------------------------------------------------------------------------------

function $(id) { return document.getElementById(id); }

function readControls() {
  const state = {};
  for (const key of Object.keys(FIELDS)) {
    const input = $(`pg-${key}`);
    if (input) state[key] = input.value;
  }
  return state;
}

function showControls(state) {
  for (const [key, value] of Object.entries(state)) {
    const input = $(`pg-${key}`);
    if (input && input.value !== String(value)) input.value = value;
  }
  for (const side of ["t", "m"]) {
    const slider = $(`pg-${side}_lr_log`);
    if (slider) slider.value = Math.log10(Math.max(Number(state[`${side}_lr`]), 1e-6)).toFixed(2);
  }
  $("pg-m_wd").disabled = state.m_variant === "mindspore-experimental";
}

function validated(raw, messages) {
  const state = {...DEFAULTS};
  for (const [key, [, parse]] of Object.entries(FIELDS)) {
    if (raw[key] === undefined) continue;
    const value = parse(String(raw[key]));
    if (value === undefined) messages.push(t("input-invalid", {field: fieldName(key), value: raw[key], rule: ruleOf(key)}));
    else state[key] = value;
  }
  return state;
}

// The control of each keyword argument of the engine, per side ("t" or "m").
const CONTROLS = {lr: "lr", learning_rate: "lr", etas: "etas", step_sizes: "ss", weight_decay: "wd"};

// Both runs, or null (with a message naming the control) when an optimizer rejects the settings.
function run(state, messages) {
  try {
    return simulate(state);
  } catch (error) {
    return rejected(error, messages);
  }
}

// The same in tasks of about `slice` ms each, yielding to the page in between (the first run, while
// the page loads: no single task holds up a slow phone — Lighthouse's total blocking time, issue 14).
async function runInSlices(state, messages, slice = 4) {
  try {
    const runs = simulation(state);
    for (let begin = performance.now(); ;) {
      const next = runs.next();
      if (next.done) return next.value;
      if (performance.now() - begin > slice) { await nextTask(); begin = performance.now(); }
    }
  } catch (error) {
    return rejected(error, messages);
  }
}

function rejected(error, messages) {
  const side = error.side ?? "t", reason = error.id ? t(error.id, error.values) : error.message;
  const argument = Object.keys(CONTROLS).find((name) => new RegExp(`\\b${name}\\b`).test(error.message));
  const field = argument ? fieldName(`${side}_${CONTROLS[argument]}`) : {t: "PyTorch", m: "MindSpore"}[side];
  messages.push(t("rejected", {field, reason: reason.replace(/[.。]$/, "")}));
  return null;
}

const PLOTS = ["pg-loss", "pg-step-size", "pg-trajectories"];
let drawn = null;  // the state and result on screen, redrawn when the column changes width

// The messages; the plots and the readout of `result`, or none when a setting was rejected (a
// result of earlier settings would be read as the result of these).
function render(state, messages, result, drawPlots = draw) {
  const box = $("pg-messages");
  box.replaceChildren(...messages.map((m) => Object.assign(document.createElement("p"), {textContent: m})));
  box.hidden = messages.length === 0;
  drawn = result ? {state, result} : null;
  const readout = $("pg-readout");
  readout.classList.toggle("pg-stale", !result);
  for (const id of PLOTS) $(id).parentElement.hidden = !result || (id === "pg-trajectories" && state.problem !== "rosenbrock");
  $("pg-root").querySelector(".pg-legend").hidden = !result;
  if (!result) {
    for (const id of PLOTS) $(id).replaceChildren();
    readout.textContent = t("no-result");
    return;
  }
  drawPlots(state, result);
  readout.textContent = `${result.parted === null ? t("never-parted") : t("parted", {step: result.parted})} `
    + t("max-difference", {value: result.maxLossDifference.toPrecision(3)});
}

const draw = (state, result) => { for (const plot of plots(state, result)) plot(); };

// The plots of `result`, one function each.
function plots(state, result) {
  const { runs } = result, log = state.problem === "rosenbrock";
  return [() => linePlot($("pg-loss"), [
    {label: "PyTorch", values: runs.torch.loss, className: "torch"},
    {label: "MindSpore", values: runs.mindspore.loss, className: "mindspore"},
  ], {log, xLabel: t("axis-step"), yLabel: t("axis-loss"), marker: result.parted}),
  () => linePlot($("pg-step-size"), [
    {label: "PyTorch", values: runs.torch.stepSize, className: "torch"},
    {label: "MindSpore", values: runs.mindspore.stepSize, className: "mindspore"},
  ], {log: true, xLabel: t("axis-step"), yLabel: t("axis-step-size"), marker: result.parted}),
  ...(state.problem !== "rosenbrock" ? [] : [
    () => contourPlot($("pg-trajectories"), (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-2, 2, -1, 3],
      [0.3, 1, 3, 10, 30, 100, 300, 1000], [
        {label: "PyTorch", points: runs.torch.path, className: "torch"},
        {label: "MindSpore", points: runs.mindspore.path, className: "mindspore"},
      ])])];
}

// The converter's texts are Markdown with `code` spans (which may quote the reader's input): built
// as text nodes and <code> elements, never parsed as HTML. An unpaired backtick stays as it is.
function inlineMarkdown(text) {
  const parts = text.split("`");
  if (parts.length % 2 === 0) { const last = parts.pop(); parts.push(`${parts.pop()}\`${last}`); }  // unpaired
  return parts.map((part, i) => (i % 2 ? Object.assign(document.createElement("code"), {textContent: part})
                                        : document.createTextNode(part)));
}

function renderConverter(state) {
  const result = convert(state.conv_dir, state.conv_src);
  const out = $("pg-conv-code"), notes = $("pg-conv-notes"), verdict = $("pg-conv-verdict");
  if (!result.ok) {
    out.textContent = "";
    verdict.replaceChildren(...inlineMarkdown(result.error[LANGUAGE]));
    verdict.className = "pg-error";
    notes.replaceChildren();
    return;
  }
  out.textContent = result.code;
  verdict.textContent = t({identical: "identical", different: "not-identical", "cannot-tell": "cannot-tell"}[result.verdict]);
  verdict.className = result.verdict === "identical" ? "pg-ok" : "pg-warn";
  notes.replaceChildren(...result.caveats.map((c) => {
    const item = document.createElement("li");
    item.append(...inlineMarkdown(c[LANGUAGE]));
    if (c.row) {
      const link = Object.assign(document.createElement("a"), {href: `../rprop/#row-${c.row}`, textContent: " ↗"});
      link.setAttribute("aria-label", t("mapping-row"));
      item.append(link);
    }
    return item;
  }));
}

// The settings in the controls, validated, and mirrored in the URL.
function settle(messages) {
  const state = validated(readControls(), messages);
  writeUrl(state);
  $("pg-m_wd").disabled = state.m_variant === "mindspore-experimental";
  return state;
}

// The runs of `state`, unless a control holds a value that settle() rejected (after `before` messages).
const runUnlessRejected = (state, messages, before) => (messages.length > before ? null : run(state, messages));

let updates = 0;  // how many times update() has run: the first drawing stops when a reader acts

function update(messages = []) {
  updates++;
  const state = settle(messages);
  render(state, messages, runUnlessRejected(state, messages, 0));
  renderConverter(state);
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function start() {
  const root = $("pg-root");
  if (!root) return;
  const messages = [];
  const state = stateFromUrl(messages);
  showControls(state);
  for (const side of ["t", "m"]) {
    $(`pg-${side}_lr_log`).addEventListener("input", (event) => {
      $(`pg-${side}_lr`).value = String(+(10 ** Number(event.target.value)).toPrecision(3));
      update();
    });
  }
  for (const area of [root, $("pg-converter")]) {
    area.addEventListener("input", (event) => {
      if (!event.target.id.endsWith("_lr_log")) update();
    });
    area.addEventListener("change", () => update());
  }
  for (const [name, preset] of Object.entries(PRESETS)) {
    $(`pg-preset-${name}`).addEventListener("click", () => {
      const keep = {problem: $("pg-problem").value, steps: $("pg-steps").value, seed: $("pg-seed").value};
      showControls({...DEFAULTS, ...keep, ...preset, conv_dir: $("pg-conv_dir").value, conv_src: $("pg-conv_src").value});
      update();
    });
  }
  $("pg-reset").addEventListener("click", () => { showControls(DEFAULTS); update(); });
  // The first drawing is split into tasks of its own (slices of the runs, each plot, the converter),
  // so that no single task holds up the page while it loads (Lighthouse's total blocking time,
  // issues 6 and 14); later updates run in one go. A reader's input meanwhile draws everything.
  await nextTask();
  const before = messages.length, first = settle(messages);
  const result = messages.length > before ? null : await runInSlices(first, messages);
  for (const drawing of [() => render(first, messages, result, () => {}),
                         ...(result ? plots(first, result) : []), () => renderConverter(first)]) {
    if (updates > 0) break;
    drawing();
    await nextTask();
  }
  root.dataset.ready = "true";
  // The plots are drawn at the column's width in pixels (plot.js): draw them again when it changes.
  let width = root.clientWidth;
  new ResizeObserver(() => requestAnimationFrame(() => {  // next frame: no resize loop within this one
    if (root.clientWidth === width) return;
    width = root.clientWidth;
    if (drawn) draw(drawn.state, drawn.result);
  })).observe(root);
}

// For scripts/bench_playground.py: the median time of one recompute + redraw, in milliseconds.
window.rpropPlayground = {
  benchmark(steps = 500, repeats = 30) {
    $("pg-steps").value = String(steps);
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const begin = performance.now();
      update();
      times.push(performance.now() - begin);
    }
    return median([Float64Array.from(times)]);
  },
};

start();
