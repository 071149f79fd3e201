"""Claims × framework versions: what `make matrix` recorded (`data/versions.json`) and, for a claim
that does not hold under some versions, why (`data/version-notes.yml`), shown where it matters.

- After every `[[claim:ID]]` (in prose, or in a table hooks/site_data.py rendered) whose claim
  does not hold in every column of the matrix: a short note per group of versions,
  "MindSpore 2.7.0–2.7.2: …", in the page's language.
- `[[versions:range]]`: the versions checked, per framework ("MindSpore 2.7.0–2.10.0 (6 releases)").
- `[[versions:date]]`, `[[versions:seconds]]`: the day of the run and its total test time.
- The Versions page's blocks (`[[versions:matrix]]` and the others) are hooks/versions_page.py's.

Nothing here knows about Rprop: frameworks' display names come from the notes file.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

import markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA, DOCS = ROOT / "data", ROOT / "docs"
_MARKER = re.compile(r"\[\[versions:(\w+)\]\]")
_CLAIM = re.compile(r"\[\[claim:([\w.-]+)\]\]")
SYMBOL = {"holds": "✓", "differs": "≠", "not-applicable": "–", "could-not-run": "?"}
WORDS = {
    "en": {"holds": "holds", "differs": "differs", "not-applicable": "not applicable",
           "could-not-run": "could not run", "releases": "{n} releases", "release": "1 release",
           "and": " and ", "colon": ": ", "claim": "Claim", "versions": "Versions",
           "qualifies": "Qualifies", "observed": "Observed in the test run", "with": "with",
           "column": "Column", "installed": "Installed", "tests": "Tests", "seconds": "Seconds",
           "pinned": "pinned", "sep": ", ", "differences": "{n} differences", "difference": "1 difference",
           "none": "everything on these pages holds as written", "do": "What to do",
           "all-hold": "holds in every version checked"},
    "zh": {"holds": "成立", "differs": "不成立", "not-applicable": "不适用", "could-not-run": "未能运行",
           "releases": "共 {n} 个版本", "release": "共 1 个版本", "and": "和 ", "colon": "：",
           "claim": "结论", "versions": "版本", "qualifies": "涉及的结论", "observed": "测试中实际观察到",
           "with": "搭配", "column": "环境", "installed": "已安装版本", "tests": "测试数",
           "seconds": "耗时（秒）", "pinned": "锁定版本", "sep": "、", "differences": "{n} 处差异",
           "difference": "1 处差异", "none": "本站各页面所述均成立", "do": "如何处理",
           "all-hold": "在所有检查过的版本中均成立"},
}


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def matrix() -> dict:
    return _json(DATA / "versions.json", _mtime(DATA / "versions.json"))


def notes() -> dict:
    return _yaml(DATA / "version-notes.yml", _mtime(DATA / "version-notes.yml"))


@lru_cache(maxsize=4)
def _json(path: Path, _mtime) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _yaml(path: Path, _mtime) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _version(v: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", v.split("+")[0]))


@lru_cache(maxsize=None)
def _mathml():
    """hooks/math.py's renderer (hooks are loaded by path, not as a package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("versions_math", Path(__file__).with_name("math.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.mathml


def _inline(md_text: str) -> str:
    """Markdown, with TeX written as `$…$` rendered as MathML by hooks/math.py, as on the pages."""
    md_text = re.sub(r"\$\$?([^$]+)\$\$?", lambda m: _mathml()(html.escape(m.group(1).strip(), quote=False)), md_text)
    rendered = markdown.markdown(md_text)
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered.strip(), flags=re.S).replace("\n", " ")


def name(framework: str) -> str:
    return notes()["frameworks"].get(framework, framework)


def span(versions: list[str]) -> str:
    """"2.7.0–2.7.2" from the sorted versions of one framework."""
    return versions[0] if len(versions) == 1 else f"{versions[0]}–{versions[-1]}"


def column_groups(column_ids: list[str]) -> list[list[dict]]:
    """The columns, in matrix order, split into runs of one framework that follow each other."""
    wanted = [c for c in matrix()["columns"] if c["id"] in column_ids]
    order = [c["id"] for c in matrix()["columns"]]
    groups: list[list[dict]] = []
    for column in wanted:
        last = groups[-1][-1] if groups else None
        if last and last["framework"] == column["framework"] and order.index(column["id"]) == order.index(last["id"]) + 1:
            groups[-1].append(column)
        else:
            groups.append([column])
    return groups


def columns_label(column_ids: list[str], locale: str = "en") -> str:
    """"MindSpore 2.7.0–2.7.2" (several groups: joined by commas, or the locale's `sep`)."""
    return WORDS[locale].get("sep", ", ").join(f"{name(g[0]['framework'])} {span([c['version'] for c in g])}"
                     for g in column_groups(column_ids))


def checked(locale: str) -> str:
    """Every version of each framework that some column ran, as a range and a count."""
    words = WORDS[locale]
    seen: dict[str, set[str]] = {}
    for column in matrix()["columns"]:
        seen.setdefault(column["framework"], set()).add(column["version"])
        for framework, version in column["with"].items():
            seen.setdefault(framework, set()).add(version)
    parts = []
    for framework in seen:  # in the order the columns name them
        versions = sorted(seen[framework], key=_version)
        count = words["release"] if len(versions) == 1 else words["releases"].format(n=len(versions))
        parts.append(f"{name(framework)} {span(versions)}" + (f"（{count}）" if locale == "zh" else f" ({count})"))
    return words["and"].join(parts)


def notes_for(claim_id: str) -> list[tuple[int, dict]]:
    return [(i, note) for i, note in enumerate(notes()["notes"]) if claim_id in note["claims"]]


def note_html(claim_id: str, locale: str, root: str) -> str:
    """The notes shown after a claim: one per group of versions under which it does not hold."""
    parts = []
    for i, note in notes_for(claim_id):
        label = columns_label(note["columns"], locale)
        parts.append(f'<span class="vnote"><a href="{root}versions/#difference-{i + 1}">{html.escape(label)}</a>'
                     f'{WORDS[locale]["colon"]}{_inline(note[locale])}</span>')
    return "".join(parts)


def on_page_markdown(markdown_text: str, page, config, **_) -> str:
    locale = getattr(page.file, "locale", None) or "en"
    root = "../" * page.url.count("/")
    def claim(match: re.Match) -> str:
        extra = note_html(match.group(1), locale, root) if match.group(1) in matrix()["claims"] else ""
        return match.group(0) + (" " + extra if extra else "")

    def block(match: re.Match) -> str:
        kind = match.group(1)
        if kind == "range":
            return checked(locale)
        if kind == "date":
            return matrix()["date"]
        if kind == "seconds":
            return str(sum(c["seconds"] for c in matrix()["columns"]))
        return match.group(0)  # a block of the Versions page: hooks/versions_page.py

    return _MARKER.sub(block, _CLAIM.sub(claim, markdown_text))
