"""``python -m bench.cost_allocate``: allocating a month of cost lines (1,000,000 by default)
with an allocation model of 50 rules, against a single SQL ``GROUP BY`` over the same lines
(the floor: one read of every line, summed), in one run, with the memory the run took.

On an embedded Postgres of its own: an organisation of 4 business units, 40 cost centers and 10
IT services; a month of lines over 5 billing accounts, 50 sub-accounts and 20 services, a third
tagged with a cost center and every line with one of 40 teams, loaded through
``models.costs.loading`` (staged by ``INSERT … SELECT`` from ``generate_series``, then swapped
in); driver tables for headcount and VM hours; a model of 50 rules (direct by tag, service,
sub-account and team; shared pools split evenly, by percentages, usage, headcount and a driver;
activity-based) put in force under change control. Then, timed: the ``GROUP BY`` (service and
team), and the allocation run (its rows/s, the Python heap's peak by ``tracemalloc`` and the
process's peak resident memory). Before the figures, the run's amounts must sum to the month's
cost to the cent."""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from devstack.postgres import start_embedded
from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models import CostCenter, ItService
from models.costs.allocating import allocate
from models.costs.allocation_runs import allocated_amounts
from models.costs.document_store import decide_document, propose_document
from models.costs.loading import open_load, swap_in
from models.db import build_engine, session_factory, unit_of_work
from models.migrate import upgrade_to_head
from models.people.accounts import upsert_user
from services.costs.allocation import record_drivers

PERIOD = date(2024, 9, 1)
START = datetime(2024, 9, 1, tzinfo=UTC)
ACCOUNTS, SUB_ACCOUNTS, SERVICES, TEAMS, CENTERS, IT_SERVICES = 5, 50, 20, 40, 40, 10
RULES = 50


def load_month(engine: Engine, rows: int) -> None:
    """``rows`` lines of the month over the billing accounts, one load (slice) each."""
    with engine.begin() as connection:
        source = connection.scalar(
            text(
                "INSERT INTO cost_sources (name, format, provider, base_currency) VALUES "
                "(:name, 'focus', 'AWS', 'EUR') RETURNING id"
            ),
            {"name": f"bench-{uuid.uuid4().hex[:6]}"},
        )
    for account in range(ACCOUNTS):
        load_id = open_load(
            engine,
            source_id=int(source),
            billing_account_id=f"acct-{account}",
            billing_period_start=START,
            file_name="bench.csv",
            file_hash=uuid.uuid4().hex,
        )
        with engine.begin() as connection:
            connection.execute(text(_LINES.format(load=load_id)), _line_params(rows, account))
        swap_in(engine, load_id)


_LINES = (
    "INSERT INTO cost_partitions.cost_lines_load_{load} (slice_id, load_id, file_row, "
    "billing_account_id, billing_period_start, charge_period_start, charge_category, "
    "sub_account_id, service_name, resource_id, consumed_quantity, billed_cost, effective_cost, "
    "billing_currency, base_currency, effective_cost_base, tags_normalised) "
    "SELECT s.id, {load}, n, :account, :start, :start + (n % 30) * interval '1 day', 'Usage', "
    "'sub-' || (n % :subs), 'service-' || (n % :services), 'r-' || :account || '-' || n, "
    "(n % 97)::numeric / 4, c, c, 'EUR', 'EUR', c, jsonb_build_object('team', 'team-' || "
    "(n % :teams)) || CASE WHEN n % 3 = 0 THEN jsonb_build_object('cost_center', 'CC-' || "
    "(n % :centers)) ELSE '{{}}'::jsonb END FROM (SELECT n, ((n * 7919) % 100003)::numeric / "
    "997 - 3 AS c FROM generate_series(1, :count) n) g, cost_loads l JOIN cost_slices s ON "
    "s.id = l.slice_id WHERE l.id = {load}"
)


def _line_params(rows: int, account: int) -> dict[str, Any]:
    count = rows // ACCOUNTS + (1 if account < rows % ACCOUNTS else 0)
    return {
        "account": f"acct-{account}",
        "start": START,
        "subs": SUB_ACCOUNTS,
        "services": SERVICES,
        "teams": TEAMS,
        "centers": CENTERS,
        "count": count,
    }


def organisation(session: Session) -> Any:
    """The units, cost centers, services, drivers and the 50-rule model in force; its author."""
    author = upsert_user(session, "bench-finance", roles=[Role.FINANCE])
    approver = upsert_user(session, "bench-finops", roles=[Role.FINOPS])
    units = [CostCenter(code=f"BU-{n}", name=f"Unit {n}", owner_id=author.id) for n in range(4)]
    session.add_all(units)
    session.flush()
    session.add_all(
        CostCenter(code=f"CC-{n}", name=f"Team {n}", owner_id=author.id, parent_id=units[n % 4].id)
        for n in range(CENTERS)
    )
    session.flush()
    provider = session.scalar(text("SELECT id FROM cost_centers WHERE code = 'CC-0'"))
    session.add_all(
        ItService(code=f"SVC-{n}", name=f"Service {n}", owner_id=author.id,
                  provider_cost_center_id=provider)
        for n in range(IT_SERVICES)
    )  # fmt: skip
    session.flush()
    record_drivers(
        session, PERIOD, "headcount", {f"CC-{n}": str(n % 7) for n in range(CENTERS)}, author
    )
    record_drivers(
        session, PERIOD, "vm_hours", {f"SVC-{n}": str(10 + n) for n in range(IT_SERVICES)}, author
    )
    document = {"rules": model_rules()}
    kind = DocumentKind.ALLOCATION_MODEL
    proposed = propose_document(session, kind, document, note="bench", author=author, at=START)
    decide_document(
        session, kind, proposed.version, decider=approver, approve=True, note="", at=START
    )
    return author, proposed


