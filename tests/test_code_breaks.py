"""Where code may break (issue 23): hooks/site_data.py marks, in every `<code>` of a page, the
only places where a line may break inside a run of code without spaces, and keeps exponents
whole. Copying is unchanged: only empty elements (<wbr>) and spans are added. The browser side is
tests/test_browser_citable_table.py (no number or identifier broken on any page)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitebuild import load_hook

site_data = load_hook("site_data")
breaks = site_data._code_break_points


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("code, expected", [
    # an exponent never breaks after its sign (Chromium broke `1e-` / `6`)
    ("<code>step_sizes=(1e-6, 50.0)</code>", '<code>step_sizes=(<span class="nowrap">1e-6</span>, 50.0)</code>'),
    # never after `=`: `learning_rate=` / `0.01` was the review's example
    ("<code>learning_rate=0.01</code>", "<code>learning_rate=0.01</code>"),
    # short names stay whole (`nn.` / `Rprop` was another)
    ("<code>nn.Rprop</code>", "<code>nn.Rprop</code>"),
    ("<code>experimental.optim.Rprop</code>", "<code>experimental.optim.Rprop</code>"),
    # a long one breaks after its dots, an opening bracket or a comma, never in a name or number
    ("<code>mindspore.experimental.optim.Rprop</code>", "<code>mindspore.<wbr>experimental.<wbr>optim.<wbr>Rprop</code>"),
    ("<code>mindspore.save_checkpoint(ms_optimizer, path)</code>",
     "<code>mindspore.<wbr>save_checkpoint(<wbr>ms_optimizer, path)</code>"),
    ("<code>np.float32(0.1)</code>", "<code>np.float32(0.1)</code>"),
])
def test_inline_code(code, expected):
    assert breaks(code) == expected
    assert breaks(breaks(code)) == expected  # a second pass changes nothing


def test_code_blocks_break_only_long_lines_and_keep_their_highlighting():
    short = '<pre><span></span><code><span class="n">history</span><span class="p">[</span><span class="s2">&quot;weight&quot;</span><span class="p">]</span><span class="o">.</span><span class="n">append</span><span class="p">(</span><span class="n">model</span><span class="o">.</span><span class="n">weight</span><span class="o">.</span><span class="n">detach</span><span class="p">())</span>\n</code></pre>'
    assert breaks(short) == short  # a 50-character line fits any wrapped code block
    long = ('<pre><code>tests/test_reference_vs_frameworks.py::test_mindspore_convention_equals_mindspore_nn'
            '[float16]: step 34, <span class="n">lr</span><span class="o">=</span><span class="mf">1e-3</span></code></pre>')
    marked = breaks(long)
    assert _text(marked) == _text(long)
    assert "tests/<wbr>test_reference_vs_frameworks.<wbr>py::<wbr>test_mindspore_convention_equals_mindspore_nn[<wbr>float16]" in marked
    assert '<span class="mf"><span class="nowrap">1e-3</span></span>' in marked


def test_scripts_styles_and_other_elements_are_left_alone():
    page = ('<script>const a = "<code>1e-6</code>";</script><style>code::after{content:"1e-6"}</style>'
            '<p>1e-6 mindspore.experimental.optim.Rprop</p><textarea><code>1e-6</code></textarea>')
    assert breaks(page) == page


# Runs of code: names, numbers (with exponents), and the punctuation between them.
TOKEN = st.one_of(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,14}", fullmatch=True),
                  st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,3})?([eE][-+]?[0-9]{1,2})?", fullmatch=True),
                  st.sampled_from([".", "::", "/", "(", ")", "[", "]", ",", ", ", "=", " ", "·", "'", "\""]))


@given(st.lists(TOKEN, max_size=40), st.booleans())
def test_breaks_fall_only_between_names_and_numbers(tokens, block):
    text = "".join(tokens)
    code = f"<code>{html.escape(text, quote=False)}</code>"
    marked = breaks(f"<pre>{code}</pre>" if block else code)
    assert _text(marked) == _text(code if not block else f"<pre>{code}</pre>")  # copying is unchanged
    plain = re.sub(r"<(?!wbr>)[^>]+>", "", marked).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for before, after in re.findall(r"(.)<wbr>(.)", html.unescape(plain)):
        assert before in ".:/([,", (before, after)
        assert not (before == "." and after.isdigit())  # not in `0.5`
    # an exponent inside a run is never split: it is wrapped whole in a span that does not wrap
    for number in re.finditer(r"(?<![\w.])\d+(?:\.\d*)?[eE][-+]\d+(?![\w.])", text):
        assert f'<span class="nowrap">{number.group()}</span>' in marked
