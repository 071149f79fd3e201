"""Number every figure of a page and give each an anchor of its own, as headings have.

- Every `<figure>` of a page's content is numbered in page order, and its caption starts with
  `extra.figure_label` of the page's language with the number in it ("Figure {}" / "图 {}"): both
  languages of a page have the same figures, so they number them alike.
- The figures in the tabs of one content tab set (pymdownx.tabbed) are views of one thing: they
  share a number and get letters in tab order (3a, 3b, …).
- Its anchor is the figure's id (`fig-N` if it has none). A figure in a tab hands its id to the tab's
  radio input instead: Material's script selects the tab whose input a URL's fragment names (a
  figure in a closed tab could not be scrolled to), and the browser lands on the tab set.
- A ¶ link to that anchor ends the caption (a `<figcaption>` is added if there is none), titled
  like the headings' (`extra.permalink_title`).
"""

from __future__ import annotations

import html
import re
import string

_TAGS = re.compile(r"<(/?)(div|figure|figcaption|input|label)\b([^>]*)>")
_ID = re.compile(r'\sid="([^"]*)"')
_CLASS = re.compile(r'\sclass="([^"]*)"')
_CAPTION = re.compile(r"<figcaption\b[^>]*>")


def _scan(text: str) -> tuple[list[dict], dict]:
    """The page's figures in order (offsets of their tags, tab set and tab), and each tab set's
    input ids in order."""
    stack: list[tuple[str, object]] = []  # (tag, tab set id | ("block", set id, index) | None)
    inputs: dict[int, list[str]] = {}
    blocks: dict[int, int] = {}
    figures: list[dict] = []
    for tag in _TAGS.finditer(text):
        closing, name, attrs = tag.group(1), tag.group(2), tag.group(3)
        classes = (_CLASS.search(attrs) or [None, ""])[1].split()
        if name == "div" and not closing:
            role = None
            if "tabbed-set" in classes:
                role = tag.start()
                inputs[role], blocks[role] = [], 0
            elif "tabbed-block" in classes:
                owner = next((r for t, r in reversed(stack) if isinstance(r, int)), None)
                if owner is not None:
                    role = ("block", owner, blocks[owner])
                    blocks[owner] += 1
            stack.append(("div", role))
        elif name == "div" and stack:
            stack.pop()
        elif name == "input" and stack and isinstance(stack[-1][1], int):
            inputs[stack[-1][1]].append(_ID.search(attrs).group(1))
        elif name == "figure" and not closing:
            tab = next((r for _, r in reversed(stack) if isinstance(r, tuple)), None)
            figures.append({"start": tag.start(), "end": tag.end(), "attrs": attrs, "tab": tab})
        elif name == "figure" and figures and "close" not in figures[-1]:
            figures[-1]["close"] = tag.start()
        elif name == "figcaption" and closing and figures:
            figures[-1]["caption_end"] = tag.start()
    return figures, inputs


def number_figures(text: str, label: str = "Figure {}", permalink_title: str = "Permanent link") -> str:
    figures, inputs = _scan(text)
    numbers: dict = {}  # figure or tab set → its number
    sizes: dict = {}  # … → how many figures share it
    for index, figure in enumerate(figures):
        figure["group"] = figure["tab"][1] if figure["tab"] else ("figure", index)
        figure["number"] = numbers.setdefault(figure["group"], len(numbers) + 1)
        sizes[figure["group"]] = sizes.get(figure["group"], 0) + 1
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied from the end
    renamed: dict[str, str] = {}
    seen: dict = {}
    for figure in figures:
        group, tab = figure["group"], figure["tab"]
        letter = ""
        if sizes[group] > 1:
            letter = string.ascii_lowercase[seen.get(group, 0)]
            seen[group] = seen.get(group, 0) + 1
        shown = f"{figure['number']}{letter}"
        found = _ID.search(figure["attrs"])
        anchor = found.group(1) if found else f"fig-{shown}"
        attrs = _ID.sub("", figure["attrs"]) if found else figure["attrs"]
        if tab and tab[2] < len(inputs[tab[1]]):
            renamed[inputs[tab[1]][tab[2]]] = anchor
        else:
            attrs = f' id="{html.escape(anchor)}"' + attrs
        edits.append((figure["start"], figure["end"], f"<figure{attrs}>"))
        number = f'<span class="figure-number">{html.escape(label.format(shown))}</span>'
        link = f'<a class="headerlink" href="#{html.escape(anchor)}" title="{html.escape(permalink_title)}">&para;</a>'
        if "caption_end" in figure:
            start = _CAPTION.search(text, figure["end"]).end()
            opening = re.match(r"\s*<p>", text[start:])
            start += opening.end() if opening else 0
            end = figure["caption_end"]
            closing = re.search(r"</p>\s*$", text[start:end])
            end = start + closing.start() if closing else end
            edits += [(start, start, number), (end, end, link)]
        else:
            edits.append((figure["close"], figure["close"], f"<figcaption>{number}{link}</figcaption>"))
    for old, new in renamed.items():
        for attribute in ("id", "for"):
            needle = f'{attribute}="{old}"'
            position = text.index(needle)
            edits.append((position, position + len(needle), f'{attribute}="{html.escape(new)}"'))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def on_page_content(html_text: str, config, **_) -> str:
    if "<figure" not in html_text:
        return html_text
    return number_figures(html_text, config.extra.get("figure_label", "Figure {}"),
                          config.extra.get("permalink_title", "Permanent link"))
