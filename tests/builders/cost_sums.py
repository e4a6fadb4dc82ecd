"""Independent sums of a real cost file, computed by DuckDB from the file's own columns, to check
what poflow stored and sums against."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from tests.adapters.costs.test_cost_totals import METRICS, SOURCE_SUMS
from tests.builders.cost_files import AWS_CUR_SAMPLE


def duckdb_by_service() -> dict[str, dict[str, Decimal]]:
    """The AWS CUR sample's BilledCost, EffectiveCost and ListCost per service."""
    sums = ", ".join(f"sum({SOURCE_SUMS['aws-cur'][m]})" for m in METRICS)
    query = (
        f"SELECT \"product/ProductName\", {sums} FROM read_csv('{AWS_CUR_SAMPLE}', "
        "all_varchar=true, header=true, nullstr=['']) GROUP BY 1"
    )
    return {
        service: {m: Decimal(v).normalize() for m, v in zip(METRICS, values, strict=True)}
        for service, *values in duckdb.connect().execute(query).fetchall()
    }
