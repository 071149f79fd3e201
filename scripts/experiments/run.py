"""Run scenarios with the reference implementation and summarise them.

`run_all(scenarios)` → `{scenario_id: {"problem", "steps", "runs": {label: record}, "summary"}}`,
plain JSON-able data. A record holds, per step (step 0 = before the first update): the loss,
the step size's median/min/max over all elements, and for 2-parameter problems the trajectory.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import yaml

import rprop_ref
from experiments.problems import PROBLEMS, renamed

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios.yml"
E2E = HERE.parent.parent / "data" / "e2e.json"


def load_scenarios(path: Path = SCENARIOS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def schedule(rule: dict, steps: int) -> list[float]:
    """`{from: A, to: B}` → `steps` values decaying geometrically from A to B (both exact)."""
    return np.geomspace(rule["from"], rule["to"], steps).tolist()


def run_kwargs(scenario: dict, run: dict) -> dict:
    """The run's keyword arguments, with every `{schedule: RULE}` expanded to one value per step
    of the scenario."""
    return {k: schedule(v["schedule"], scenario["steps"]) if isinstance(v, dict) and "schedule" in v else v
            for k, v in run.get("kwargs", {}).items()}


def build_optimizer(run: dict, kwargs: dict | None = None) -> rprop_ref.Rprop:
    opt = rprop_ref.make(run["convention"], **(run.get("kwargs", {}) if kwargs is None else kwargs))
    switches = dataclasses.replace(opt.switches, **{
        k: tuple(v) if isinstance(v, list) else v for k, v in run.get("switches", {}).items()})
    hyper = dataclasses.replace(opt.hyper, **run.get("hyper", {}))
    return rprop_ref.Rprop(switches, hyper, name=run["label"])


def run_one(scenario: dict, run: dict) -> dict:
    problem = PROBLEMS[scenario["problem"]]
    if "names" in run:
        problem = renamed(problem, run["names"])
    params = problem.init(np.dtype(scenario.get("dtype", "float32")))
    opt = build_optimizer(run, run_kwargs(scenario, run))
    state = opt.init(params)
    loss, grads = problem.loss_and_grads(params)
    record = {"loss": [loss], "step_size": [[0.0, 0.0, 0.0]], "trajectory": [], "params": []}
    for _ in range(scenario["steps"]):
        params, state = opt.step(params, grads, state)
        loss, grads = problem.loss_and_grads(params)
        sizes = np.concatenate([s.astype(np.float64).ravel() for s in state.step_size.values()])
        record["loss"].append(loss)
        record["step_size"].append([float(np.median(sizes)), float(sizes.min()), float(sizes.max())])
        flat = np.concatenate([p.astype(np.float64).ravel() for p in params.values()])
        record["params"].append(flat.tolist())
        if flat.size == 2:
            record["trajectory"].append(flat.tolist())
    return record


def summarise(runs: dict[str, dict]) -> dict:
    """Final losses, and for every run against the first: where the parameters first differ and
    the largest loss and parameter differences."""
    labels = list(runs)
    base = runs[labels[0]]
    summary = {"final_loss": {label: r["loss"][-1] for label, r in runs.items()}, "versus_first": {}}
    for label in labels[1:]:
        other = runs[label]
        param_diff = np.abs(np.array(other["params"]) - np.array(base["params"])).max(axis=1)
        differing = np.flatnonzero(param_diff > 0)
        loss_diff = np.abs(np.array(other["loss"]) - np.array(base["loss"]))
        summary["versus_first"][label] = {
            "first_difference_step": int(differing[0]) + 1 if differing.size else None,
            "max_abs_loss_difference": float(loss_diff.max()),
            "max_abs_loss_difference_step": int(loss_diff.argmax()),
            "max_abs_param_difference": float(param_diff.max()),
        }
    return summary


def run_scenario(scenario: dict) -> dict:
    runs = {run["label"]: run_one(scenario, run) for run in scenario["runs"]}
    return {"problem": scenario["problem"], "steps": scenario["steps"], "runs": runs,
            **{key: scenario[key] for key in ("compare", "lead") if key in scenario},
            "summary": summarise(runs), "translations": translations(scenario),
            "settings": {run["label"]: run_kwargs(scenario, run) for run in scenario["runs"]}}


def translations(scenario: dict) -> dict[str, dict[str, str]]:
    """language → run label → that label in the language (a run's two-letter keys: `zh`)."""
    found: dict[str, dict[str, str]] = {}
    for run in scenario["runs"]:
        for language in sorted(k for k in run if len(k) == 2):
            found.setdefault(language, {})[run["label"]] = run[language]
    return found


def recorded_end_to_end(path: Path = E2E) -> dict:
    """Scenario 8 is not simulated: it is the real-framework run recorded by scripts/record_e2e.py."""
    e2e = json.loads(path.read_text(encoding="utf-8"))
    # the two losses agree to rounding for most steps: on the loss's scale they are one curve
    return {"problem": "linear-l1 (real frameworks)", "steps": e2e["steps"], "recorded": e2e,
            "lead": "loss-difference"}


def run_all(scenarios: list[dict] | None = None) -> dict:
    results = {s["id"]: run_scenario(s) for s in (scenarios or load_scenarios())}
    results["end-to-end"] = recorded_end_to_end()
    return results


def summaries(results: dict) -> dict:
    """What pages may quote: per scenario its problem, steps, run labels, each run's keyword
    arguments (`settings`) and the summary numbers — everything but the per-step records."""
    return {sid: {k: v for k, v in r.items()
                  if k in ("problem", "steps", "summary", "settings", "translations", "compare", "lead")}
            | {"labels": list(r.get("runs", {})) or ["PyTorch", "MindSpore"]}
            for sid, r in results.items()}
