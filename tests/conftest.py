import functools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from sitebuild import build

# CI (RPROP_REQUIRE_ORACLES=1) runs the full, derandomized search; a laptop runs a short one.
# No "explain" phase: it re-runs a failing case hundreds of times through the real frameworks.
_common = dict(deadline=None, print_blob=True, phases=[p for p in Phase if p != Phase.explain],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=200, derandomize=True, **_common)
settings.register_profile("dev", max_examples=25, **_common)
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
    return [claim_id for mark in item.iter_markers("claim") for claim_id in mark.args]


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    import oracles
    oracles.USED.clear()
    outcome = yield
    claim_ids = _claim_ids(item)
    if not claim_ids or outcome.excinfo is not None:
        return
    missing = frameworks_not_run(claim_ids, claims_hook().claims(), oracles.USED)
    if missing:
        outcome.force_exception(AssertionError(
            "this test proves claims about frameworks it never ran (call oracles.require / "
            f"oracles.mindspore): {missing}"))
