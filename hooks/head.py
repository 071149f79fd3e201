"""Drop the per-page `<link rel="alternate" hreflang=…>` tags from every page's head.

mkdocs-static-i18n writes them with the URL of the same page in each language, but Material's
script reads every such tag as a language *root* and fetches `<that URL>/sitemap.xml`, which
does not exist: a failed request and a console error on every page. The language switcher keeps
its own per-page links, and `sitemap.xml` still lists every page's language alternates (hreflang)
for search engines.
"""

from __future__ import annotations

import re

_HREFLANG_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_post_page(output: str, **_) -> str:
    head, separator, body = output.partition("</head>")
    return _HREFLANG_LINK.sub("", head) + separator + body
