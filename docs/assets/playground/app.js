// The Rprop playground: both conventions of the engine (rprop.js, a float32 port of
// scripts/rprop_ref) on the same problem, live; a converter between constructor calls. The whole
// state lives in the URL query string so that a configuration can be shared and cited.
// The page imports this module once the window has loaded, so that the page paints before 60 KB of
// playground code is fetched and run (Lighthouse's first paint on a slow phone, issue 6).

import { make } from "./rprop.js";
import { linearL1, rosenbrock } from "./problems.js";
import { convert, DIRECTIONS } from "./convert.js";
import { contourPlot, linePlot } from "./plot.js";

const PROBLEMS = {"linear-l1": linearL1, rosenbrock};
const ZH = document.documentElement.lang.startsWith("zh");
const TEXT = ZH ? {
  badUrl: (key, value) => `网址中的参数 ${key}=${value} 无效，已改用默认值。`,
  badInput: (what, why) => `${what}的设置无效：${why}`,
  torch: "PyTorch", mindspore: "MindSpore",
  parted: (step) => `两边在第 ${step} 步首次出现差异。`,
  never: "在所有步数内两边的参数逐位一致。",
  maxDiff: (v) => `损失的最大差值：${v}。`,
  identical: "逐位一致：两个优化器在相同的梯度下每一步都给出相同的参数。",
  notIdentical: "不完全一致：见下方说明。",
  noResult: "设置被拒绝，因此没有结果：请按上方提示修改。",
  stepLabel: "步数 t", lossLabel: "损失", stepSizeLabel: "步长 Δ（中位数）",
} : {
  badUrl: (key, value) => `The URL parameter ${key}=${value} is not valid; the default is used instead.`,
  badInput: (what, why) => `Invalid ${what} settings: ${why}`,
  torch: "PyTorch", mindspore: "MindSpore",
  parted: (step) => `The two first differ at step ${step}.`,
  never: "The parameters are bit-identical at every step.",
  maxDiff: (v) => `Largest loss difference: ${v}.`,
  identical: "Identical: given the same gradients, both optimizers produce the same parameters at every step.",
  notIdentical: "Not identical: see the notes below.",
  noResult: "No result: a setting was rejected (see above).",
  stepLabel: "step t", lossLabel: "loss", stepSizeLabel: "step size Δ (median)",
};

// --- state: defaults, validation, presets, URL --------------------------------------------------

const number = (lo, hi) => (text) => {
  const v = Number(text);
  return text !== "" && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
};
const integer = (lo, hi) => (text) => {
  const v = number(lo, hi)(text);
  return v !== undefined && Number.isInteger(v) ? v : undefined;
};
const pair = (text) => {
  const parts = String(text).split(",").map((p) => number(-Infinity, Infinity)(p.trim()));
  return parts.length === 2 && parts.every((p) => p !== undefined) ? String(text).replace(/\s+/g, "") : undefined;
};
const oneOf = (...options) => (text) => (options.includes(text) ? text : undefined);

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
  conv_src: ["torch.optim.Rprop(model.parameters())", (text) => (text.length <= 500 ? text : undefined)],
};
const DEFAULTS = Object.fromEntries(Object.entries(FIELDS).map(([k, [v]]) => [k, v]));
export const PRESETS = {
  defaults: {},
  agree: {m_variant: "mindspore", m_lr: 0.01, m_wd: 0},
  doc: {m_variant: "mindspore-doc", m_lr: 0.01, m_wd: 0},
};

function stateFromUrl(messages) {
  const state = {...DEFAULTS}, query = new URLSearchParams(location.search);
  if (query.has("preset") && PRESETS[query.get("preset")]) Object.assign(state, PRESETS[query.get("preset")]);
  else if (query.has("preset")) messages.push(TEXT.badUrl("preset", query.get("preset")));
  for (const [key, [, parse]] of Object.entries(FIELDS)) {
    if (!query.has(key)) continue;
    const value = parse(query.get(key));
    if (value === undefined) messages.push(TEXT.badUrl(key, query.get(key)));
    else state[key] = value;
  }
  return state;
}

