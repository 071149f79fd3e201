// The browser engine and problems against golden vectors from the NumPy reference.
// Run through pytest (tests/test_js_engine.py), which writes the vectors and points
// RPROP_JS_GOLDEN at them; without that variable only the API checks below run.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { CONVENTIONS, IndexError, SWITCHES, ValueError, make } from "../../docs/assets/playground/rprop.js";
import { linearL1, rosenbrock } from "../../docs/assets/playground/problems.js";
import { simulate, simulation } from "../../docs/assets/playground/simulate.js";

const goldenPath = process.env.RPROP_JS_GOLDEN;
const golden = goldenPath ? JSON.parse(readFileSync(goldenPath, "utf8")) : {};
const MAX_REPORTED = 20;

// --- decoding -----------------------------------------------------------------------------------

const f32 = (bits) => new Float32Array(Uint32Array.from(bits).buffer);
const bitsOf = (array) => Array.from(new Uint32Array(array.buffer, array.byteOffset, array.length));
const isNaN32 = (b) => (b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0;
const num = (x) => (typeof x === "string" ? Number(x) : x);
const hex = (b) => `0x${b.toString(16).padStart(8, "0")}(${new Float32Array(new Uint32Array([b]).buffer)[0]})`;

function decodeLiteral(node) {
  if (node.type === "float") return {type: "float", value: num(node.value)};
  if (node.items) return {type: node.type, items: node.items.map(decodeLiteral)};
  return node;
}
const decodeKwargs = (kwargs) => Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, decodeLiteral(v)]));
const decodeArrays = (arrays) => Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, v === null ? null : f32(v)]));

// First differing index of two bit lists (any NaN equals any NaN), or -1.
function firstDifference(expected, actual) {
  if (expected.length !== actual.length) return 0;
  return expected.findIndex((b, i) => b !== actual[i] && !(isNaN32(b) && isNaN32(actual[i])));
}

function sameHyper(expected, actual) {
  return Object.keys(expected).length === Object.keys(actual).length
    && Object.entries(expected).every(([k, v]) => (k === "stepLimit" ? sameLimit(v, actual[k]) : Object.is(num(v), actual[k])));
}

function sameLimit(expected, actual) {  // optimizer.py StepLimit: how many steps, then which error
  if (expected === null || actual === null) return expected === actual;
  return expected.steps === actual.steps && expected.error === actual.error.name;
}

function errorName(fn) {
  try { fn(); } catch (error) { return error.name; }
  return null;
}

const snapshot = (arrays) => JSON.stringify(Object.values(arrays).map((a) => (a === null ? null : bitsOf(a))));

// --- golden runs ----------------------------------------------------------------------------------

function checkRun(run, where, failures) {
  const opt = make(run.convention, decodeKwargs(run.kwargs));
  if (!sameHyper(run.hyper, opt.hyper)) failures.push(`${where}: hyper ${JSON.stringify(opt.hyper)}, expected ${JSON.stringify(run.hyper)}`);
  let params = decodeArrays(run.params);
  if (run.initError) {
    const name = errorName(() => opt.init(params));
    if (name !== run.initError) failures.push(`${where}: init raised ${name}, expected ${run.initError}`);
    return 0;
  }
  let state = opt.init(params), compared = 0;
  for (const [k, step] of run.steps.entries()) {
    const grads = decodeArrays(step.grads), here = `${where} step ${k + 1}`;
    if (step.error) {
      const name = errorName(() => opt.step(params, grads, state));
      if (name !== step.error) failures.push(`${here}: raised ${name}, expected ${step.error}`);
      return compared;
    }
    const before = snapshot(params) + snapshot(grads) + snapshot(state.prev) + snapshot(state.stepSize);
    const [newParams, newState] = opt.step(params, grads, state);
    if (snapshot(params) + snapshot(grads) + snapshot(state.prev) + snapshot(state.stepSize) !== before) {
      failures.push(`${here}: step modified its inputs`);
    }
    [params, state] = [newParams, newState];
    for (const [name, expect] of Object.entries(step.expect)) {
      if (state.step[name] !== expect.step) failures.push(`${here}, ${name}.step: ${state.step[name]}, expected ${expect.step}`);
      for (const [field, actual] of [["param", params[name]], ["stepSize", state.stepSize[name]], ["prev", state.prev[name]]]) {
        const got = bitsOf(actual), i = firstDifference(expect[field], got);
        if (i >= 0) failures.push(`${here}, ${name}.${field}[${i}]: ${got[i] === undefined ? "missing" : hex(got[i])}, expected ${hex(expect[field][i])}`);
      }
    }
    compared += 1;
    if (failures.length > MAX_REPORTED) return compared;
  }
  return compared;
}