def model_rules() -> list[dict[str, Any]]:
    """50 rules: the cost-center tag first, then rules of every kind by service (15 of the 20),
    by sub-account and by team; what none takes stays unallocated."""
    rules: list[dict[str, Any]] = [
        {"name": "tagged", "kind": "direct", "to": {"cost_center_tag": "cost_center"}}
    ]
    for n in range(RULES - 1):
        match = (
            {"service": f"service-{n}"}
            if n < 15
            else {"sub_account": [f"sub-{n}", f"sub-{n + 10}"]}
            if n < 30
            else {"tag": {"key": "team", "value": f"team-{n}"}}
        )
        rules.append({"name": f"rule-{n}", "match": match, **_kind(n)})
    return rules


def _kind(n: int) -> dict[str, Any]:
    targets = [{"cost_center": f"CC-{(n + k) % CENTERS}"} for k in range(4)]
    kinds: list[dict[str, Any]] = [
        {"kind": "direct", "to": {"cost_center": f"CC-{n % CENTERS}"}},
        {"kind": "direct", "to": {"service": f"SVC-{n % IT_SERVICES}"}},
        {"kind": "shared", "key": {"by": "even", "targets": targets}},
        {"kind": "shared", "key": {"by": "percentages", "targets": [
            {**t, "percent": p} for t, p in zip(targets, (40, 30, 20, 10), strict=True)]}},
        {"kind": "shared", "key": {"by": "usage"}},
        {"kind": "shared", "key": {"by": "headcount"}},
        {"kind": "activity", "driver": "vm_hours"},
    ]  # fmt: skip
    return kinds[n % len(kinds)]


def group_by_seconds(engine: Engine) -> float:
    """Seconds for the floor: every line of the month read once and summed per service and
    team, in one statement."""
    with engine.connect() as connection:
        started = time.perf_counter()
        connection.execute(
            text(
                "SELECT service_name, tags_normalised ->> 'team', SUM(effective_cost_base), "
                "COUNT(*) FROM cost_lines WHERE billing_period_start = :start GROUP BY 1, 2"
            ),
            {"start": START},
        ).all()
        return time.perf_counter() - started


def measure(rows: int, folder: Path) -> dict[str, Any]:
    postgres = start_embedded(folder / "pgdata")
    try:
        engine = build_engine(postgres.url(), pool_size=2)
        upgrade_to_head(engine)
        load_month(engine, rows)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE cost_lines"))
        sessions = session_factory(engine)
        with unit_of_work(sessions) as session:
            author, model = organisation(session)
        floor = min(group_by_seconds(engine) for _ in range(2))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        started = time.perf_counter()
        with unit_of_work(sessions) as session:
            run = allocate(session, PERIOD, model, author.id, start_month=1)
        seconds = time.perf_counter() - started
        _, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with sessions() as session:
            checked = _checked(session, run.id)
        engine.dispose()
    finally:
        postgres.stop()
    return {
        "rows": rows,
        "rules": RULES,
        "group_by_rows_per_s": round(rows / floor),
        "allocate_rows_per_s": round(rows / seconds),
        "ratio_to_group_by": round(floor / seconds, 3),
        "group_by_seconds": round(floor, 2),
        "allocate_seconds": round(seconds, 2),
        "python_heap_peak_mib": round(heap_peak / 2**20, 1),
        "process_rss_before_mib": round(rss_before / 1024, 1),
        "process_rss_peak_mib": round(rss_peak / 1024, 1),
        **checked,
        "cpus": os.cpu_count(),
    }


def _checked(session: Session, run_id: int) -> dict[str, Any]:
    """The run's amounts against the month's cost, to the cent; refused when they differ."""
    cost = session.scalar(
        text("SELECT SUM(effective_cost_base) FROM cost_lines WHERE billing_period_start = :s"),
        {"s": START},
    )
    amounts = allocated_amounts(session, run_id)
    total = sum((row.amount for row in amounts), Decimal(0))
    expected = Decimal(cost).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    if total != expected:
        raise SystemExit(f"the run allocated {total}, the month cost {expected}")
    unallocated = sum((row.amount for row in amounts if row.cost_center is None), Decimal(0))
    return {"cost": str(expected), "unallocated": str(unallocated), "amount_rows": len(amounts)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cost_allocate", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench-cost-allocate.json"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-allocate-") as folder:
        figures = measure(options.rows, Path(folder))
    options.out.write_text(json.dumps(figures, indent=2))
    for name, value in figures.items():
        print(f"{name:<28}{value:>16}")
    print(f"\nwritten to {options.out}")


if __name__ == "__main__":
    main()
