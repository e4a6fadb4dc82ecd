"""``python -m bench.cost_summary`` end to end at a small size: it starts its own Postgres, loads
the scaled sample through the loader, checks the API's sums by service and by tag against
DuckDB's (it exits non-zero when they differ) and prints every figure. Timings are not
asserted."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_a_small_cost_summary_bench_run_reports_every_figure(
    tmp_path: Path, repo_root: Path
) -> None:
    out = tmp_path / "costs.json"
    command = [sys.executable, "-m", "bench.cost_summary", "--rows", "3000", "--repeats", "2"]
    finished = subprocess.run(
        [*command, "--out", str(out)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    figures = json.loads(out.read_text())
    assert figures["lines"] == 3000
    assert figures["tag team: groups"] == 3  # the sample's 1,281 lines, copied three times over
    for name in ("service", "tag team", "tag env (lines)"):
        assert f"{name}: ratio api/duckdb" in figures
        assert f"{name}: ratio api/duckdb" in finished.stdout
