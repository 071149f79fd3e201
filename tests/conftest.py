import functools
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, settings

from sitebuild import ROOT, build

# CI (RPROP_REQUIRE_ORACLES=1) runs the full, derandomized search; a laptop runs a short one.
# No "explain" phase: it re-runs a failing case hundreds of times through the real frameworks.
_common = dict(deadline=None, print_blob=True, phases=[p for p in Phase if p != Phase.explain],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BUDGET = yaml.safe_load((ROOT / "data" / "test-budget.yml").read_text(encoding="utf-8"))
settings.register_profile("ci", max_examples=BUDGET["ci"], derandomize=True, **_common)
settings.register_profile("dev", max_examples=BUDGET["laptop"], **_common)
settings.load_profile("ci" if os.environ.get("RPROP_REQUIRE_ORACLES") == "1" else "dev")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once per test session."""
    out = tmp_path_factory.mktemp("site")
    result = build(out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def base_url(site):
    """The built site served on localhost under site_url's path."""
    from browser import SITE_PATH, serve
    with serve(site, SITE_PATH) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright (skipped, or failed under RPROP_REQUIRE_ORACLES=1)."""
    from browser import browser
    with browser() as instance:
        yield instance


# --- claims: a test that proves a claim about a framework must run that framework -----------------

def _claim_ids(item) -> list[str]:
    """The claims a test item proves: its `claim` marks, and for `claim_rows(TABLE, KEY, ...)` the
    cells ROW.KEY of the row the item runs (its parametrize id is the row's id)."""
    ids = [claim_id for mark in item.iter_markers("claim") for claim_id in mark.args]
    for mark in item.iter_markers("claim_rows"):
        ids += [f"{item.callspec.id}.{key}" for key in mark.args[1:]]
    return ids


def frameworks_not_run(claim_ids, claims: dict, used: set[str]) -> dict[str, list[str]]:
    """framework → the claims among `claim_ids` that speak about it although the test never ran
    it (a claim the site does not have is left to tests/test_claims.py)."""
    missing: dict[str, list[str]] = {}
    for claim_id in claim_ids:
        for framework in getattr(claims.get(claim_id), "about", ()):
            if framework not in used:
                missing.setdefault(framework, []).append(claim_id)
    return missing


@functools.cache
def claims_hook():
    from sitebuild import load_hook
    return load_hook("claims")


# --- claims: what each claim's passing proofs sampled (tests/domains.py) ---------------------------
SAMPLED: dict[str, set[str]] = {}   # claim id → features its passing proofs met in this session
PROOFS: dict[str, dict[str, str]] = {}  # claim id → node id → outcome ("collected" until it ran)
LAST = "test_every_proof_sampled_its_claims_domain"  # runs after every proof (moved to the end)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    import domains
    import oracles
    oracles.USED.clear()
    domains.OBSERVED.clear()
    outcome = yield
    claim_ids = _claim_ids(item)
    if not claim_ids or outcome.excinfo is not None:
        return
    for claim_id in claim_ids:
        SAMPLED.setdefault(claim_id, set()).update(domains.OBSERVED)
    missing = frameworks_not_run(claim_ids, claims_hook().claims(), oracles.USED)
    if missing:
        outcome.force_exception(AssertionError(
            "this test proves claims about frameworks it never ran (call oracles.require / "
            f"oracles.mindspore): {missing}"))


# --- the version matrix (scripts/matrix.py): `--claims-report FILE` --------------------------------
# Runs only the tests that prove a claim about a framework, with the short search derandomized and
# without the example database (reproducible), and writes per test node id: outcome (passed, failed,
# skipped, error), its claim ids, and for a failure the exception's type and first line. Without the
# option nothing here changes a run.

settings.register_profile("matrix", parent=settings.get_profile("dev"), max_examples=BUDGET["matrix"],
                          derandomize=True, database=None)


def pytest_addoption(parser):
    parser.addoption("--claims-report", metavar="FILE", default=None,
                     help="run only the tests proving claims about a framework; write their outcomes "
                          "per claim to FILE (JSON, for scripts/matrix.py)")


_REPORT = pytest.StashKey[dict]()
_COLLECT_ERRORS: dict[str, str] = {}  # (a collect report carries no config)


def pytest_configure(config):
    if config.getoption("--claims-report"):
        settings.load_profile("matrix")
        config.stash[_REPORT] = {"tests": {}, "collect_errors": _COLLECT_ERRORS}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for claim_id in _claim_ids(item):
            PROOFS.setdefault(claim_id, {})[item.nodeid] = "collected"
    items.sort(key=lambda item: item.name == LAST)  # stable: only that check moves, to the end
    if config.getoption("--claims-report") is None:
        return
    claims = claims_hook().claims()
    only = set(filter(None, os.environ.get("RPROP_MATRIX_CLAIMS", "").split(",")))  # matrix --claims
    keep, drop = [], []
    for item in items:
        about = [c for c in _claim_ids(item) if getattr(claims.get(c), "about", ())
                 and (not only or c in only)]
        (keep if about else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collectreport(report):
    if report.failed:
        _COLLECT_ERRORS[report.nodeid] = str(report.longrepr).strip().splitlines()[-1][:500]


def _first_line(excinfo) -> tuple[str, str]:
    value = excinfo.value
    text = str(value).strip()
    if isinstance(value, (pytest.skip.Exception, pytest.fail.Exception)):
        text = getattr(value, "msg", text) or text
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    first = lines[0]
    if len(first) < 60 and len(lines) > 1:  # "Regex pattern did not match.": what did it get?
        first = f"{first} {' '.join(lines[1:4])}"
    return excinfo.typename, first[:500]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    for claim_id in _claim_ids(item):  # a proof counts once all its phases passed
        if report.when == "call" or not report.passed:
            PROOFS[claim_id][item.nodeid] = report.outcome if report.when == "call" or report.skipped else "error"
    if _REPORT not in item.config.stash:
        return
    tests = item.config.stash[_REPORT]["tests"]
    entry = tests.setdefault(item.nodeid, {"claims": _claim_ids(item), "outcome": "passed"})
    if report.passed or entry["outcome"] in ("failed", "error"):
        return
    if report.skipped and not hasattr(report, "wasxfail"):
        entry["outcome"] = "skipped"
        entry["message"] = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return
    entry["outcome"] = "failed" if call.when == "call" else "error"
    if call.excinfo is not None:
        entry["exception"], entry["message"] = _first_line(call.excinfo)


def pytest_sessionfinish(session):
    if _REPORT not in session.config.stash:
        return
    import json
    data = session.config.stash[_REPORT]
    data["tests"] = dict(sorted(data["tests"].items()))
    Path(session.config.getoption("--claims-report")).write_text(json.dumps(data, indent=1) + "\n")
