"""Every claim of the site has its proof, and every proof names a claim of the site.

Claims are the table cells of data/*.yml listed under `claims`, and the `[[claim:ID]]` markers of
the pages (described in data/claims.yml); proofs are tests marked `@pytest.mark.claim("ID")`
(hooks/claims.py). conftest.py fails, at run time, a test that proves a claim about a framework
without running that framework.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import frameworks_not_run
from sitebuild import ROOT, load_hook

claims_hook = load_hook("claims")
CLAIMS = claims_hook.claims()
EVIDENCE = claims_hook.evidence()
FRAMEWORKS = {"torch", "mindspore"}
EVIDENCE_LINK = re.compile(r'<a class="ev( src)?" href="([^"]+)" title="([^"]+)">(.)</a>')


@pytest.mark.claim("site.claims-checked")
def test_every_claim_on_the_site_has_a_test_or_a_source():
    unproven = sorted(c for c, claim in CLAIMS.items() if c not in EVIDENCE and not claim.source)
    assert not unproven, f"claims with no test that proves them and no source: {unproven}"


@pytest.mark.claim("site.claims-checked")
def test_every_claim_a_test_names_is_on_the_site():
    unknown = {c: [t.name for t in tests] for c, tests in EVIDENCE.items() if not CLAIMS.get(c, None)
               or not CLAIMS[c].where}
    assert not unknown, f"tests name claims the site does not make: {unknown}"


def test_every_prose_claim_is_described_and_every_description_is_used():
    in_tables = {c for c, claim in CLAIMS.items() if any(w.startswith("data/") for w in claim.where)}
    in_prose = {c for c, claim in CLAIMS.items() if any(w.startswith("docs/") for w in claim.where)}
    registered = claims_hook.registered()
    assert not in_prose - in_tables - registered, "add these to data/claims.yml"
    assert not {c for c in registered if not CLAIMS[c].where}, "data/claims.yml lists claims no page makes"


def test_claims_speak_about_known_frameworks_and_sources_cite_both_languages():
    for claim in CLAIMS.values():
        assert set(claim.about) <= FRAMEWORKS, claim
        if claim.source:
            assert claim.source["url"].startswith("https://"), claim
            assert set(claim.source["title"]) == {"en", "zh"}, claim


def test_both_languages_state_the_same_claims():
    for english in sorted((ROOT / "docs").glob("*.en.md")):
        chinese = english.with_name(english.name.replace(".en.md", ".zh.md"))
        ids = [Counter(claims_hook.MARKER.findall(p.read_text(encoding="utf-8"))) for p in (english, chinese)]
        assert ids[0] == ids[1], f"{english.name}: claims differ between languages"


def test_frameworks_not_run_names_each_claim_whose_framework_the_test_skipped():
    claims = {"a.torch": claims_hook.Claim("a.torch", ("torch",)),
              "a.both": claims_hook.Claim("a.both", ("torch", "mindspore")),
              "a.site": claims_hook.Claim("a.site", ())}
    assert frameworks_not_run(["a.torch", "a.both", "a.site"], claims, set()) == {
        "torch": ["a.torch", "a.both"], "mindspore": ["a.both"]}
    assert frameworks_not_run(["a.both"], claims, {"torch"}) == {"mindspore": ["a.both"]}
    assert frameworks_not_run(["a.torch", "a.both", "a.site"], claims, {"torch", "mindspore"}) == {}


def test_a_claim_proven_only_against_the_reference_fails_the_test(pytester):
    """The run-time check, in a real pytest run with this suite's conftest (in a subprocess: the
    pytester fixture restores sys.modules afterwards, and a torch imported here would be imported
    twice)."""
    import importlib.util

    import oracles
    if importlib.util.find_spec("torch") is None:
        oracles.unavailable("torch is not installed (the canary run needs it)")
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    claim(*ids): claims\n")
    pytester.makepyfile(test_canary="""
        import pytest
        import oracles

        @pytest.mark.claim("lr.torch")
        def test_reference_only():
            assert True

        @pytest.mark.claim("lr.torch")
        def test_runs_torch():
            oracles.require("torch")

        @pytest.mark.claim("site.claims-checked")
        def test_needs_no_framework():
            assert True
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o",
                                           f"pythonpath={ROOT / 'scripts'} {ROOT / 'tests'}")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_reference_only*", "*never ran*torch*lr.torch*"])


# --- on the built pages --------------------------------------------------------------------------

def _pages(site: Path):
    return sorted(p for p in site.rglob("index.html") if p.parent.name != "404")