for (const convention of CONVENTIONS) {
  test(`golden runs: ${convention}`, {skip: !golden.engine && "RPROP_JS_GOLDEN not set"}, (t) => {
    const failures = [];
    let compared = 0, runs = 0;
    for (const [i, run] of golden.engine.runs.entries()) {
      if (run.convention !== convention) continue;
      runs += 1;
      try {
        compared += checkRun(run, `run ${i} (${convention}, ${JSON.stringify(run.kwargs)})`, failures);
      } catch (error) {
        failures.push(`run ${i} (${convention}): unexpected ${error.name}: ${error.message}`);
      }
      if (failures.length > MAX_REPORTED) break;
    }
    t.diagnostic(`${compared} steps compared in ${runs} runs of ${convention}`);
    assert.deepEqual(failures.slice(0, MAX_REPORTED), []);
    assert.ok(runs > 0);
  });
}

test("golden constructor arguments: outcome, exception name, message", {skip: !golden.engine && "RPROP_JS_GOLDEN not set"}, (t) => {
  const failures = [];
  for (const c of golden.engine.kwargs) {
    const where = `${c.convention} ${JSON.stringify(c.kwargs)}`;
    let opt = null, error = null;
    // as test_js_engine.outcome: build, then take a first step (some arguments fail only there)
    try {
      opt = make(c.convention, decodeKwargs(c.kwargs));
      const w = {w: Float32Array.of(0.5, -1, 2)};
      opt.step(w, {w: Float32Array.of(0.1, 0.2, -0.3)}, opt.init(w));
    } catch (e) { error = e; }
    if (c.expect === null) {
      if (error) failures.push(`${where}: raised ${error.name} (${error.message}), expected success`);
      else if (!sameHyper(c.hyper, opt.hyper)) failures.push(`${where}: hyper ${JSON.stringify(opt.hyper)}, expected ${JSON.stringify(c.hyper)}`);
      continue;
    }
    if (!error) { failures.push(`${where}: accepted, expected ${c.expect}`); continue; }
    if (error.name !== c.expect || !(error instanceof Error)) failures.push(`${where}: raised ${error.name}, expected ${c.expect}`);
    const named = Object.keys(c.kwargs)[0];
    if (!new RegExp(`${named.replaceAll("_", "[_ ]")}|${named.split("_")[0]}`).test(error.message)) {
      failures.push(`${where}: message does not name the argument: ${error.message}`);
    }
  }
  t.diagnostic(`${golden.engine.kwargs.length} constructor cases`);
  assert.deepEqual(failures, []);
});

test("switches and conventions are Python's", {skip: !golden.engine && "RPROP_JS_GOLDEN not set"}, () => {
  assert.deepEqual([...CONVENTIONS], golden.engine.conventions);
  assert.deepEqual(JSON.parse(JSON.stringify(SWITCHES)), golden.engine.switches);
});

// --- golden problems --------------------------------------------------------------------------------

const problems = golden.problems;

