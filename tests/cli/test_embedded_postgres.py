"""A `poflow` command run while `make run` is stopped starts the embedded Postgres for itself
and stops it on its way out; one that finds it running (`make run`'s) leaves it running."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.postgres import start_embedded
from tests.builders.processes import clean_environment, run_cli


def poflow(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    """``poflow ARGS`` with no DATABASE_URL: the embedded server in ``data``."""
    return run_cli(args, clean_environment(POFLOW_DATA_DIR=str(data)), data.parent, timeout=120)


def postmaster(pgdata: Path) -> int | None:
    """The pid of the server running on ``pgdata``, or None when none runs."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    """The data folder; a server a failing command left on it is stopped afterwards."""
    yield tmp_path / "data"
    left = postmaster(tmp_path / "data" / "pgdata")
    if left is not None:
        os.kill(left, signal.SIGTERM)


def test_a_command_stops_the_postgres_it_started(data: Path) -> None:
    migrated = poflow(["migrate"], data)
    assert migrated.returncode == 0, migrated.stderr
    assert "database schema is up to date" in migrated.stdout
    assert (data / "pgdata" / "PG_VERSION").exists()
    assert postmaster(data / "pgdata") is None, "migrate left the server it started running"

    refused = poflow(["users", "token", "nobody", "--quiet"], data)
    assert refused.returncode != 0
    assert postmaster(data / "pgdata") is None, "a failed command left its server running"


def test_a_command_leaves_running_the_postgres_it_found_running(data: Path) -> None:
    running = start_embedded(data / "pgdata")  # as `poflow up` holds it
    try:
        pid = postmaster(data / "pgdata")
        assert pid is not None
        migrated = poflow(["migrate"], data)
        assert migrated.returncode == 0, migrated.stderr
        assert postmaster(data / "pgdata") == pid
    finally:
        running.stop()
    assert postmaster(data / "pgdata") is None
