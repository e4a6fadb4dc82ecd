"""poflow's own processes, as a person starts them: the environment they get, a CLI command run to
its end, and the wait until a started app answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from settings import environment_names


def clean_environment(
    settings: Mapping[str, str] | None = None, /, **values: str
) -> dict[str, str]:
    """This process's environment without any poflow setting, plus ``settings`` and ``values``:
    a process started by a test reads what the test says, never the developer's configuration."""
    env = {k: v for k, v in os.environ.items() if k not in environment_names()}
    env.update(settings or {}, **values)
    return env


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``poflow ARGS`` run to its end with ``env``; its exit code and output, never raised."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_poflow(env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    """``poflow worker`` and ``poflow api`` as their own processes, each logging to
    ``logs/<piece>.log``; the caller terminates them."""
    return [
        subprocess.Popen(
            [sys.executable, "-m", "cli", piece],
            env=env,
            stdout=(logs / f"{piece}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        for piece in ("worker", "api")
    ]


def wait_ready(url: str, seconds: float = 60) -> None:
    """Return once ``url/readyz`` answers 200; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never became ready")
