"""Every real sample's row count and BilledCost / EffectiveCost / ListCost totals, read as CSV,
CSV.gz and Parquet, equal DuckDB's own sum of the same file, to the last decimal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.builders.cost_files import (
    AWS_CUR_SAMPLE,
    AZURE_EA_OLDER_SAMPLE,
    AZURE_EA_SAMPLE,
    FOCUS_SAMPLES,
    as_cur2_parquet,
    as_parquet,
    as_typed_parquet,
    gzipped,
    normalised,
)

METRICS = ("BilledCost", "EffectiveCost", "ListCost")
# Room for the longest decimals the samples write (Azure: 16 places); factors of a product get
# 16 places each, so the product keeps all 32.
NUMBER = "CAST({} AS DECIMAL(38, 20))"
FACTOR = "CAST({} AS DECIMAL(38, 16))"
CUR_EFFECTIVE = (
    'CASE "lineItem/LineItemType"'
    " WHEN 'SavingsPlanCoveredUsage' THEN {sp} WHEN 'DiscountedUsage' THEN {ri} ELSE {cost} END"
)
# Each format's totals as DuckDB computes them from the source's own columns.
SOURCE_SUMS = {
    "aws-cur": {
        "BilledCost": NUMBER.format('"lineItem/UnblendedCost"'),
        "EffectiveCost": CUR_EFFECTIVE.format(
            sp=NUMBER.format('"savingsPlan/SavingsPlanEffectiveCost"'),
            ri=NUMBER.format('"reservation/EffectiveCost"'),
            cost=NUMBER.format('"lineItem/UnblendedCost"'),
        ),
        "ListCost": NUMBER.format('"pricing/publicOnDemandCost"'),
    },
    "azure-ea": {
        "BilledCost": NUMBER.format("CostInBillingCurrency"),
        "EffectiveCost": NUMBER.format("CostInBillingCurrency"),
        "ListCost": f"{FACTOR.format('PayGPrice')} * {FACTOR.format('Quantity')}",
    },
    "azure-ea-older": {
        "BilledCost": NUMBER.format("Cost"),
        "EffectiveCost": NUMBER.format("Cost"),
        "ListCost": f"{FACTOR.format('PayGPrice')} * {FACTOR.format('Quantity')}",
    },
    "focus": {metric: NUMBER.format(metric) for metric in METRICS},
}
SAMPLES = [
    (AWS_CUR_SAMPLE, "aws-cur"),
    (AZURE_EA_SAMPLE, "azure-ea"),
    (AZURE_EA_OLDER_SAMPLE, "azure-ea-older"),
] + [(path, "focus") for path in FOCUS_SAMPLES]


def _duckdb_totals(csv: Path, family: str) -> dict[str, Decimal | int]:
    source = f"read_csv('{csv}', all_varchar=true, header=true, nullstr=['', 'null', 'NULL'])"
    database = duckdb.connect()
    columns = [d[0] for d in database.execute(f"SELECT * FROM {source} LIMIT 0").description]
    sums = {m: e for m, e in SOURCE_SUMS[family].items() if family != "focus" or m in columns}
    selected = ", ".join(["count(*)", *(f"sum({expression})" for expression in sums.values())])
    (row,) = database.execute(f"SELECT {selected} FROM {source}").fetchall()
    return dict(zip(["rows", *sums], row, strict=True))


# The source column each format's ServiceName (or, in the spec's examples, ChargeCategory) is
# read from as it is, to compare the totals of each group.
SOURCE_GROUPS = {
    "aws-cur": ('"product/ProductName"', "ServiceName"),
    "azure-ea": ("MeterCategory", "ServiceName"),
    "azure-ea-older": ("MeterCategory", "ServiceName"),
    "focus": ("ChargeCategory", "ChargeCategory"),
}


def _duckdb_groups(csv: Path, family: str) -> dict[str | None, Decimal]:
    source = f"read_csv('{csv}', all_varchar=true, header=true, nullstr=['', 'null', 'NULL'])"
    group = SOURCE_GROUPS[family][0]
    billed = SOURCE_SUMS[family]["BilledCost"]
    query = f"SELECT {group}, sum({billed}) FROM {source} GROUP BY {group}"
    return dict(duckdb.connect().execute(query).fetchall())


def _our_groups(path: Path, family: str) -> dict[str | None, Decimal]:
    groups: dict[str | None, Decimal] = {}
    for row in normalised(path):
        key, billed = row.focus[SOURCE_GROUPS[family][1]], row.focus["BilledCost"]
        assert isinstance(billed, Decimal) and (key is None or isinstance(key, str))
        groups[key] = groups.get(key, Decimal(0)) + billed
    return groups


def _our_totals(path: Path, metrics: list[str]) -> dict[str, Decimal | int]:
    rows = normalised(path)
    totals: dict[str, Decimal | int] = {"rows": len(rows)}
    for metric in metrics:
        values = [row.focus.get(metric) for row in rows]
        totals[metric] = sum((v for v in values if isinstance(v, Decimal)), Decimal(0))
    return totals


@pytest.mark.parametrize(("csv", "family"), SAMPLES, ids=lambda value: getattr(value, "name", ""))
def test_totals_equal_duckdbs_in_every_delivered_shape(
    csv: Path, family: str, tmp_path: Path
) -> None:
    expected = _duckdb_totals(csv, family)
    metrics = [name for name in expected if name != "rows"]
    for copy in (csv, gzipped(csv, tmp_path), as_parquet(csv, tmp_path)):
        assert _our_totals(copy, metrics) == expected, copy.name
    assert _our_groups(csv, family) == _duckdb_groups(csv, family)


@pytest.mark.parametrize(("csv", "family"), SAMPLES, ids=lambda value: getattr(value, "name", ""))
def test_totals_equal_duckdbs_from_a_typed_parquet_export(
    csv: Path, family: str, tmp_path: Path
) -> None:
    expected = _duckdb_totals(csv, family)
    metrics = [name for name in expected if name != "rows"]
    assert _our_totals(as_typed_parquet(csv, tmp_path), metrics) == expected


def test_cur_2_parquet_totals_equal_the_legacy_reports(tmp_path: Path) -> None:
    expected = _duckdb_totals(AWS_CUR_SAMPLE, "aws-cur")
    cur2 = as_cur2_parquet(AWS_CUR_SAMPLE, tmp_path)
    assert _our_totals(cur2, list(METRICS)) == expected
    rows = normalised(cur2)
    assert {row.focus["ChargeCategory"] for row in rows} == {"Usage", "Tax"}
    assert rows[14].focus["ServiceName"] == "Amazon Simple Storage Service"
    assert rows[14].extras["product"] == '{"product_name": "Amazon Simple Storage Service"}'
