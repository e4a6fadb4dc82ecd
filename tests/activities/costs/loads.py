"""Builders for the cost-load activity tests: a committed source configured as finance would
configure it, a file handed to the ingest activity as the workflow hands it over, and what a
reader of the cost tables then sees."""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from temporalio.testing import ActivityEnvironment

from activities.costs.ingest import CostLoadActivities
from adapters.ecb_rates import EcbRates
from domain.costs.load_messages import FetchedFile, IngestOutcome, IngestRequest, StagedLoad
from domain.costs.quality_rules import RULES

KEEP_EVERYTHING = {rule.id: "keep_and_flag" for rule in RULES}
_RATES = EcbRates()


def a_cost_source(engine: Engine, file_format: str = "auto", **config: Any) -> str:
    """A committed source named uniquely; ``config`` sets any other column of cost_sources."""
    name = f"src-{uuid.uuid4().hex[:10]}"
    values = {
        "name": name,
        "format": file_format,
        "provider": "Cloud",
        "base_currency": "USD",
        **config,
    }
    json_columns = {"column_mapping", "quality_actions", "location"}
    statement = text(
        f"INSERT INTO cost_sources ({', '.join(values)}) "
        f"VALUES ({', '.join(':' + key for key in values)})"
    ).bindparams(*(bindparam(key, type_=JSONB) for key in values if key in json_columns))
    with engine.begin() as connection:
        connection.execute(statement, values)
    return name


