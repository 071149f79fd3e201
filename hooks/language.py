"""Make the parts of a page that MkDocs and its plugins generate speak the page's language.

mkdocs-static-i18n builds the site once per language and lets each language override `site_name`,
`theme` and `extra` (mkdocs.yml), but not the Markdown extensions, the other plugins' settings or
the theme's own pages. After it has configured a language's build (`on_config`, priority below its
-100):

- **Heading anchors**: the title of the ¶ link is `extra.permalink_title` of that language (the toc
  extension's `permalink_title`).
- **mkdocstrings** renders its section titles ("Parameters", "Returns") in the theme's language:
  it reads that language before mkdocs-static-i18n sets it, so it is set again here. A Griffe
  extension whose options name `translations` (hooks/translated_docstrings.py) gets the language
  as its `language` option (mkdocstrings reads its options when a page first needs it).
- **Chinese text** (`on_page_content`): no space between two Chinese characters or full-width
  marks, nor after a full-width mark, outside code. A browser shows a line break in the source
  (a docstring's too), or the space after a generated phrase that ends in `）`
  (`[[versions:range]] 下`), as a space; Chinese has none.
- **The page's language tag**: Material writes its translation's code (`<html lang="zh">`);
  `extra.html_lang` of a language (`zh-CN`) replaces it, so that a browser picks the fonts and
  line-breaking rules of that script without guessing.
- **The 404 page**: every language's build writes `404.html` at the site's root, so the last one
  built won. Each language's 404 page is kept (`on_post_template`) and written to that
  language's root (`/404.html`, `/zh/404.html`) once all are built, its header's language switch
  leading to each language's home page, and without the `<link rel="alternate" hreflang>` tags
  mkdocs-static-i18n writes from the last page it rendered (a 404 page translates no page).
  GitHub Pages serves the default language's `/404.html` for every missing path;
  overrides/404.html lets it lead to every language.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority

_SWITCH_LINK = re.compile(r'<a href="([^"]*)" hreflang="([^"]*)"(?=[^>]*class="md-select__link")')
_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_not_found: dict[str, str] = {}  # language → its rendered 404 page
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"  # characters and full-width punctuation
_MARKS = "，。；：、（）！？“”《》「」"  # full-width punctuation, which carries its own space
_SPACE_IN_CHINESE = re.compile(f"(?<=[{_CJK}])[ \t\n]+(?=[{_CJK}])|(?<=[{_MARKS}])[ \t\n]+(?=[^\\s<])")
_VERBATIM = re.compile(r"<(pre|code|kbd|samp|script|style|textarea|math)\b.*?</\1>", re.S)


def _language(config) -> str:
    return config.theme.get("language") or "en"


@event_priority(-110)  # after mkdocs-static-i18n has applied the language's overrides
def on_config(config):
    title = config.extra.get("permalink_title")
    if title:
        toc = config.mdx_configs.setdefault("toc", {})
        toc["permalink_title"] = title
    mkdocstrings = config.plugins.get("mkdocstrings")
    if mkdocstrings is not None and getattr(mkdocstrings, "handlers", None) is not None:
        mkdocstrings.handlers._locale = _language(config)
        for handler in mkdocstrings.config.handlers.values():
            for extension in (handler or {}).get("options", {}).get("extensions", []):
                for options in extension.values() if isinstance(extension, dict) else ():
                    if isinstance(options, dict) and "translations" in options:
                        options["language"] = _language(config)
    return config


def on_page_content(html_text: str, config, **_) -> str:
    if not _language(config).startswith("zh"):
        return html_text
    out, end = [], 0
    for verbatim in _VERBATIM.finditer(html_text):
        out += [_SPACE_IN_CHINESE.sub("", html_text[end:verbatim.start()]), verbatim.group(0)]
        end = verbatim.end()
    return "".join(out) + _SPACE_IN_CHINESE.sub("", html_text[end:])


def _links(config) -> dict[str, str]:
    """language → its root below the site's (`/`, `/zh/`), for every language built."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return {_language(config): "/"}
    return {language.locale: language.link for language in i18n.config.languages if language.build}


def _homes(config) -> dict[str, str]:
    """language → its home page's absolute path (the 404 page is served at any path)."""
    root = urlsplit(config.site_url or "/").path.rstrip("/")
    return {lang: root + link for lang, link in _links(config).items()}


def on_template_context(context, template_name: str, config, **_):
    """The 404 page gets `language_homes`: every language's home page, its own language first."""
    if template_name == "404.html":
        here = _language(config)
        homes = [{"lang": lang, "link": link} for lang, link in _homes(config).items()]
        context["language_homes"] = sorted(homes, key=lambda home: home["lang"] != here)
    return context


_HTML_LANG = re.compile(r'<html lang="[^"]*"')


def _tagged(output: str, config) -> str:
    tag = config.extra.get("html_lang")
    return _HTML_LANG.sub(f'<html lang="{tag}"', output, count=1) if tag else output


def on_post_page(output: str, config, **_) -> str:
    return _tagged(output, config)


def on_post_template(output: str, template_name: str, config, **_) -> str:
    output = _tagged(output, config)
    if template_name == "404.html":
        # the header's language switch: mkdocs-static-i18n leaves it at the last page it built
        homes = _homes(config)
        output = _SWITCH_LINK.sub(lambda m: f'<a href="{homes.get(m[2], m[1])}" hreflang="{m[2]}"', output)
        head, separator, body = output.partition("</head>")
        output = _ALTERNATE.sub("", head) + separator + body
        _not_found[_language(config)] = output
    return output


def on_post_build(config, **_) -> None:
    links = _links(config)
    for language, page in _not_found.items():
        target = Path(config.site_dir) / links.get(language, "/").strip("/") / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
