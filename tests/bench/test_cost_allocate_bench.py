"""``python -m bench.cost_allocate`` end to end at a tiny size: it loads the month, puts the
50-rule model in force, times the floor and the run, and writes every figure. Its timings are
not asserted; what it proves is that the run's amounts sum to the month's cost to the cent
(the bench refuses to print otherwise) with some cost left unallocated."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

FIGURES = (
    "group_by_rows_per_s",
    "allocate_rows_per_s",
    "ratio_to_group_by",
    "python_heap_peak_mib",
    "process_rss_peak_mib",
)


def test_a_tiny_allocation_bench_reports_every_figure(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "cost-allocate.json"
    command = [sys.executable, "-m", "bench.cost_allocate", "--rows", "2000", "--out", str(out)]
    finished = subprocess.run(
        command, cwd=repo_root, capture_output=True, text=True, timeout=600, check=False
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    figures = json.loads(out.read_text())
    assert all(name in figures for name in FIGURES), sorted(figures)
    assert (figures["rows"], figures["rules"]) == (2000, 50)
    assert Decimal(figures["unallocated"]) != 0 and Decimal(figures["cost"]) != 0
