"""Serve a built site on localhost and drive Debian's Chromium through Playwright.

`browser()` skips when Playwright or /usr/bin/chromium is missing — and fails instead when
`RPROP_REQUIRE_ORACLES=1` (CI). Never `playwright install`: it downloads a browser.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import yaml

import oracles
from sitebuild import ROOT

CHROMIUM = "/usr/bin/chromium"
SITE_PATH = urlsplit(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]).path
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def page_paths(site: Path) -> list[str]:
    """Every page of a built site as a path under its root ("" for the home page), 404 excluded."""
    return sorted(("" if p.parent == site else str(p.parent.relative_to(site)) + "/")
                  for p in site.rglob("index.html"))


@contextmanager
def serve(root: Path, prefix: str):
    """Serve `root` at http://127.0.0.1:PORT{prefix} (prefix: site_url's path, e.g. /x/)."""
    mount = root.parent / "served"
    shutil.rmtree(mount, ignore_errors=True)
    shutil.copytree(root, mount / prefix.strip("/"))
    handler = functools.partial(_QuietHandler, directory=str(mount))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for clients that accept it, as GitHub Pages serves them
    (so that Lighthouse measures realistic transfer sizes)."""

    COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if ("gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in self.COMPRESSIBLE
                or not path.is_file()):
            return super().send_head()  # directories without a slash get redirected there
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args):
        pass


@contextmanager
def browser():
    sync_api = oracles.require("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        oracles.unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield instance
        finally:
            instance.close()


# The number of text lines that boxes (DOMRects of text) lie on: boxes whose tops differ by less than
# half their height are on one line (code and Chinese fallback fonts sit a pixel or two apart).
LINES_OF = """const linesOf = rects => {
    const tops = [...rects].filter(r => r.width > 0).sort((a, b) => a.top - b.top);
    let lines = 0, last = -1e9;
    for (const r of tops) if (r.top - last > r.height / 2) { lines++; last = r.top; }
    return lines;
};"""
