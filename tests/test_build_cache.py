"""The build caches (hooks/segment_cache.py, hooks/template_cache.py) change nothing in the
output, and a build whose Chinese text is already in the segment cache never loads jieba's
dictionary (issue 14). Timings belong to scripts/bench_build.py, not here."""

from __future__ import annotations

import filecmp

from sitebuild import build


def _same_trees(a, b) -> list[str]:
    comparison, differences = [filecmp.dircmp(a, b)], []
    while comparison:
        current = comparison.pop()
        differences += current.left_only + current.right_only + current.diff_files
        differences += [name for name in current.common_files
                        if not filecmp.cmp(f"{current.left}/{name}", f"{current.right}/{name}", shallow=False)]
        comparison += current.subdirs.values()
    return differences


def test_a_second_build_reuses_the_caches_and_builds_the_same_site(tmp_path):
    caches = {"RPROP_SEGMENT_CACHE": str(tmp_path / "segments.json"),
              "RPROP_TEMPLATE_CACHE": str(tmp_path / "jinja")}
    first = build(tmp_path / "first", caches)
    assert first.returncode == 0, first.stderr
    # an empty cache: jieba segments (its own dictionary-loading messages are silenced)
    assert "jieba segmented" in first.stderr and "prefix dict" not in first.stderr.lower(), first.stderr
    assert (tmp_path / "segments.json").stat().st_size > 1000 and any((tmp_path / "jinja").iterdir())
    second = build(tmp_path / "second", caches)
    assert second.returncode == 0, second.stderr
    assert "jieba segmented" not in second.stderr, second.stderr
    assert _same_trees(tmp_path / "first", tmp_path / "second") == []
