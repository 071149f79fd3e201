import os

from hypothesis import HealthCheck, Phase, settings

# CI (RPROP_REQUIRE_ORACLES=1) runs the full, derandomized search; a laptop runs a short one.
# No "explain" phase: it re-runs a failing case hundreds of times through the real frameworks.
_common = dict(deadline=None, print_blob=True, phases=[p for p in Phase if p != Phase.explain],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=200, derandomize=True, **_common)
settings.register_profile("dev", max_examples=25, **_common)
settings.load_profile("ci" if os.environ.get("RPROP_REQUIRE_ORACLES") == "1" else "dev")
