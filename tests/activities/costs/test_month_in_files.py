"""A month of one billing account delivered in two files is one load of both: the second file's
lines go into the load the first opened, each line and quarantined row knowing its file. A try
of the second file that fails part way (after a batch was committed) and is retried never
leaves a row twice, and the first file's lines survive the failure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import Engine, text
from temporalio.testing import ActivityEnvironment

from domain.costs.load_messages import IngestOutcome, IngestRequest
from tests.activities.costs.loads import (
    a_cost_source,
    activities,
    fetched,
    focus_file,
    loads_of,
    staged_loads,
)

ACCOUNT_111 = [{"BilledCost": f"{n}.{n:02d}", "SubAccountId": f"r-{n}"} for n in range(1, 8)]
SECOND = [
    *({"BilledCost": f"1{n}.5", "SubAccountId": f"s-{n}"} for n in range(1, 6)),
    {"BilledCost": "0", "EffectiveCost": "0", "SubAccountId": "zero"},  # quarantined
    {"BillingAccountId": "222", "BilledCost": "0.000000001"},  # a slice of its own
]


class WorkerLost(Exception):
    """The worker's link to Temporal gone while it reads: the try fails after its heartbeat."""


def _ingest(
    engine: Engine,
    source: str,
    path: Path,
    index: int,
    earlier: list[IngestOutcome],
    *,
    set_based: bool,
    fail_at_heartbeat: int | None = None,
) -> IngestOutcome:
    environment = ActivityEnvironment()
    beats: list[Any] = []

    def heartbeat(*details: Any) -> None:
        beats.append(details)
        if len(beats) == fail_at_heartbeat:
            raise WorkerLost(f"lost after heartbeat {len(beats)}")

    environment.on_heartbeat = heartbeat
    request = IngestRequest(
        source, fetched(path), "2024-09", f"cost-load-{source}", index, staged_loads(earlier)
    )
    ingest = activities(engine, batch_rows=2, set_based=set_based).ingest_cost_file
    outcome: IngestOutcome = environment.run(ingest, request)
    return outcome


def _stored(engine: Engine, source: str) -> list[tuple[str, int, int, Decimal]]:
    """Each visible line of the source: account, file index, file row, BilledCost."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.billing_account_id, l.file_index, l.file_row, l.billed_cost "
                "FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id "
                "JOIN cost_sources src ON src.id = s.source_id WHERE src.name = :source "
                "ORDER BY 1, 2, 3"
            ),
            {"source": source},
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


def _duckdb(*paths: Path) -> tuple[int, Decimal]:
    files = ", ".join(f"'{path}'" for path in paths)
    row = (
        duckdb.connect()
        .execute(
            "SELECT count(*), sum(CAST(BilledCost AS DECIMAL(38, 12))) FROM read_csv("
            f"[{files}], all_varchar=true, header=true) WHERE BilledCost <> '0'"
        )
        .fetchone()
    )
    assert row is not None
    return int(row[0]), Decimal(row[1]).normalize()


@pytest.mark.parametrize(
    ("set_based", "fail_at_heartbeat"),
    [(False, 2), (True, 2)],
    ids=["row-by-row, after a batch", "in Postgres, after its commit"],
)
def test_a_retried_second_file_adds_its_lines_once(
    engine: Engine, tmp_path: Path, set_based: bool, fail_at_heartbeat: int
) -> None:
    source = a_cost_source(engine, "focus", quality_actions={"zero_cost": "quarantine"})
    first = focus_file(tmp_path / "month-00001.csv", *ACCOUNT_111)
    second = focus_file(tmp_path / "month-00002.csv", *SECOND)
    one = _ingest(engine, source, first, 0, [], set_based=set_based)

    with pytest.raises(WorkerLost):
        _ingest(engine, source, second, 1, [one], set_based=set_based, fail_at_heartbeat=2)
    kept = {load["id"]: load for load in loads_of(engine, source)}
    assert kept[one.load_ids[0]]["status"] == "loading"  # the first file's load survives
    two = _ingest(engine, source, second, 1, [one], set_based=set_based)  # Temporal's retry
    run = sorted({*one.load_ids, *two.load_ids})
    ActivityEnvironment().run(activities(engine).swap_in_cost_loads, run)

    stored = _stored(engine, source)
    rows, billed = _duckdb(first, second)
    assert (len(stored), sum(line[3] for line in stored)) == (rows, billed)
    assert [line[:3] for line in stored] == [
        *(("111", 0, row) for row in range(1, 8)),
        *(("111", 1, row) for row in range(1, 6)),
        ("222", 1, 7),
    ]
    loads = {load["id"]: load for load in loads_of(engine, source)}
    month = loads[one.load_ids[0]]
    assert (month["status"], month["rows_loaded"], month["rows_quarantined"]) == (
        "current",
        12,
        1,
    )
    assert [(f["name"], f["rows"]) for f in month["report"]["files"]] == [
        ("month-00001.csv", 7),
        ("month-00002.csv", 7),
    ]
    assert month["report"]["quality"]["zero_cost"]["rows"] == 1
    with engine.connect() as connection:
        quarantined = connection.execute(
            text("SELECT file_index, file_row FROM cost_quarantined_lines WHERE load_id = :l"),
            {"l": month["id"]},
        ).all()
    assert [tuple(q) for q in quarantined] == [(1, 6)]
