"""Claims and their evidence: every factual statement of the site, and the test that proves it.

A claim is one checkable statement with a stable id, the same in every language.

- **Table cells.** A data table (`data/NAME.yml` with `columns` and `rows`) lists in `claims` the
  keys whose cells are claims and which real frameworks they speak about:
  `claims: {torch: [torch], migrate: [torch, mindspore], upstream: [torch, mindspore]}`.
  The cell `rows[i][key]` is the claim `ROW_ID.KEY` (`lr.mindspore`).
- **Prose.** A sentence ends with `[[claim:ID]]`; `data/claims.yml` says what the claim is about
  (`about: [torch]`, or `about: []` for a statement about the site's own build), or, for a claim
  no test here can check (what a paper says, which versions served a page), gives its `source`
  (`url` and a `title` per language) instead. A claim may also list its `domain`, the named
  conditions its sentence covers; the tests check that its proofs sampled each (tests/domains.py).
- **Evidence.** A test names the claims it proves: `@pytest.mark.claim("lr.mindspore")`. A test
  that proves a claim about a framework must run that framework (tests/conftest.py checks it at
  run time); tests/test_claims.py checks that every claim has a proof and every proof a claim.

The site shows a small ✓ after each claim, linking to the source of the first test that proves
it (or † to a sourced claim's citation). Nothing here knows about Rprop.
"""

from __future__ import annotations

import ast
import html
import logging
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA, DOCS, TESTS = ROOT / "data", ROOT / "docs", ROOT / "tests"
INCLUDES = ROOT / "overrides" / "includes"   # blocks several pages share ([[include:NAME]], hooks/site_data.py)
log = logging.getLogger("mkdocs.hooks.claims")
MARKER = re.compile(r"\[\[claim:([\w.-]+)\]\]")
# a marker with the spaces before it: they become one no-break space, so ✓ never starts a line
_PLACED = re.compile(r"((?<=\S)[ \t]+)?\[\[claim:([\w.-]+)\]\]")
LABELS = {  # the evidence link's title, per language (a test is named by its function's name)
    "en": {"more": " and {n} more", "source": "Source: {title}"},
    "zh": {"more": "，另有 {n} 个测试", "source": "出处：{title}"},
}


@dataclass(frozen=True)
class Test:
    path: str  # relative to the repository root
    line: int
    name: str


@dataclass
class Claim:
    id: str
    about: tuple[str, ...] = ()
    source: dict | None = None
    domain: tuple[str, ...] = ()  # the conditions its proofs must sample (tests/domains.py)
    where: list[str] = field(default_factory=list)  # "data/x.yml" or "docs/page.en.md"


def _mtimes(folder: Path, pattern: str) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob(pattern)))


def claims() -> dict[str, Claim]:
    """Every claim of the site, by id (cached until a data file or page changes)."""
    return _claims(_mtimes(DATA, "*.yml"), _mtimes(DOCS, "*.md"), _mtimes(INCLUDES, "*.html"))


@lru_cache(maxsize=4)
def _claims(_data, _docs, _includes) -> dict[str, Claim]:
    registry = yaml.safe_load((DATA / "claims.yml").read_text(encoding="utf-8"))["claims"] or {}
    found: dict[str, Claim] = {}

    def add(claim_id: str, where: str, about=()):
        claim = found.setdefault(claim_id, Claim(claim_id, tuple(about)))
        claim.where.append(where)

    for path in sorted(DATA.glob("*.yml")):
        table = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(table, dict) or "claims" not in table or "rows" not in table:
            continue
        for row in table["rows"]:
            for key, about in table["claims"].items():
                if key in row:
                    add(f"{row['id']}.{key}", f"data/{path.name}", about)
    for path in [*sorted(DOCS.glob("*.md")), *sorted(INCLUDES.glob("*.html"))]:
        for claim_id in MARKER.findall(path.read_text(encoding="utf-8")):
            add(claim_id, str(path.relative_to(ROOT)))
    for claim_id, entry in registry.items():  # prose claims, and overrides of table claims
        claim = found.setdefault(claim_id, Claim(claim_id))
        claim.about = tuple(entry.get("about", claim.about))
        claim.source = entry.get("source")
        claim.domain = tuple(entry.get("domain", ()))
    return found


def registered() -> set[str]:
    """The ids that data/claims.yml describes."""
    return set(yaml.safe_load((DATA / "claims.yml").read_text(encoding="utf-8"))["claims"] or {})