def source_id(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        query = text("SELECT id FROM cost_sources WHERE name = :name")
        return int(connection.scalar(query, {"name": name}))


def fetched(path: Path, name: str | None = None) -> FetchedFile:
    data = path.read_bytes()
    return FetchedFile(str(path), name or path.name, hashlib.sha256(data).hexdigest(), len(data))


def staged_loads(outcomes: Iterable[IngestOutcome]) -> tuple[StagedLoad, ...]:
    """The loads the run's earlier files opened, as the workflow hands them to the next file."""
    loads = {
        part["load_id"]: StagedLoad(
            part["load_id"],
            part["slice_id"],
            part["billing_account_id"],
            part["billing_period_start"],
        )
        for outcome in outcomes
        for part in outcome.report["slices"]
    }
    return tuple(loads.values())


def activities(
    engine: Engine, batch_rows: int = 50_000, set_based: bool = True
) -> CostLoadActivities:
    return CostLoadActivities(engine, _RATES.rate, batch_rows=batch_rows, set_based=set_based)


def ingest(
    engine: Engine,
    source: str,
    path: Path,
    *,
    period: str | None = None,
    batch_rows: int = 50_000,
    heartbeats: list[Any] | None = None,
    set_based: bool = True,
) -> IngestOutcome:
    """The file ingested as the ingest activity, in an activity context."""
    environment = ActivityEnvironment()
    if heartbeats is not None:
        environment.on_heartbeat = lambda *details: heartbeats.append(details)
    request = IngestRequest(source, fetched(path), period, workflow_id=f"cost-load-{source}")
    outcome: IngestOutcome = environment.run(
        activities(engine, batch_rows, set_based).ingest_cost_file, request
    )
    return outcome


def load_run(engine: Engine, source: str, *paths: Path, period: str) -> list[IngestOutcome]:
    """The files ingested in turn as the workflow runs them (each adding to the loads the
    earlier ones opened), then every load of the run swapped in."""
    outcomes: list[IngestOutcome] = []
    for index, path in enumerate(paths):
        request = IngestRequest(
            source, fetched(path), period, f"cost-load-{source}", index, staged_loads(outcomes)
        )
        outcomes.append(ActivityEnvironment().run(activities(engine).ingest_cost_file, request))
    run = sorted({load for outcome in outcomes for load in outcome.load_ids})
    ActivityEnvironment().run(activities(engine).swap_in_cost_loads, run)
    return outcomes


def load_file(engine: Engine, source: str, path: Path, **options: Any) -> IngestOutcome:
    """Ingest the file and swap its loads in."""
    outcome = ingest(engine, source, path, **options)
    ActivityEnvironment().run(activities(engine).swap_in_cost_loads, list(outcome.load_ids))
    return outcome


def stored_lines(engine: Engine, source: str, columns: str) -> list[Any]:
    """``columns`` of every visible line of the source, in slice and file-row order."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    f"SELECT {columns} FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id "
                    "JOIN cost_sources src ON src.id = s.source_id WHERE src.name = :source "
                    "ORDER BY s.billing_account_id, l.file_row"
                ),
                {"source": source},
            )
        )


def loads_of(engine: Engine, source: str) -> list[Mapping[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.* FROM cost_loads l JOIN cost_sources src ON src.id = l.source_id "
                "WHERE src.name = :source ORDER BY l.id"
            ),
            {"source": source},
        )
        return [dict(row._mapping) for row in rows]


# A FOCUS 1.2 line holding every column FOCUS requires, in September 2024.
FOCUS_LINE: dict[str, str] = {
    "BillingAccountId": "111",
    "SubAccountId": "sub-1",
    "BillingPeriodStart": "2024-09-01T00:00:00Z",
    "BillingPeriodEnd": "2024-10-01T00:00:00Z",
    "ChargePeriodStart": "2024-09-02T00:00:00Z",
    "ChargePeriodEnd": "2024-09-03T00:00:00Z",
    "ChargeCategory": "Usage",
    "ChargeClass": "",
    "ProviderName": "AWS",
    "PublisherName": "AWS",
    "InvoiceIssuerName": "AWS",
    "ServiceName": "Amazon EC2",
    "ServiceCategory": "Compute",
    "BilledCost": "10",
    "EffectiveCost": "10",
    "ListCost": "10",
    "ContractedCost": "10",
    "BillingCurrency": "USD",
    "Tags": "",
}


def _whole(line: Mapping[str, str]) -> dict[str, str]:
    whole = {**FOCUS_LINE, **line}
    if "ChargePeriodStart" in line and "ChargePeriodEnd" not in line:
        start = datetime.fromisoformat(line["ChargePeriodStart"])
        whole["ChargePeriodEnd"] = f"{start.date() + timedelta(days=1)}T00:00:00Z"
    return whole


def focus_file(path: Path, *lines: Mapping[str, str]) -> Path:
    """A FOCUS CSV of ``FOCUS_LINE`` with each line's changes; a line given a charge start and
    no end is charged for that day; a column FOCUS_LINE lacks is added, empty where not given."""
    header = list(dict.fromkeys([*FOCUS_LINE, *(column for line in lines for column in line)]))
    rows = [[_whole(line).get(column, "") for column in header] for line in lines]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def cost_centers_and_gl_accounts(
    engine: Engine,
) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Three committed cost centers (with an owner) and three GL accounts; their ids."""
    suffix = uuid.uuid4().hex[:8]
    with engine.begin() as connection:
        owner = connection.scalar(
            text(
                "INSERT INTO users (username, display_name, email) "
                "VALUES (:name, 'Owner', 'owner@example.com') RETURNING id"
            ),
            {"name": f"owner-{suffix}"},
        )
        centers = tuple(
            int(
                connection.scalar(
                    text(
                        "INSERT INTO cost_centers (code, name, owner_id) "
                        "VALUES (:c, :c, :o) RETURNING id"
                    ),
                    {"c": f"CC-{n}-{suffix}", "o": owner},
                )
            )
            for n in range(3)
        )
        accounts = tuple(
            int(
                connection.scalar(
                    text("INSERT INTO gl_accounts (code, name) VALUES (:c, :c) RETURNING id"),
                    {"c": f"GL-{n}-{suffix}"},
                )
            )
            for n in range(3)
        )
    return centers, accounts  # type: ignore[return-value]
