// The playground's fields (docs/assets/playground/fields.js): what a reader may type, the defaults of
// each MindSpore optimizer, "Make them agree" and the optimizer switch, against the engine (rprop.js).
// Run: node --test tests/js/fields.test.mjs (tests/test_playground.py does).

import assert from "node:assert/strict";
import { test } from "node:test";

import { agreeing, argument, DEFAULTS, EXPERIMENTAL, OPTIMIZER_DEFAULTS, pair, PRESETS, same, switchOptimizer }
  from "../../docs/assets/playground/fields.js";
import { make } from "../../docs/assets/playground/rprop.js";
import { optimizers, simulate } from "../../docs/assets/playground/simulate.js";

test("a pair is read as Python writes it, each number as typed", () => {
  for (const typed of ["0.5,1.2", "0.5, 1.2", "(0.5, 1.2)", "[0.5, 1.2]", " ( 0.5 ,1.2 ) "]) assert.equal(pair(typed), "0.5,1.2", typed);
  assert.equal(pair("(1e-6, 50.0)"), "1e-6,50.0");
  for (const typed of ["", "0.5", "0.5,1.2,3", "(0.5, 1.2", "[0.5, 1.2)", "((0.5, 1.2))", "a,b", "0.5,", "{0.5, 1.2}"]) {
    assert.equal(pair(typed), undefined, typed);
  }
});

test("each optimizer's defaults in the fields are the framework's own", () => {
  for (const [variant, fields] of Object.entries(OPTIMIZER_DEFAULTS)) {
    const built = optimizers({...DEFAULTS, ...fields, m_variant: variant}).mindspore;
    assert.deepEqual(built.hyper, make(variant, {}).hyper, variant);
  }
  assert.equal(DEFAULTS.m_ss, "1e-6,50.0");   // mindspore.nn.Rprop: step_sizes=(1e-6, 50.0)
  assert.throws(() => optimizers({...DEFAULTS, m_ss: "1e-6,50"}), (e) => e.id === "not-a-float" && e.side === "m");
  assert.deepEqual(optimizers({...DEFAULTS, t_ss: "1e-6,50"}).torch.hyper, make("torch", {}).hyper);
});

test("Make them agree keeps PyTorch's settings and gives MindSpore the same, stepping identically", () => {
  for (const torch of [{t_lr: 0.05, t_etas: "0.4,1.5", t_ss: "1e-5,20"}, {t_lr: 0, t_etas: "(0.5, 2)", t_ss: "[0, 3]"},
                       {t_lr: "0.3", t_etas: "0.25,1.125", t_ss: "1e-6,50"}]) {
    for (const preset of ["agree", "doc"]) {
      const state = {...DEFAULTS, m_wd: 0.01, m_lr: 0.5, ...torch};
      const set = {...state, ...PRESETS[preset](state)};
      assert.deepEqual([set.t_lr, set.t_etas, set.t_ss], [torch.t_lr, torch.t_etas, torch.t_ss]);
      const settled = {...set, ...Object.fromEntries(["t_etas", "t_ss", "m_etas", "m_ss"].map((k) => [k, pair(set[k])]))};
      const {torch: t, mindspore: m} = optimizers(settled);
      const hyper = (h) => ({...h, lr: Math.fround(h.lr), stepLimit: null});  // nn.Rprop keeps lr as a float32
      assert.deepEqual(hyper(m.hyper), hyper(t.hyper), preset);
      if (preset === "agree") {
        for (const problem of ["linear-l1", "rosenbrock"]) assert.equal(simulate({...settled, problem, steps: 60}).parted, null);
      }
    }
  }
  assert.equal(agreeing({t_lr: 0.01, t_etas: "0.5,1.2", t_ss: "1e-6,50"}).m_ss, "1e-6,50.0");
});

test("switching the optimizer sets its defaults where the reader left them, and keeps the reader's values", () => {
  const nn = {...DEFAULTS};
  let r = switchOptimizer(nn, "mindspore", EXPERIMENTAL);
  assert.deepEqual(r.values, {m_variant: EXPERIMENTAL, m_lr: 0.01, m_etas: "0.5,1.2", m_ss: "1e-6,50", m_wd: 0});
  assert.deepEqual([r.set, r.kept, r.weightDecayOff], [["m_lr", "m_ss"], [], false]);
  r = switchOptimizer({...r.values}, EXPERIMENTAL, "mindspore");
  assert.deepEqual(r.values, {m_variant: "mindspore", ...OPTIMIZER_DEFAULTS.mindspore});
  r = switchOptimizer({...nn, m_lr: "0.05", m_etas: "(0.5, 1.2)", m_wd: "0.01"}, "mindspore", EXPERIMENTAL);
  assert.deepEqual([r.values.m_lr, r.values.m_etas, r.values.m_wd], ["0.05", "0.5,1.2", 0]);  // (0.5, 1.2): the default
  assert.deepEqual([r.set, r.kept, r.weightDecayOff], [["m_ss"], ["m_lr"], true]);
  r = switchOptimizer({...nn, m_lr: "0.05"}, "mindspore", "mindspore-doc");
  assert.deepEqual([r.set, r.kept], [[], ["m_lr"]]);
  assert.ok(same("1e-6,50.0", "(0.000001, 50.0)") && !same("1e-6,50", "1e-6,50.0") && same(0.1, "0.10"));
  assert.equal(argument(EXPERIMENTAL, "m_lr", 0.01), "lr=0.01");
  assert.equal(argument("mindspore", "m_ss", "1e-6,50.0"), "step_sizes=(1e-6, 50.0)");
});