test("problems: initial parameters", {skip: !problems && "RPROP_JS_GOLDEN not set"}, () => {
  for (const [problem, expected] of [[linearL1, problems.init["linear-l1"]], [rosenbrock, problems.init.rosenbrock]]) {
    const params = problem.init();
    assert.deepEqual(Object.keys(params), Object.keys(expected));
    for (const [name, bits] of Object.entries(expected)) assert.deepEqual(bitsOf(params[name]), bits, `${problem.name}.${name}`);
    params[Object.keys(params)[0]][0] = 42;  // init() hands out copies
    assert.notEqual(problem.init()[Object.keys(params)[0]][0], 42);
  }
});

// Within `tolerance` and with the same sign bit (and zero-ness), for a BLAS that sums differently.
function close(expected, actual, tolerance) {
  const [e, a] = [f32([expected])[0], f32([actual])[0]];
  return (expected >>> 31) === (actual >>> 31) && (e === 0) === (a === 0) && Math.abs(e - a) <= tolerance;
}

test("problems: linear-l1 loss and gradients", {skip: !problems && "RPROP_JS_GOLDEN not set"}, (t) => {
  const failures = [];
  let exact = 0;
  for (const [i, point] of problems.linear.entries()) {
    const [loss, grads] = linearL1.lossAndGrads(decodeArrays(point.params));
    const pairs = [["loss", point.loss, bitsOf(Float32Array.of(loss)), [point.tolerance.loss]],
                   ["weight", point.grads.weight, bitsOf(grads.weight), point.tolerance.weight],
                   ["bias", point.grads.bias, bitsOf(grads.bias), point.tolerance.bias]];
    if (Math.fround(loss) !== loss) failures.push(`point ${i}: loss ${loss} is not a float32 value`);
    for (const [what, expected, actual, tolerance] of pairs) {
      expected.forEach((b, j) => {
        if (b === actual[j]) exact += 1;
        else if (problems.exact || !close(b, actual[j], tolerance[j])) {
          failures.push(`point ${i}, ${what}[${j}]: ${hex(actual[j])}, expected ${hex(b)}`);
        }
      });
    }
  }
  t.diagnostic(`${problems.linear.length} linear-l1 points, ${exact} values bit-identical, `
               + (problems.exact ? "bit-exact comparison" : "tolerance comparison (BLAS sums in another order)"));
  assert.deepEqual(failures.slice(0, MAX_REPORTED), []);
});

test("problems: rosenbrock loss, gradients and grid", {skip: !problems && "RPROP_JS_GOLDEN not set"}, (t) => {
  for (const [i, point] of problems.rosenbrock.entries()) {
    const [loss, grads] = rosenbrock.lossAndGrads(decodeArrays(point.params));
    assert.ok(Object.is(loss, num(point.loss)), `point ${i}: loss ${loss}, expected ${point.loss}`);
    assert.deepEqual(bitsOf(grads.xy), point.grads.xy, `point ${i}: gradient`);
  }
  for (const grid of problems.grid) {
    const {xs, ys, z} = rosenbrock.grid(grid.n);
    assert.deepEqual([Array.from(xs), Array.from(ys), Array.from(z)], [grid.xs, grid.ys, grid.z], `grid n=${grid.n}`);
  }
  t.diagnostic(`${problems.rosenbrock.length} rosenbrock points, ${problems.grid.length} grids`);
});

// --- API (no golden vectors needed) -----------------------------------------------------------------

const w = () => ({"w": Float32Array.of(0.5, -1, 2), "bn.gamma": Float32Array.of(1, -0)});
const g = () => ({"w": Float32Array.of(0.1, 0.2, -0.3), "bn.gamma": Float32Array.of(-0.5, 0)});

test("make returns a frozen optimizer with the documented fields", () => {
  assert.deepEqual([...CONVENTIONS], ["torch", "mindspore", "mindspore-experimental", "mindspore-doc"]);
  assert.ok(Object.isFrozen(CONVENTIONS) && Object.isFrozen(SWITCHES));
  for (const convention of CONVENTIONS) {
    const opt = make(convention);
    assert.deepEqual(Object.keys(opt), ["convention", "switches", "hyper", "init", "step"]);
    assert.ok(Object.isFrozen(opt) && Object.isFrozen(opt.hyper) && Object.isFrozen(opt.switches));
    assert.ok(Object.isFrozen(opt.switches.weightDecayExempt));
    assert.equal(opt.switches, SWITCHES[convention]);
    const state = opt.init(w());
    assert.ok(Object.isFrozen(state) && Object.isFrozen(state.step));
    assert.deepEqual(state.step, {"w": 0, "bn.gamma": 0});
  }
  assert.equal(errorName(() => make("keras")), "ValueError");
});

