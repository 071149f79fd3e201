"""Run the pages' external scripts once the page is parsed (`defer`), not where their tags stand.

The theme writes its script and the site's `extra_javascript` as plain `<script src>` tags at the
end of the body. A plain tag holds up the HTML parser until its script has been fetched and run,
and when the script is already there it runs inside the parser's last task: Material's script
then forces the first layout of the whole page in that same task, one long task on a long page
(issue 14: most of the mapping pages' remaining blocking time). Deferred, the scripts still run
in their order and before `DOMContentLoaded`, which is what Material's script waits for; the page
is laid out and shown without waiting for them. Inline scripts (which cannot be deferred) and
modules (deferred already) are left alone; none of the inline ones uses what the scripts define.
"""

from __future__ import annotations

import re

_PLAIN_SCRIPT = re.compile(r'<script src="([^"]+)"></script>')


def defer(page: str) -> str:
    return _PLAIN_SCRIPT.sub(r'<script src="\1" defer></script>', page)


def on_post_page(output: str, **_) -> str:
    return defer(output)


def on_post_template(output: str, template_name: str, **_) -> str:
    """The theme's own pages (404.html)."""
    return defer(output) if template_name.endswith(".html") else output
