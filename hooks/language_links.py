"""Relative links in the language switch of the home pages.

mkdocs-static-i18n writes each language's own `link` (its root, `/SITE_PATH/` or `/SITE_PATH/zh/`:
absolute, as its configuration requires) into the language switch of the pages that are a
language's root, and a relative link on every other page. An absolute link works only where the
site is served under site_url's path: a local preview, a mirror or an offline copy served at
another path got a 404. Here such a link becomes relative to the page, like the others.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from mkdocs.utils import get_relative_url

_SWITCH_LINK = re.compile(r'(<a href=")(/[^"]*)(" hreflang="[^"]+" class="md-select__link">)')


def on_post_page(output: str, page, config, **_) -> str:
    site_path = urlsplit(config.site_url or "/").path.rstrip("/") + "/"

    def relative(match: re.Match) -> str:
        href = match[2]
        if not href.startswith(site_path):
            return match[0]
        link = get_relative_url(href[len(site_path):] or ".", page.url or ".")
        return match[1] + (link + "/" if href.endswith("/") and not link.endswith("/") else link) + match[3]

    return _SWITCH_LINK.sub(relative, output)
