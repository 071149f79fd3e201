// Both conventions of the engine (rprop.js) on one problem of problems.js, from the playground's
// settings (app.js validates them first): the loss, the median step size and, for a 2-D problem,
// the path of each side, and the first step at which their parameters differ.

import { make } from "./rprop.js";
import { linearL1, rosenbrock } from "./problems.js";
import { say } from "./messages.js";

export const PROBLEMS = {"linear-l1": linearL1, rosenbrock};

const float = (v) => ({type: "float", value: Number(v)});
// A pair field ("1e-6,50.0", fields.js) as the Python tuple it reads as: 50 an int, 50.0 and 1e-6
// floats (mindspore.nn.Rprop rejects an int, as MindSpore does).
const literal = (text) => (/^[+-]?\d+$/.test(text.trim()) ? {type: "int", value: Number(text)} : float(text));
const tupleOf = (text) => ({type: "tuple", items: String(text).split(",").map(literal)});

// An optimizer of `convention`; an error says which side ("t" or "m") rejected its arguments.
function built(side, convention, kwargs) {
  try { return make(convention, kwargs); } catch (error) { throw Object.assign(error, {side}); }
}

export function optimizers(state) {
  const torch = built("t", "torch", {lr: float(state.t_lr), etas: tupleOf(state.t_etas), step_sizes: tupleOf(state.t_ss)});
  const variant = state.m_variant;
  const kwargs = variant === "mindspore-experimental"
    ? {lr: float(state.m_lr), etas: tupleOf(state.m_etas), step_sizes: tupleOf(state.m_ss)}
    : {learning_rate: float(state.m_lr), etas: tupleOf(state.m_etas), step_sizes: tupleOf(state.m_ss),
       weight_decay: float(state.m_wd)};
  if (variant === "mindspore-experimental" && state.m_wd > 0) {
    const id = "experimental-no-weight-decay";
    throw Object.assign(new Error(say(id, "en")), {side: "m", id});
  }
  return {torch, mindspore: built("m", variant, kwargs)};
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

export function median(arrays) {  // of all elements of several typed arrays
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

// The runs of `state`: a generator that yields after each step, so that a caller can spread the
// work over several tasks (app.js does for the first run, while the page loads); its return value
// is simulate()'s result.
export function* simulation(state) {
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
    yield t;
  }
  let maxLossDifference = 0;
  runs.torch.loss.forEach((l, t) => { maxLossDifference = Math.max(maxLossDifference, Math.abs(l - runs.mindspore.loss[t])); });
  return {runs, parted, maxLossDifference};
}

export function simulate(state) {  // in one go
  const runs = simulation(state);
  for (;;) {
    const next = runs.next();
    if (next.done) return next.value;
  }
}
