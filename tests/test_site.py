"""The site builds with --strict and loads nothing from another host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def test_both_languages_have_the_same_pages(site):
    english = {p.relative_to(site) for p in site.rglob("*.html") if "zh" not in p.relative_to(site).parts[:1]}
    chinese = {p.relative_to(site / "zh") for p in (site / "zh").rglob("*.html")}
    assert english - {Path("404.html")} == chinese


def test_reference_api_page_documents_every_switch(site):
    from rprop_ref import Switches
    for page in (site / "reference/index.html", site / "zh/reference/index.html"):
        html = page.read_text()
        for field in Switches.__dataclass_fields__:
            assert field in html, f"{field} missing from {page}"


RESOURCE = re.compile(r"""<(?:link|script|img|source|iframe)\b[^>]*?\b(?:href|src)=["']([^"']+)""", re.I)


def test_no_resource_is_loaded_from_another_host(site):
    offenders = []
    for page in site.rglob("*.html"):
        for url in RESOURCE.findall(page.read_text()):
            if re.match(r"^(https?:)?//", url):
                offenders.append(f"{page.relative_to(site)}: {url}")
    for css in site.rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: {u}" for u in
                      re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text())]
    assert not offenders, "\n".join(offenders)
