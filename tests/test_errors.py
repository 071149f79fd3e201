"""The Errors page (data/errors.yml): each error is what the real framework raises for the call the
row names — the exception's type and the first line of its message, exactly — and each fix runs.

Per row, two tests run the three pieces of code of its `test` key: `raises` must raise the row's
error (ROW.error); `fixed` must build and step, and `other` (the same arguments in the other
framework) must build and step too, the difference the cause names (ROW.fix). The version matrix runs the same tests under
every version, so a release that prints another text shows up on the Versions page.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import yaml

import oracles
from sitebuild import ROOT

ERRORS = yaml.safe_load((ROOT / "data" / "errors.yml").read_text(encoding="utf-8"))
ROWS = ERRORS["rows"]


def _namespace() -> dict:
    torch, ms = oracles.require("torch"), oracles.mindspore()
    from mindspore import nn
    from mindspore.experimental import optim

    def P(shape=(3,), dtype=np.float32):
        return [ms.Parameter(ms.Tensor(np.ones(shape, dtype)), name="w")]

    def T(shape=(3,), dtype=torch.float32):
        return [torch.nn.Parameter(torch.ones(shape, dtype=dtype))]

    def step(opt, n=1):
        for _ in range(n):
            if isinstance(opt, torch.optim.Optimizer):
                for group in opt.param_groups:
                    for p in group["params"]:
                        p.grad = torch.ones_like(p)
                opt.step()
            else:
                opt(tuple(ms.Tensor(np.ones(p.shape, ms.dtype_to_nptype(p.dtype))) for p in opt.parameters))
        return opt

    return {"torch": torch, "ms": ms, "nn": nn, "optim": optim, "np": np, "P": P, "T": T, "step": step}


def printed(row) -> tuple[str, str]:
    """(exception type, first line of the message) as the row's `error` cell shows them."""
    text = re.fullmatch(r"`(.*)`", row["error"]).group(1)
    kind, message = text.split(": ", 1)
    return kind, message


def _first_line(error: BaseException) -> str:
    text = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


@pytest.mark.claim_rows("errors", "error")
@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_error_is_what_the_framework_raises(row):
    namespace = _namespace()
    kind, message = printed(row)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as raised:
            exec(row["test"]["raises"], dict(namespace))  # noqa: S102
    assert type(raised.value).__name__ == kind, repr(raised.value)
    shown = repr(_first_line(raised.value)) if kind == "KeyError" else _first_line(raised.value)
    assert shown.strip('"') == message.strip('"'), (shown, message)


@pytest.mark.claim_rows("errors", "fix")
@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_fix_runs_and_the_other_framework_takes_the_call(row):
    namespace = _namespace()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(row["test"]["fixed"], dict(namespace))  # noqa: S102
        exec(row["test"]["other"], dict(namespace))  # noqa: S102


def test_the_table_has_what_the_page_needs():
    """Ids are anchors; every row says, in both languages, where the error comes from, why and
    what to do; the error text is language-independent (it is what the framework prints)."""
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    for row in ROWS:
        assert re.fullmatch(r"[a-z0-9-]+", row["id"]), row["id"]
        assert isinstance(row["error"], str) and printed(row)[0].endswith("Error"), row["id"]
        for key in ("call", "cause", "fix"):
            assert set(row[key]) == {"en", "zh"} and all(row[key].values()), (row["id"], key)
        assert set(row["test"]) == {"raises", "fixed", "other"}, row["id"]


@pytest.mark.parametrize("language, cause, fix", [("", "Cause: ", "Fix: "), ("zh/", "原因：", "改法：")])
def test_each_error_is_a_search_result_naming_its_columns(site, language, cause, fix):
    """Each row is an entry of its language's search index (hooks/search.py): titled by the error
    as printed, its text the other cells, each after its column's title."""
    import json
    docs = json.loads((site / language / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    entries = {entry["location"]: entry for entry in docs}
    for row in ROWS:
        entry = entries[f"errors/#row-{row['id']}"]
        kind, message = printed(row)
        assert entry["title"].startswith(f"{kind}: ") and "\u200b" not in entry["title"][:20], entry["title"]
        text = entry["text"].replace("\u200b", "")  # jieba's word boundaries in Chinese text
        assert cause in text and fix in text, text
