"""Running the `poflow` command as its own process against a database, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from settings import environment_names


def poflow(args: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``poflow ARGS`` with DATABASE_URL set and no other poflow setting from this environment."""
    env = {k: v for k, v in os.environ.items() if k not in environment_names()}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
