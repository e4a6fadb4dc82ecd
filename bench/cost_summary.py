"""``python -m bench.cost_summary``: ``GET /api/costs/summary`` over one month of cost lines
(1,000,000 by default), grouped by service and by a tag key, against DuckDB's time for the same
query on the same file, printed as ratios in one run.

The month is the real AWS CUR sample (tests/data/costs/aws-cur, 1,281 lines of November 2023,
usage and tax) copied until it holds ``--rows`` lines; each copy is tagged ``team`` (one of 20
teams, named by the source's tag policy, so the daily roll-ups hold it) and each line ``env``
(not in the policy, so that summary reads the lines), and its lines are numbered on. The same
lines are written once as a FOCUS CSV, which DuckDB reads (its time includes reading the file),
and loaded once through ``models.costs.loading`` (COPY, swap, roll-ups), which the API reads.
Before anything is timed, every group's billed cost from the API must equal DuckDB's to the last
digit. Postgres, the app and its data live in a folder of their own, removed at the end."""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx
from sqlalchemy import Engine, text

from adapters.costs.open_file import open_cost_file
from api.app import create_app
from bench.stats import percentile
from devstack.postgres import start_embedded
from devstack.serving import loopback_socket, served, url_of
from domain.catalog import Role
from domain.costs.cost_row import CostRow
from domain.costs.detect import detect_format
from domain.costs.normalise import Normaliser
from models.costs.loading import copy_lines, open_load, swap_in
from models.db import build_engine, session_factory, unit_of_work
from models.migrate import upgrade_to_head
from models.people.accounts import issue_api_token, upsert_user
from settings import Settings

SAMPLE = Path(__file__).resolve().parents[1] / "tests/data/costs/aws-cur"
SAMPLE_FILE = SAMPLE / "sample-anonymous-aws-export-dataset.csv"
TEAMS = 20
COLUMNS = (
    "BillingAccountId", "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
    "ChargePeriodEnd", "ChargeCategory", "ProviderName", "ServiceName", "RegionId",
    "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "BillingCurrency", "Tags",
)  # fmt: skip
# Each grouping as the API is asked for it, and as DuckDB computes it from the file.
# ``env`` is not in the tag policy, so that summary reads the lines, not the roll-ups.
QUERIES = {
    "service": ("service", "ServiceName"),
    "tag team": ("tag.team", "json_extract_string(Tags, '$.team')"),
    "tag env (lines)": ("tag.env", "json_extract_string(Tags, '$.env')"),
}
ENVIRONMENTS = ("prod", "test", "dev")


def scaled(rows: int) -> Iterator[CostRow]:
    """The sample's normalised lines, copied and tagged by team until there are ``rows``."""
    reader = open_cost_file(SAMPLE_FILE)
    normaliser = Normaliser(reader.file, detect_format(reader.file, reader.header), reader.header)
    sample = [normaliser.normalise(row.row_number, row.values) for row in reader.rows()]
    for number in range(rows):
        line = sample[number % len(sample)]
        copy = number // len(sample)
        tags: dict[str, object] = {
            "team": f"team-{copy % TEAMS:02d}",
            "env": ENVIRONMENTS[number % len(ENVIRONMENTS)],
        }
        focus = {name: line.focus.get(name) for name in COLUMNS if name != "Tags"}
        yield replace(line, focus={**focus, "Tags": tags}, extras={}, row_number=number + 1)


def write_csv(rows: int, path: Path) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for line in scaled(rows):
            writer.writerow([_cell(line.focus.get(name)) for name in COLUMNS])


def _cell(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return json.dumps(value) if isinstance(value, dict) else str(value or "")


def load(engine: Engine, rows: int) -> None:
    """One source whose tag policy names ``team``; its month loaded as one file."""
    with engine.begin() as connection:
        source_id = connection.scalar(
            text(
                "INSERT INTO cost_sources (name, format, provider, base_currency, "
                "tag_policy_keys) VALUES ('aws-bench', 'focus', 'AWS', 'USD', '{team}') "
                "RETURNING id"
            )
        )
    first = next(scaled(1))
    load_id = open_load(
        engine,
        source_id=int(source_id),
        billing_account_id=str(first.focus["BillingAccountId"]),
        billing_period_start=first.focus["BillingPeriodStart"],  # type: ignore[arg-type]
        file_name="bench.csv",
        file_hash=f"bench-{rows}",
    )
    copy_lines(engine, load_id, scaled(rows))
    swap_in(engine, load_id)


def duckdb_sums(
    path: Path, expression: str
) -> tuple[dict[str | None, Decimal], Callable[[], object]]:
    source = f"read_csv('{path}', all_varchar=true, header=true)"
    query = (
        f"SELECT {expression}, sum(CAST(BilledCost AS DECIMAL(38, 20))) FROM {source} GROUP BY 1"
    )
    database = duckdb.connect()

    def run() -> list[tuple[str | None, Decimal]]:
        return database.execute(query).fetchall()

    return dict(run()), run


def api_sums(api: httpx.Client, group_by: str) -> dict[str | None, Decimal]:
    body = api.get("/api/costs/summary", params={"group_by": group_by}).json()
    return {
        group["group"][group_by]: Decimal(group["amounts"]["billed_cost"]["with_tax"])
        for group in body["groups"]
    }


def _summary_of(api: httpx.Client, group_by: str) -> Callable[[], object]:
    return lambda: api.get("/api/costs/summary", params={"group_by": group_by}).raise_for_status()


def p95_ms(call: Callable[[], object], repeats: int) -> float:
    call()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return 1000 * percentile(times, 95)


def measure(folder: Path, rows: int, repeats: int) -> dict[str, float]:
    """Every figure of the run; raises if a sum of the API differs from DuckDB's."""
    postgres = start_embedded(folder / "pgdata")
    try:
        database_url = postgres.url()
        engine = build_engine(database_url, pool_size=2)
        upgrade_to_head(engine)
        path = folder / "month.csv"
        write_csv(rows, path)
        load(engine, rows)
        with unit_of_work(session_factory(engine)) as session:
            user = upsert_user(session, "bench-finance", roles=[Role.FINANCE])
            token = issue_api_token(session, user, label="bench")
        settings = Settings(_env_file=None, data_dir=folder, environment="test")
        sock = loopback_socket()
        with (
            served(create_app(settings, database_url), sock),
            httpx.Client(
                base_url=url_of(sock), headers={"Authorization": f"Bearer {token}"}, timeout=120
            ) as api,
        ):
            return _timed(api, path, rows, repeats)
    finally:
        postgres.stop()


def _timed(api: httpx.Client, path: Path, rows: int, repeats: int) -> dict[str, float]:
    figures: dict[str, float] = {"lines": float(rows)}
    for name, (group_by, expression) in QUERIES.items():
        expected, run_duckdb = duckdb_sums(path, expression)
        if api_sums(api, group_by) != expected:
            raise AssertionError(f"the summary by {name} differs from DuckDB's sums")
        figures[f"{name}: groups"] = float(len(expected))
        summary_ms = p95_ms(_summary_of(api, group_by), repeats)
        duckdb_ms = p95_ms(run_duckdb, repeats)
        figures[f"{name}: api p95 ms"] = summary_ms
        figures[f"{name}: duckdb p95 ms"] = duckdb_ms
        figures[f"{name}: ratio api/duckdb"] = summary_ms / duckdb_ms
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cost_summary", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="cost lines in the month")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per query")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-costs-") as folder:
        figures = measure(Path(folder), options.rows, options.repeats)
    for name, value in figures.items():
        print(f"{name:<32} {value:>12,.2f}")
    if options.out:
        options.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