def evidence() -> dict[str, list[Test]]:
    """claim id → the tests that name it, in file and line order."""
    return _evidence(_mtimes(TESTS, "test_*.py"))


@lru_cache(maxsize=4)
def _evidence(_tests) -> dict[str, list[Test]]:
    proofs: dict[str, list[Test]] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        for test, claim_ids in claim_markers(path.read_text(encoding="utf-8")):
            for claim_id in claim_ids:
                proofs.setdefault(claim_id, []).append(
                    Test(str(path.relative_to(ROOT)), test.lineno, test.name))
    return proofs


def claim_markers(source: str):
    """(test function node, claim ids) for each test function with `pytest.mark.claim(...)` among
    its decorators (also inside `pytest.param(..., marks=...)`). Ids must be string literals.
    `pytest.mark.claim_rows("TABLE", "KEY", ...)` on a test parametrized over the rows of
    data/TABLE.yml (with the row ids as test ids) proves the cells ROW.KEY of every row."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("test"):
            continue
        ids = []
        for decorator in node.decorator_list:
            for call in ast.walk(decorator):
                if isinstance(call, ast.Call) and ast.unparse(call.func).endswith("mark.claim"):
                    ids += [ast.literal_eval(arg) for arg in call.args]
                if isinstance(call, ast.Call) and ast.unparse(call.func).endswith("mark.claim_rows"):
                    table, *keys = (ast.literal_eval(arg) for arg in call.args)
                    rows = yaml.safe_load((DATA / f"{table}.yml").read_text(encoding="utf-8"))["rows"]
                    ids += [f"{row['id']}.{key}" for row in rows for key in keys]
        if ids:
            yield node, ids


def revision() -> str:
    """The commit the evidence links point at, so that a cited line stays that line: HEAD when the
    tests are as committed (a clean checkout, CI), else `main` (a working tree being edited)."""
    def git(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    head, status = git("rev-parse", "--short=12", "HEAD"), git("status", "--porcelain", "--", "tests")
    if head.returncode == 0 and status.returncode == 0 and not status.stdout.strip():
        return head.stdout.strip()
    return "main"


_revision = "main"   # set once per build (on_pre_build), not per link


def on_pre_build(config, **_) -> None:
    global _revision
    _revision = revision()


def link(claim: Claim | None, tests: list[Test], claim_id: str, locale: str, repo_url: str) -> str:
    """The evidence link shown after the claim `claim_id`, proven by `tests`."""
    labels = LABELS.get(locale, LABELS["en"])
    if claim is None:
        raise KeyError(f"claim {claim_id!r} is not on the site and not in data/claims.yml")
    if tests:
        first = tests[0]
        label = first.name
        if len(tests) > 1:
            label += labels["more"].format(n=len(tests) - 1)
        href, mark, kind = f"{repo_url.rstrip('/')}/blob/{_revision}/{first.path}#L{first.line}", "✓", "ev"
    elif claim.source:
        title = claim.source["title"]
        label = labels["source"].format(title=title.get(locale, title["en"]) if isinstance(title, dict) else title)
        href, mark, kind = claim.source["url"], "†", "ev src"
    else:  # a warning fails the strict build; `mkdocs serve` shows the gap instead
        log.warning(f"claim {claim_id!r} has no test that proves it and no source")
        return '<span class="ev none" title="unproven">?</span>'
    # The title is the tooltip and, for a screen reader, the link's description (its name is the
    # mark). No aria-label beside it: on the mapping page every byte counts (tests/test_site.py).
    return f'<a class="{kind}" href="{html.escape(href, quote=True)}" title="{html.escape(label, quote=True)}">{mark}</a>'


def on_page_markdown(markdown_text: str, page, config, **_) -> str:
    """Replace each `[[claim:ID]]` (from the page, or from a table hooks/site_data.py rendered)
    with its evidence link in the page's language."""
    locale = getattr(page.file, "locale", None) or "en"
    found, proofs = claims(), evidence()  # once per page, not once per marker

    def replace(match: re.Match) -> str:
        claim_id = match.group(2)
        evidence_link = link(found.get(claim_id), proofs.get(claim_id, []), claim_id, locale, config.repo_url)
        return ("\u00a0" if match.group(1) else "") + evidence_link

    return _PLACED.sub(replace, markdown_text)