def _pinned() -> str:
    """HEAD when the tests are as committed (a clean checkout: CI), else `main`."""
    def git(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout
    return "main" if git("status", "--porcelain", "--", "tests").strip() else git("rev-parse", "--short=12", "HEAD").strip()


PINNED = _pinned()


def test_every_claim_is_rendered_as_a_link_to_its_evidence(site):
    for page in _pages(site):
        html = page.read_text(encoding="utf-8")
        assert "[[claim:" not in html, page
        for sourced, href, label, mark in EVIDENCE_LINK.findall(html):
            if sourced:
                assert mark == "†" and href.startswith("https://"), (page, href)
                continue
            assert mark == "✓", (page, href)
            revision, path, line = re.fullmatch(
                r"https://github\.com/[\w.-]+/[\w.-]+/blob/([0-9a-f]{12}|main)/(tests/[\w/]+\.py)#L(\d+)", href).groups()
            assert revision == PINNED, (page, href)     # a commit, wherever the tests are committed
            # the link lands on the `def` line of the test its label names
            source_line = (ROOT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
            name = re.match(r"\s*def (\w+)", source_line).group(1)
            assert label.split(" ")[0].split("，")[0] == name, (page, href, label)


@pytest.mark.claim("site.claims-checked")
@pytest.mark.parametrize("language", ["", "zh/"])
def test_every_mapping_cell_that_makes_a_claim_carries_its_link(site, language):
    import yaml
    table = yaml.safe_load((ROOT / "data" / "rprop-mapping.yml").read_text(encoding="utf-8"))
    html = (site / language / "rprop" / "index.html").read_text(encoding="utf-8")
    for row in table["rows"]:
        cells = re.search(rf'<tr id="row-{row["id"]}">(.*?)</tr>', html, re.S).group(1)
        columns = {column["key"] for column in table["columns"]}     # the notes keys are not cells
        expected = sum(key in row for key in table["claims"] if key in columns)
        assert len(EVIDENCE_LINK.findall(cells)) == expected, row["id"]
    links = [len(EVIDENCE_LINK.findall((site / lang / p / "index.html").read_text(encoding="utf-8")))
             for p in ("rprop", "port") for lang in ("", "zh/")]
    assert links[0] == links[1] and links[2] == links[3], links


# --- each proof sampled the domain its claim states (tests/domains.py) -----------------------------

# Every feature tests/domains.py can report; a domain naming anything else could never be met.
FEATURES = {"several-parameters", "empty", "several-steps", "missing-gradient", "late-parameter",
            "zero-gradient", "nan-gradient", "inf-gradient", "large-gradient", "tiny-gradient",
            "subnormal-gradient", "sign-flip", "subnormal-product", "0-d", "1-d", "2-d+"}
FEATURE_PREFIXES = ("dtype:", "optimizer:", "mode:", "scheduler:", "reference:", "argument:", "lr:")


def test_every_domain_names_features_a_proof_can_report():
    for claim in CLAIMS.values():
        for feature in claim.domain:
            assert feature in FEATURES or feature.startswith(FEATURE_PREFIXES), (claim.id, feature)
        assert not claim.domain or claim.about, f"{claim.id}: a domain is sampled by runs of the frameworks"


def test_the_features_are_computed_from_the_problem():
    """The check can fail: a problem without a sign flip, or without a zero, does not report one."""
    import numpy as np

    from domains import missing, problem_features
    grads = [{"w": np.array([1e-20, 2.0], np.float32)}, {"w": np.array([3.0, 1e-20], np.float32)}]
    found = problem_features({"w": np.zeros(2, np.float32)}, grads)
    assert {"dtype:float32", "1-d", "several-steps"} <= found
    assert not found & {"sign-flip", "zero-gradient", "subnormal-product", "0-d", "several-parameters"}
    grads[1]["w"] = np.array([-1e-20, 0.0], np.float32)  # 1e-20 · -1e-20 < 2**-126; a zero
    found = problem_features({"w": np.zeros(2, np.float32)}, grads)
    assert {"sign-flip", "zero-gradient", "subnormal-product"} <= found
    assert missing(("sign-flip", "0-d", "dtype:float16"), found) == ["0-d", "dtype:float16"]


@pytest.mark.claim("site.claims-checked")
def test_every_proof_sampled_its_claims_domain():
    """Runs last (conftest.py). For each claim with a `domain` whose proofs all ran and passed in
    this session: the features the real optimizers met in those proofs cover every condition."""
    from conftest import PROOFS, SAMPLED
    from domains import missing
    checked, gaps = 0, {}
    for claim in CLAIMS.values():
        outcomes = PROOFS.get(claim.id, {})
        ran = {node.split("::")[-1].split("[")[0] for node in outcomes}
        if not claim.domain or {t.name for t in EVIDENCE.get(claim.id, [])} - ran or set(outcomes.values()) != {"passed"}:
            continue  # not all its proofs ran in this session (a file, -k), or one failed and says so itself
        checked += 1
        if gap := missing(claim.domain, SAMPLED.get(claim.id, set())):
            gaps[claim.id] = gap
    import oracles
    if gaps and not oracles.oracles_required():  # a laptop's short random search may miss one
        pytest.skip(f"the short search met not every condition (RPROP_REQUIRE_ORACLES=1 runs the full one): {gaps}")
    assert not gaps, f"proofs that never met a condition their claim states: {gaps}"
    if not checked:
        if oracles.oracles_required():
            pytest.fail("no claim with a domain had all its proofs run, though the whole suite should")
        pytest.skip("no claim with a domain had all its proofs run in this session")
