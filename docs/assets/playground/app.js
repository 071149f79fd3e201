// The Rprop playground: both conventions of the engine (rprop.js, a float32 port of
// scripts/rprop_ref) on the same problem, live; a converter between constructor calls. The whole
// state lives in the URL query string so that a configuration can be shared and cited.
// The page imports this module once the window has loaded, so that the page paints before 60 KB of
// playground code is fetched and run (Lighthouse's first paint on a slow phone, issue 6).

import { median, simulate, simulation } from "./simulate.js";
import { convert } from "./convert.js";
import { argument, DEFAULTS, EXPERIMENTAL, FIELDS, PRESETS, switchOptimizer } from "./fields.js";
import { contourPlot, linePlot } from "./plot.js";
import { say } from "./messages.js";
import { codeNodes, inlineMarkdown } from "./render.js";

const LANGUAGE = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
const t = (id, values) => say(id, LANGUAGE, values);
const GAP = LANGUAGE === "zh" ? "" : " ";  // between two sentences: none after a Chinese full stop

// --- state: validation, URL (the fields, their defaults and the presets: fields.js) -----------------

// A field as the reader knows it: its label on the page, with the framework for the two sides.
function fieldName(key) {
  const label = (document.querySelector(`label[for="pg-${key}"]`) ?? $(`pg-${key}`)?.querySelector("legend"))
    ?.textContent.trim() ?? key;
  const side = {t: "PyTorch", m: "MindSpore"}[key.split("_")[0]];
  return side && key !== "m_variant" ? t("field-of-side", {side, label}) : label;
}

const ruleOf = (key) => t(FIELDS[key][1].rule[0], FIELDS[key][1].rule[1]);

