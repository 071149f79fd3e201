"""axe-core (pinned in package-lock.json) finds no serious or critical accessibility violation on
any page, in either language or palette."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import page_paths
from sitebuild import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> Path:
    import oracles
    if not AXE.exists():
        oracles.unavailable("axe-core is not installed (npm ci)")
    return AXE


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_violation_on_any_page(site, base_url, chromium, axe_source, scheme):
    paths = page_paths(site)
    assert len(paths) >= 10
    found = []
    context = chromium.new_context(color_scheme=scheme)
    for path in paths:
        page = context.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        page.add_script_tag(path=str(axe_source))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)""")
        found += [f"{path} [{scheme}] {v}" for v in violations]
        page.close()
    context.close()
    assert not found, "\n".join(found)
