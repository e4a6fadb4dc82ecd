"""``python -m bench`` end to end at a tiny size: it starts its own stack, measures every figure,
writes the JSON file and stops what it started. Its timings are not asserted; what it proves
is (contention: exactly what the line holds is reserved, nothing overspent)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

FIGURES = (
    "throughput ratio",
    "decision p99 ratio",
    "contention reservations/s",
    "inbox api p99 ms",
    "inbox page p99 ms",
    "worker RSS MiB, before",
)


def test_a_tiny_bench_run_reports_every_figure(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "bench", "--n", "3", "--repeats", "1", "--concurrency", "3"]
    command += ["--open-pos", "20", "--out", str(out), "--folder", str(tmp_path / "stack")]
    command += ["--workers", "2"]
    finished = subprocess.run(
        command, cwd=repo_root, capture_output=True, text=True, timeout=600, check=False
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    result = json.loads(out.read_text())
    figures = result["figures"]
    assert all(name in figures for name in FIGURES), sorted(figures)
    assert figures["contention reserved"]["max"] == 50.0
    assert figures["contention overspent (0/1)"]["max"] == 0.0
    assert result["machine"]["versions"]["temporalio"]
    assert result["plan"]["workers"] == 2
    logs = sorted(path.name for path in (tmp_path / "stack").glob("*.log"))
    assert {"worker-0.log", "worker-1.log", "bare-0.log", "bare-1.log"} <= set(logs), logs
    assert "throughput ratio" in finished.stdout
    assert not (tmp_path / "stack" / "pgdata" / "postmaster.pid").exists()  # Postgres stopped