test("plain JS values are shorthand for typed literals", () => {
  const typed = make("torch", {lr: {type: "float", value: 0.5}, step_sizes: {type: "tuple", items: [{type: "float", value: 1e-5}, {type: "int", value: 2}]}});
  assert.deepEqual(make("torch", {lr: 0.5, step_sizes: [1e-5, 2]}).hyper, typed.hyper);
  assert.equal(make("mindspore", {etas: [0.4, 1.3]}).hyper.etaminus, 0.4);  // an array is a tuple
  const list = {type: "list", items: [{type: "float", value: 0.4}, {type: "float", value: 1.3}]};
  assert.throws(() => make("mindspore", {etas: list}), TypeError);
  assert.throws(() => make("torch", {lr: null}), TypeError);
  assert.throws(() => make("torch", {etas: [0.5]}), IndexError);
  assert.throws(() => make("mindspore", {learning_rate: "0.1"}), ValueError);
  assert.throws(() => make("torch", {momentum: 0.9}), (e) => e instanceof TypeError && /momentum/.test(e.message));
  assert.throws(() => make("torch", {lr: {type: "float", value: "0.1"}}), TypeError);
  assert.equal(make("torch", {lr: undefined}).hyper.lr, 0.01);  // undefined: not given
});

test("step is pure, skips null gradients in torch and rejects them with a shared counter", () => {
  const torch = make("torch"), params = w(), grads = {...g(), "bn.gamma": null};
  const state = torch.init(params);
  const before = snapshot(params) + snapshot(state.prev);
  const [next, nextState] = torch.step(params, grads, state);
  assert.equal(snapshot(params) + snapshot(state.prev), before);
  assert.equal(next["bn.gamma"], params["bn.gamma"]);
  assert.deepEqual(nextState.step, {"w": 1, "bn.gamma": 0});
  assert.notEqual(next.w, params.w);
  const ms = make("mindspore");
  assert.throws(() => ms.step(params, grads, ms.init(params)), TypeError);
  assert.throws(() => ms.step(params, {w: g().w}, ms.init(params)), ValueError);
});

test("only float32 parameters", () => {
  const opt = make("torch");
  for (const bad of [Float64Array.of(1), [1, 2], Uint16Array.of(1)]) {
    assert.throws(() => opt.init({w: bad}), TypeError);
  }
  assert.throws(() => opt.init({}), ValueError);
  assert.throws(() => make("mindspore").init({w: new Float32Array(0)}), ValueError);
  assert.deepEqual(opt.init({w: new Float32Array(0)}).step, {w: 0});
});

test("simulation: the playground's first run, one step per slice, ends as simulate() does", () => {
  const state = {problem: "rosenbrock", steps: 7, seed: 3, t_lr: 0.01, t_etas: "0.5,1.2", t_ss: "1e-6,50",
                 m_variant: "mindspore", m_lr: 0.1, m_etas: "0.5,1.2", m_ss: "1e-6,50.0", m_wd: 0};
  const runs = simulation(state), yielded = [];
  let next;
  while (!(next = runs.next()).done) yielded.push(next.value);
  assert.deepEqual(yielded, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(next.value, simulate(state));
  assert.equal(next.value.runs.torch.loss.length, 8);
  assert.equal(next.value.runs.mindspore.path.length, 8);
  const rejected = simulation({...state, m_variant: "mindspore-experimental", m_wd: 0.1});
  assert.throws(() => rejected.next(), (e) => e.side === "m");
});
