"""Build the site the way the README's command does, for the tests."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The page that shows each runnable file of snippets/. A new snippet must be placed on a page here.
SNIPPET_PAGES = {"torch_rprop.py": "rprop/", "mindspore_rprop.py": "rprop/",
                 "mindspore_experimental_rprop.py": "port/",
                 "replay_record_torch.py": "port/", "replay_mindspore.py": "port/",
                 "rprop_checkpoint.py": "checkpoint/", "checkpoint_torch_to_mindspore.py": "port/",
                 "checkpoint_mindspore_to_torch.py": "port/",
                 **{f"port_{name}.py": "port-your-model/" for name in
                    ("names", "transfer", "record", "check", "layers", "optimizers", "your_model")}}


def load_hook(name: str):
    """A module of hooks/ (MkDocs loads them by path; they are not a package)."""
    spec = importlib.util.spec_from_file_location(f"hook_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def load_snippet(name: str):
    """A module of snippets/ (readers copy them as files, so they are not a package), imported
    once without leaving __pycache__ next to the files the site shows."""
    if name not in sys.modules:
        saved = sys.dont_write_bytecode
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(ROOT / "snippets"))
        try:
            importlib.import_module(name)
        finally:
            sys.path.remove(str(ROOT / "snippets"))
            sys.dont_write_bytecode = saved
    return sys.modules[name]


def commit_time() -> str:
    """The last commit's time (Unix seconds): the build date of a reproducible build."""
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "0"


def build(out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` into `out`, dated by the last commit (SOURCE_DATE_EPOCH, so that
    sitemap dates do not depend on the day of the build), with extra environment variables."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=commit_time(), **(env or {}))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
