"""`build_date` for the templates: the day (UTC, YYYY-MM-DD) the build is dated by.

That is SOURCE_DATE_EPOCH, which the Makefile and the tests set to the last commit's time (as
MkDocs dates the sitemap), else the last commit's time read from git, else none. Never the clock:
the same sources must give the same site.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path


def build_date(root: Path) -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True,
                                   text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None
    if not epoch:
        return None
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()


def on_env(env, config, **_):
    env.globals["build_date"] = build_date(Path(config.config_file_path).parent)
    return env
