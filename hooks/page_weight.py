"""Keep every page's HTML small: it decides how soon a phone on a slow network shows the page.

A page whose compressed HTML fits the first TCP round trip (about 14 KB: the initial congestion
window of 10 segments) starts rendering one round trip sooner than one that needs two. The mapping
page missed that, and with it Lighthouse's performance aim of issue 6. `scripts/bench_lighthouse.py`
measures the result; `tests/test_site.py` keeps the largest pages under the budget.

Three changes, none visible to the reader:

- **Syntax-highlighting spans that change nothing on screen** (`on_page_content`). Pygments wraps
  every token of a code block in a `<span>`; on the mapping page they were 2,500 of its 3,400
  elements, and every element also costs time in each style recalculation Material's script forces
  while the page starts. `n` (a plain name) and `w` (whitespace) spans go: Material colours `.n`
  with `--md-code-hl-name-color`, which it defines as the code block's own text colour in both
  palettes, and does not style `.w` (`tests/test_site.py` checks that it still says so). Neighbours
  with the same class (`)` `)` `,`) become one span. The text of each block, and so what its copy
  button copies, is unchanged.
- **Stylesheets a page does not use** (`on_post_page`, and `on_post_template` for 404.html). mkdocstrings adds its stylesheet to every
  page, and to the Chinese pages twice (mkdocs-static-i18n configures the plugins once per
  language). Each is a render-blocking request. It stays, once, on the pages mkdocstrings rendered.
- **Indentation and blank lines** (`on_post_page`). The templates indent their HTML; the spaces at
  the start of a line and empty lines are removed everywhere except in `<pre>`, `<textarea>` and
  `<script>`. Elsewhere a line break and the spaces after it render as one space either way.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"(<code[^>]*>)(.*?)(</code>)", re.DOTALL)
_INVISIBLE = re.compile(r'<span class="(?:n|w)">([^<]*)</span>')
_SAME_CLASS_NEIGHBOURS = re.compile(r'(<span class="([^"]+)">[^<]*)</span><span class="\2">')
_KEEP_WHITESPACE = re.compile(r"(<pre[\s>].*?</pre>|<textarea[\s>].*?</textarea>|<script[\s>].*?</script>)",
                              re.DOTALL)
_INDENTATION = re.compile(r"\n\s+")  # a line break, then spaces and further line breaks
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def lean(code: str) -> str:
    """The inner HTML of one `<code>` element with invisible and repeated spans merged away."""
    code = _INVISIBLE.sub(r"\1", code)
    while True:
        merged = _SAME_CLASS_NEIGHBOURS.sub(r"\1", code)
        if merged == code:
            return code
        code = merged


def stylesheets(page: str) -> str:
    """The page with each stylesheet linked once, and mkdocstrings' only where it is used."""
    head, separator, body = page.partition("</head>")
    rendered_by_mkdocstrings = 'class="doc doc-' in body
    seen = set()

    def keep(link: re.Match) -> str:
        href = link.group(1)
        unused = href.endswith("/_mkdocstrings.css") and not rendered_by_mkdocstrings
        if href in seen or unused:
            return ""
        seen.add(href)
        return link.group(0)

    return _STYLESHEET.sub(keep, head) + separator + body


def unindent(page: str) -> str:
    """The page without the spaces that start its lines, outside pre, textarea and script."""
    parts = _KEEP_WHITESPACE.split(page)
    return "".join(part if i % 2 else _INDENTATION.sub("\n", part) for i, part in enumerate(parts))


def on_page_content(html: str, **_) -> str:
    return _CODE.sub(lambda m: m.group(1) + lean(m.group(2)) + m.group(3), html)


def on_post_page(output: str, **_) -> str:
    return unindent(stylesheets(output))


def on_post_template(output: str, template_name: str, **_) -> str:
    """The theme's own pages (404.html); sitemap.xml is left as it is."""
    return unindent(stylesheets(output)) if template_name.endswith(".html") else output
