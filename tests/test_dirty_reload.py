"""`make serve` (`mkdocs serve --dirty`, hooks/dirty_reload.py) shows every edit after a reload:
a page's own, and an edit to data that a page shows but whose source did not change; the search
indexes of both languages keep every page. Runs the real server on a copy of the project, so
the working tree is never touched. How fast a reload is belongs to scripts/bench_build.py."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from sitebuild import ROOT, commit_time

COPIED = ("mkdocs.yml", "CITATION.cff", "docs", "data", "snippets", "hooks", "overrides", "scripts", "tests")  # CITATION.cff: hooks/cite.py
CACHES = {"RPROP_EXPERIMENTS_CACHE": ".cache/experiments", "RPROP_SEGMENT_CACHE": ".cache/jieba/segments.json",
          "RPROP_TEMPLATE_CACHE": ".cache/jinja"}


class Server:
    """`mkdocs serve --dirty` in `folder`; its log lines arrive on a queue."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", SOURCE_DATE_EPOCH=commit_time(),
                   **{name: str(ROOT / path) for name, path in CACHES.items()})
        self.process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a",
                                         f"127.0.0.1:{self.port}"], cwd=folder, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True).start()

    def wait_for(self, text: str, seconds: float = 600) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.log)
                continue
            self.log.append(line)
            assert "ERROR" not in line and "Aborted" not in line, "".join(self.log)
            if text in line:
                return
        raise AssertionError(f"no {text!r} within {seconds} s:\n" + "".join(self.log))

    def epoch(self) -> int:
        """The version of the site the server shows (in the live-reload script of every page)."""
        return int(re.search(r"livereload\((\d+),", self.get("")).group(1))

    def reloaded(self, epoch: int, seconds: float = 600) -> None:
        """Returns once the server shows a build newer than `epoch`: the moment a reader's browser
        reloads (MkDocs' live-reload script asks the same address, which answers when that happens)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            url = f"http://127.0.0.1:{self.port}/livereload/{epoch}/1"
            with urllib.request.urlopen(url, timeout=90) as response:
                if int(response.read()) > epoch:
                    return
        raise AssertionError(f"no rebuild within {seconds} s")

    def get(self, path: str) -> str:
        prefix = "/rprop-reference/"  # site_url's path
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{prefix}{path}", timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _locations(server: Server, index: str) -> set[str]:
    return {entry["location"].split("#")[0] for entry in json.loads(server.get(index))["docs"]}


def test_a_dirty_reload_shows_page_and_data_edits_and_keeps_the_whole_search_index(tmp_path):
    for name in COPIED:
        source, target = ROOT / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.npz"))
        else:
            shutil.copy2(source, target)
    server = Server(tmp_path)
    try:
        server.wait_for("Serving on")
        log = "".join(server.log)  # a fresh `make serve` says nothing alarming (issue 23)
        assert "Building documentation" in log and not re.search(r"WARNING|'dirty' build|stale files|prefix dict", log), log
        pages_en, pages_zh = _locations(server, "search/search_index.json"), _locations(server, "zh/search/search_index.json")
        assert len(pages_en) == len(pages_zh) >= 8, (pages_en, pages_zh)
        assert "Update rule" in server.get("rprop/") and "Dirty reload marker" not in server.get("")
        time.sleep(1.1)  # file times of the edits below differ from those of the first build's output

        home, epoch = tmp_path / "docs" / "index.en.md", server.epoch()
        home.write_text(home.read_text(encoding="utf-8") + "\n## Dirty reload marker\n\nMarker text.\n",
                        encoding="utf-8")
        server.reloaded(epoch)
        assert "Dirty reload marker" in server.get("")
        assert "Dirty reload marker" not in server.get("zh/")
        index_en = json.loads(server.get("search/search_index.json"))["docs"]
        assert any(entry["title"] == "Dirty reload marker" for entry in index_en)
        assert _locations(server, "search/search_index.json") == pages_en
        assert _locations(server, "zh/search/search_index.json") == pages_zh

        mapping = tmp_path / "data" / "rprop-mapping.yml"  # the mapping page's source stays as it was
        text, epoch = mapping.read_text(encoding="utf-8"), server.epoch()
        assert text.count("{en: Update rule, zh: 更新规则}") == 1
        mapping.write_text(text.replace("{en: Update rule, zh: 更新规则}", "{en: Edited rule, zh: 改过的规则}"),
                           encoding="utf-8")
        server.reloaded(epoch)
        assert "Edited rule" in server.get("rprop/") and "Update rule" not in server.get("rprop/")
        assert "改过的规则" in server.get("zh/rprop/")
        assert _locations(server, "search/search_index.json") == pages_en
        assert _locations(server, "zh/search/search_index.json") == pages_zh
        while not server.lines.empty():
            server.log.append(server.lines.get())
        assert not [line for line in server.log if "ERROR" in line or "WARNING" in line], "".join(server.log)
    finally:
        server.stop()
