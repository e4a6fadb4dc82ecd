"""Running the `poflow` command as its own process against a database, as an operator would."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.builders.processes import clean_environment, run_cli


def poflow(args: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``poflow ARGS`` with DATABASE_URL set and no other poflow setting from this environment."""
    return run_cli(args, clean_environment(DATABASE_URL=database_url), cwd)