function stateFromUrl(messages) {
  const given = {}, invalid = [], query = new URLSearchParams(location.search), preset = query.get("preset");
  for (const [key, [, parse]] of Object.entries(FIELDS)) {
    if (!query.has(key)) continue;
    const value = parse(query.get(key));
    if (value === undefined) invalid.push(key);
    else given[key] = value;
  }
  if (preset !== null && !Object.hasOwn(PRESETS, preset)) messages.push(t("url-invalid-preset", {value: preset}));
  const state = {...DEFAULTS, ...(Object.hasOwn(PRESETS, preset) ? PRESETS[preset]({...DEFAULTS, ...given}) : {}), ...given};
  for (const key of invalid) {
    // a list or a radio button shows its option's name
    const option = $(`pg-${key}`)?.querySelector(`option[value="${state[key]}"], input[value="${state[key]}"]`);
    messages.push(t("url-invalid", {field: fieldName(key), value: query.get(key), rule: ruleOf(key),
                                    default: option ? (option.labels?.[0] ?? option).textContent.trim() : state[key]}));
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

// A group of radio buttons (a fieldset, such as the converter's direction) holds the checked one's value.
const radios = (control) => (control.tagName === "FIELDSET" ? [...control.querySelectorAll("input[type=radio]")] : null);

function readControls() {
  const state = {};
  for (const key of Object.keys(FIELDS)) {
    const input = $(`pg-${key}`);
    if (input) state[key] = radios(input)?.find((radio) => radio.checked)?.value ?? input.value;
  }
  return state;
}

function showControls(state) {
  for (const [key, value] of Object.entries(state)) {
    const input = $(`pg-${key}`);
    if (input && radios(input)) for (const radio of radios(input)) radio.checked = radio.value === String(value);
    else if (input && input.value !== String(value)) input.value = value;
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
    if (value !== undefined) { state[key] = value; continue; }
    // A number field holding what is not a number has the value "" (HTML's badInput): nothing to quote.
    const id = String(raw[key]).trim() !== "" ? "input-invalid"
      : $(`pg-${key}`)?.validity?.badInput ? "input-not-a-number" : "input-empty";
    flag(messages, key, t(id, {field: fieldName(key), value: raw[key], rule: ruleOf(key)}));
  }
  return state;
}

// A message about one field: in the message box, and next to the field, which is marked invalid.
function flag(messages, key, text) {
  messages.push(text);
  (messages.fields ??= new Map()).set(key, text);
}

// Each field a message is about: aria-invalid (playground.css marks it) and described by its message,
// placed right after it, where a reader on a phone is typing; a new one out of view is scrolled to.
function markFields(fields, reveal) {
  for (const key of Object.keys(FIELDS)) {
    const input = $(`pg-${key}`), id = `pg-${key}-error`;
    let note = $(id);
    if (!input) continue;
    if (!fields.has(key)) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      note?.remove();
      continue;
    }
    const added = !note;
    if (added) input.after(note = Object.assign(document.createElement("p"), {id, className: "pg-field-error"}));
    note.textContent = fields.get(key);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    const box = note.getBoundingClientRect();
    if (reveal && added && (box.top < 0 || box.bottom > innerHeight)) note.scrollIntoView({block: "nearest"});
  }
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
  const key = argument && `${side}_${CONTROLS[argument]}`;
  const text = t("rejected", {field: key ? fieldName(key) : {t: "PyTorch", m: "MindSpore"}[side],
                              reason: reason.replace(/[.。]$/, "")});
  if (key) flag(messages, key, text);
  else messages.push(text);
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
  markFields(messages.fields ?? new Map(), updates > 0);
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
  readout.textContent = (result.parted === null ? t("never-parted") : t("parted", {step: result.parted}))
    + GAP + t("max-difference", {value: result.maxLossDifference.toPrecision(3)});
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

function renderConverter(state) {
  const result = convert(state.conv_dir, state.conv_src);
  const out = $("pg-conv-code"), notes = $("pg-conv-notes"), verdict = $("pg-conv-verdict");
  if (!result.ok) {
    out.replaceChildren();
    verdict.replaceChildren(...inlineMarkdown(result.error[LANGUAGE]));
    verdict.className = "pg-error";
    notes.replaceChildren();
    return;
  }
  out.replaceChildren(...codeNodes(result.code));
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
  settledOptimizer = state.m_variant;
  writeUrl(state);
  $("pg-m_wd").disabled = state.m_variant === "mindspore-experimental";
  return state;
}

// The runs of `state`, unless a control holds a value that settle() rejected (after `before` messages).
const runUnlessRejected = (state, messages, before) => (messages.length > before ? null : run(state, messages));

let updates = 0;  // how many times update() has run: the first drawing stops when a reader acts
let settledOptimizer = DEFAULTS.m_variant;  // the MindSpore optimizer of the last settings

// The reader picks another MindSpore optimizer: the fields left at the old one's defaults take the
// new one's (fields.js), and a note under the list says what was set and what was kept.
function switchedOptimizer(to) {
  const {values, set, kept, weightDecayOff} = switchOptimizer(readControls(), settledOptimizer, to);
  showControls(values);
  const optimizer = `\`${to === EXPERIMENTAL ? "mindspore.experimental.optim.Rprop" : "mindspore.nn.Rprop"}\``;
  const list = (keys) => keys.map((key) => `\`${argument(to, key, values[key])}\``).join(t("list-separator"));
  showNote([set.length && t("optimizer-defaults", {optimizer, settings: list(set)}),
            kept.length && t("optimizer-kept", {settings: list(kept)}),
            weightDecayOff && t("optimizer-no-weight-decay", {optimizer})].filter(Boolean));
}

function showNote(sentences) {
  const note = $("pg-m_variant-note");
  note.replaceChildren(...inlineMarkdown(sentences.join(GAP)));
  note.hidden = sentences.length === 0;
}

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
  $("pg-m_variant").addEventListener("input", (event) => switchedOptimizer(event.target.value));
  for (const area of [root, $("pg-converter")]) {
    area.addEventListener("input", (event) => {
      if (area === root && event.target.id !== "pg-m_variant") showNote([]);  // the note told of the switch
      if (!event.target.id.endsWith("_lr_log")) update();
    });
    area.addEventListener("change", () => update());
  }
  for (const [name, preset] of Object.entries(PRESETS)) {
    $(`pg-preset-${name}`).addEventListener("click", () => {
      const now = readControls();
      const keep = {problem: now.problem, steps: now.steps, seed: now.seed, conv_dir: now.conv_dir, conv_src: now.conv_src};
      showControls({...DEFAULTS, ...keep, ...preset(now)});
      showNote([]);
      update();
    });
  }
  $("pg-reset").addEventListener("click", () => { showControls(DEFAULTS); showNote([]); update(); });
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
