"""``python -m bench.cost_ingest`` end to end at a tiny size: it makes the FOCUS file, runs the
raw COPY and the ingest in a worker process, swaps in, and writes every figure. Its timings
are not asserted; what it proves is that every line of the scaled file is loaded, none a
duplicate of another or quarantined."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

FIGURES = (
    "raw_copy_rows_per_s",
    "ingest_rows_per_s",
    "ratio",
    "worker_peak_rss_mib",
    "worker_rss_before_mib",
    "swap_seconds",
)


def test_a_tiny_cost_ingest_bench_reports_every_figure(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "cost-ingest.json"
    command = [sys.executable, "-m", "bench.cost_ingest", "--rows", "3000", "--out", str(out)]
    finished = subprocess.run(
        command, cwd=repo_root, capture_output=True, text=True, timeout=600, check=False
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    figures = json.loads(out.read_text())
    assert all(name in figures for name in FIGURES), sorted(figures)
    assert (figures["rows"], figures["rows_loaded"], figures["rows_quarantined"]) == (3000, 3000, 0)
    report = figures["quality"]
    assert report["duplicate"] == 0 and report["missing_mandatory"] == 0