function writeUrl(state) {
  const query = new URLSearchParams();
  for (const key of Object.keys(FIELDS)) if (String(state[key]) !== String(DEFAULTS[key])) query.set(key, state[key]);
  const search = query.toString();
  history.replaceState(null, "", search ? `?${search}${location.hash}` : location.pathname + location.hash);
}

// --- running the two conventions -----------------------------------------------------------------

const float = (v) => ({type: "float", value: Number(v)});
const floatPair = (text) => ({type: "tuple", items: text.split(",").map(float)});

function optimizers(state) {
  const torch = make("torch", {lr: float(state.t_lr), etas: floatPair(state.t_etas), step_sizes: floatPair(state.t_ss)});
  const variant = state.m_variant;
  const kwargs = variant === "mindspore-experimental"
    ? {lr: float(state.m_lr), etas: floatPair(state.m_etas), step_sizes: floatPair(state.m_ss)}
    : {learning_rate: float(state.m_lr), etas: floatPair(state.m_etas), step_sizes: floatPair(state.m_ss),
       weight_decay: float(state.m_wd)};
  if (variant === "mindspore-experimental" && state.m_wd > 0) {
    throw Object.assign(new Error("mindspore.experimental.optim.Rprop has no weight_decay"), {side: TEXT.mindspore});
  }
  let mindspore;
  try { mindspore = make(variant, kwargs); } catch (error) { error.side = TEXT.mindspore; throw error; }
  return {torch, mindspore};
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function initialParams(problem, seed) {
  const params = problem.init();
  if (seed === 0) return params;
  const random = mulberry32(seed);  // seed > 0: the same starting point, shifted reproducibly
  return Object.fromEntries(Object.entries(params).map(([name, p]) =>
    [name, Float32Array.from(p, (v) => Math.fround(v + (random() - 0.5)))]));
}

function median(arrays) {  // of all elements of several typed arrays
  let n = 0;
  for (const a of arrays) n += a.length;
  const sorted = new Float64Array(n);
  let k = 0;
  for (const a of arrays) { sorted.set(a, k); k += a.length; }
  sorted.sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sameBits(a, b) {
  for (const name of Object.keys(a)) {
    const x = a[name], y = b[name];
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  }
  return true;
}

export function simulate(state) {
  const problem = PROBLEMS[state.problem], opts = optimizers(state), sides = Object.keys(opts);
  const current = {}, runs = {};
  for (const side of sides) {
    const params = initialParams(problem, state.seed);
    current[side] = {params, optState: opts[side].init(params)};
    runs[side] = {loss: [], stepSize: [NaN], path: []};
  }
  let parted = null;
  for (let t = 0; t <= state.steps; t++) {
    if (parted === null && !sameBits(current.torch.params, current.mindspore.params)) parted = t;
    for (const side of sides) {
      const run = runs[side], now = current[side];
      const [loss, grads] = problem.lossAndGrads(now.params);
      run.loss.push(loss);
      if (state.problem === "rosenbrock") run.path.push([now.params.xy[0], now.params.xy[1]]);
      if (t === state.steps) continue;
      [now.params, now.optState] = opts[side].step(now.params, grads, now.optState);
      run.stepSize.push(median(Object.values(now.optState.stepSize)));
    }
  }
  let maxLossDifference = 0;
  runs.torch.loss.forEach((l, t) => { maxLossDifference = Math.max(maxLossDifference, Math.abs(l - runs.mindspore.loss[t])); });
  return {runs, parted, maxLossDifference};
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
    if (value === undefined) messages.push(TEXT.badInput(key, String(raw[key])));
    else state[key] = value;
  }
  return state;
}

// Both runs, or null (with a message) when an optimizer rejects the settings.
function run(state, messages) {
  try {
    return simulate(state);
  } catch (error) {
    messages.push(TEXT.badInput(error.side || TEXT.torch, error.message));
    return null;
  }
}

const PLOTS = ["pg-loss", "pg-step-size", "pg-trajectories"];
let drawn = null;  // the state and result on screen, redrawn when the column changes width

// The messages; the plots and the readout of `result`, or none when a setting was rejected (a
// result of earlier settings would be read as the result of these).
function render(state, messages, result) {
  const box = $("pg-messages");
  box.replaceChildren(...messages.map((m) => Object.assign(document.createElement("p"), {textContent: m})));
  box.hidden = messages.length === 0;
  drawn = result ? {state, result} : null;
  const readout = $("pg-readout");
  readout.classList.toggle("pg-stale", !result);
  $("pg-trajectories").parentElement.hidden = !result || state.problem !== "rosenbrock";
  if (!result) {
    for (const id of PLOTS) $(id).replaceChildren();
    readout.textContent = TEXT.noResult;
    return;
  }
  draw(state, result);
  readout.textContent = `${result.parted === null ? TEXT.never : TEXT.parted(result.parted)} `
    + TEXT.maxDiff(result.maxLossDifference.toPrecision(3));
}

function draw(state, result) {
  const { runs } = result, log = state.problem === "rosenbrock";
  linePlot($("pg-loss"), [
    {label: "PyTorch", values: runs.torch.loss, className: "torch"},
    {label: "MindSpore", values: runs.mindspore.loss, className: "mindspore"},
  ], {log, xLabel: TEXT.stepLabel, yLabel: TEXT.lossLabel, marker: result.parted});
  linePlot($("pg-step-size"), [
    {label: "PyTorch", values: runs.torch.stepSize, className: "torch"},
    {label: "MindSpore", values: runs.mindspore.stepSize, className: "mindspore"},
  ], {log: true, xLabel: TEXT.stepLabel, yLabel: TEXT.stepSizeLabel, marker: result.parted});
  if (state.problem === "rosenbrock") {
    contourPlot($("pg-trajectories"), (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-2, 2, -1, 3],
      [0.3, 1, 3, 10, 30, 100, 300, 1000], [
        {label: "PyTorch", points: runs.torch.path, className: "torch"},
        {label: "MindSpore", points: runs.mindspore.path, className: "mindspore"},
      ]);
  }
}

function renderConverter(state) {
  const result = convert(state.conv_dir, state.conv_src);
  const out = $("pg-conv-code"), notes = $("pg-conv-notes"), verdict = $("pg-conv-verdict");
  if (!result.ok) {
    out.textContent = "";
    verdict.textContent = ZH ? result.error.zh : result.error.en;
    verdict.className = "pg-error";
    notes.replaceChildren();
    return;
  }
  out.textContent = result.code;
  verdict.textContent = result.identical ? TEXT.identical : TEXT.notIdentical;
  verdict.className = result.identical ? "pg-ok" : "pg-warn";
  notes.replaceChildren(...result.caveats.map((c) => {
    const item = document.createElement("li");
    item.textContent = ZH ? c.zh : c.en;
    if (c.row) {
      const link = Object.assign(document.createElement("a"), {href: `../rprop/#row-${c.row}`, textContent: " ↗"});
      link.setAttribute("aria-label", ZH ? "对照表中的相应行" : "the matching row of the mapping table");
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

function update(messages = []) {
  const state = settle(messages);
  render(state, messages, run(state, messages));
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
  // The first drawing is split into tasks of its own (the runs, the plots, the converter), so that
  // no single task holds up the page while it loads (Lighthouse's total blocking time, issue 6);
  // later updates run in one go.
  await nextTask();
  const first = settle(messages), result = run(first, messages);
  await nextTask();
  render(first, messages, result);
  await nextTask();
  renderConverter(first);
  root.dataset.ready = "true";
  // The plots are drawn at the column's width in pixels (plot.js): draw them again when it changes.
  let width = root.clientWidth;
  new ResizeObserver(() => {
    if (root.clientWidth === width) return;
    width = root.clientWidth;
    if (drawn) draw(drawn.state, drawn.result);
  }).observe(root);
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
