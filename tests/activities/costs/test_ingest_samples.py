"""Every real sample, ingested by the activity and swapped in: its row count and its BilledCost,
EffectiveCost and ListCost totals per provider, service, charge category and billing period, as
a reader of cost_lines sees them, equal DuckDB's sums of the same file, to the last decimal."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine, text

from models.costs.lines import column_name
from tests.activities.costs.loads import KEEP_EVERYTHING, a_cost_source, load_file
from tests.adapters.costs.test_cost_totals import METRICS, SAMPLES, SOURCE_SUMS

# The source column DuckDB groups by for each FOCUS dimension a format carries as it is.
SOURCE_DIMENSIONS: dict[str, dict[str, str]] = {
    "aws-cur": {
        "ServiceName": '"product/ProductName"',
        "BillingPeriodStart": '"bill/BillingPeriodStartDate"',
    },
    "azure-ea": {"ServiceName": "MeterCategory"},
    "azure-ea-older": {"ServiceName": "MeterCategory"},
    "focus": {
        name: name
        for name in ("ProviderName", "ServiceName", "ChargeCategory", "BillingPeriodStart")
    },
}


def _read(csv: Path) -> str:
    return f"read_csv('{csv}', all_varchar=true, header=true, nullstr=['', 'null', 'NULL'])"


def _duckdb_groups(csv: Path, family: str, dimension: str) -> dict[object, tuple[object, ...]]:
    database = duckdb.connect()
    database.execute("SET TimeZone = 'UTC'")
    columns = [d[0] for d in database.execute(f"SELECT * FROM {_read(csv)} LIMIT 0").description]
    group = SOURCE_DIMENSIONS[family][dimension]
    if family == "focus" and dimension not in columns:
        group = "NULL"
    elif dimension == "BillingPeriodStart":  # every sample writes ISO dates: the month leads
        group = f"substr({group}, 1, 7)"
    sums = [
        f"sum({SOURCE_SUMS[family][m]})" if family != "focus" or m in columns else "NULL"
        for m in METRICS
    ]
    query = f"SELECT {group}, count(*), {', '.join(sums)} FROM {_read(csv)} GROUP BY 1"
    return {row[0]: _exact(row[1:]) for row in database.execute(query).fetchall()}


def _stored_groups(engine: Engine, source: str, dimension: str) -> dict[object, tuple[object, ...]]:
    column = f"l.{column_name(dimension)}"
    if dimension == "BillingPeriodStart":
        column = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
    sums = ", ".join(f"sum(l.{column_name(m)})" for m in METRICS)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                f"SELECT {column}, count(*), {sums} FROM cost_lines l "
                "JOIN cost_slices s ON s.id = l.slice_id JOIN cost_sources src "
                "ON src.id = s.source_id WHERE src.name = :source GROUP BY 1"
            ),
            {"source": source},
        )
        return {row[0]: _exact(row[1:]) for row in rows}


def _exact(values: Sequence[object]) -> tuple[object, ...]:
    """Decimals compared by value (DuckDB pads to its scale: 1.50000 is 1.5)."""
    return tuple(v.normalize() if isinstance(v, Decimal) else v for v in values)


@pytest.mark.parametrize(("csv", "family"), SAMPLES, ids=lambda value: getattr(value, "name", ""))
def test_stored_totals_per_dimension_equal_duckdbs(engine: Engine, csv: Path, family: str) -> None:
    source = a_cost_source(engine, quality_actions=KEEP_EVERYTHING)
    outcome = load_file(engine, source, csv)
    for dimension in SOURCE_DIMENSIONS[family]:
        expected = _duckdb_groups(csv, family, dimension)
        assert _stored_groups(engine, source, dimension) == expected, dimension
    rows = sum(int(str(counted[0])) for counted in expected.values())
    assert outcome.rows_read == outcome.rows_loaded == rows
