"""The worker side of ``bench.cost_ingest``: in a process of its own, ingest one file with the
activity as a worker runs it (activity context, heartbeats, ECB rates), swap its loads in, and
print the figures as one JSON line: seconds, rows, and resident memory before and at its peak."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from datetime import date
from pathlib import Path

from temporalio.testing import ActivityEnvironment

from activities.costs.ingest import CostLoadActivities
from adapters.ecb_rates import EcbRates
from domain.costs.load_messages import FetchedFile, IngestRequest
from models.db import build_engine


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} in /proc/self/status")


def main(database_url: str, source: str, path: str) -> None:
    file = Path(path)
    digest = hashlib.sha256()
    with file.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    fetched = FetchedFile(str(file), file.name, digest.hexdigest(), file.stat().st_size)
    engine = build_engine(database_url, pool_size=2)
    rates = EcbRates()
    rates.rate("USD", "EUR", date(2023, 11, 1))  # the ECB history loaded before the clock starts
    activities = CostLoadActivities(engine, rates.rate)
    rss_before = _status_mib("VmRSS")
    started = time.perf_counter()
    outcome = ActivityEnvironment().run(
        activities.ingest_cost_file, IngestRequest(source, fetched, None, "bench")
    )
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ActivityEnvironment().run(activities.swap_in_cost_loads, list(outcome.load_ids))
    swap_seconds = time.perf_counter() - started
    figures = {
        "rows_loaded": outcome.rows_loaded,
        "rows_flagged": outcome.rows_flagged,
        "rows_quarantined": outcome.rows_quarantined,
        "ingest_seconds": round(ingest_seconds, 2),
        "swap_seconds": round(swap_seconds, 2),
        "worker_rss_before_mib": rss_before,
        "worker_peak_rss_mib": _status_mib("VmHWM"),
        "quality": {rule: found["rows"] for rule, found in outcome.report["quality"].items()},
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main(*sys.argv[1:4])
