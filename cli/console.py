"""What `poflow up` prints while it runs: each piece's whole output (access log, mail server
dialogue, tracebacks) goes to its log file under the data folder, and the console gets one
short line for each warning or error, so a person sees what needs them and where to read more."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path
from typing import IO

import typer

# A record at WARNING or above: poflow's format ("<date> <time> LEVEL logger message") or
# uvicorn's ("LEVEL:    message").
_NOTABLE = re.compile(
    r"^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ )?(?P<line>(?:WARNING|ERROR|CRITICAL)\b:?\s*.*)$"
)
# Temporal's record of a failed activity attempt, whose details run over a long dict and a
# traceback: told as which activity of which PO failed, and that Temporal retries it.
_ACTIVITY_FAILED = re.compile(
    r"Completing activity as failed \(.*'activity_type': '(?P<activity>[^']+)', "
    r"'attempt': (?P<attempt>\d+),.*'workflow_id': '(?P<workflow>[^']+)'"
)
LINE_WIDTH = 160


def log_file(data_dir: Path, piece: str) -> Path:
    """Where ``piece``'s output goes (``worker.log``, ``api.log``, ``simulators.log``)."""
    return data_dir / "logs" / f"{piece}.log"


def spawn_logged(
    piece: str, command: list[str], environment: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start ``command`` with its output appended to ``log_path`` and its warnings and errors
    told on the console, one line each."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        command,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A session of its own: Ctrl-C reaches only `poflow up`, which stops the pieces in order.
        start_new_session=True,
    )
    assert process.stdout is not None
    relay = threading.Thread(target=_relay, args=(piece, process.stdout, log_path), daemon=True)
    relay.start()
    return process


def notable(line: str) -> str | None:
    """The console's line for a warning or error record, shortened; None for anything else."""
    found = _NOTABLE.match(line.rstrip())
    if found is None:
        return None
    text = " ".join(found["line"].split())
    failed = _ACTIVITY_FAILED.search(text)
    if failed is not None:
        text = (
            f"WARNING {failed['activity']} for {failed['workflow']} failed "
            f"(attempt {failed['attempt']}); Temporal retries it"
        )
    return text if len(text) <= LINE_WIDTH else text[: LINE_WIDTH - 1] + "…"


def _relay(piece: str, output: IO[bytes], log_path: Path) -> None:
    with log_path.open("ab") as log:
        for raw in output:
            log.write(raw)
            log.flush()
            told = notable(raw.decode(errors="replace"))
            if told is not None:
                typer.echo(f"  {piece}: {told}")
