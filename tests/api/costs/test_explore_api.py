"""The cost exploration API over real samples loaded by the loader: sums per group equal
DuckDB's own sums of the same file, to the last digit, with and without tax, whether read from
the daily roll-ups or the lines; keyset paging returns every line once."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import text

from domain.catalog import Role
from tests.api.costs.explore_client import Explorer
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE

NUMBER = "CAST({} AS DECIMAL(38, 20))"


def duckdb_sums(csv: Path, group: str, billed: str, where: str = "TRUE") -> dict[Any, Decimal]:
    """DuckDB's sum of ``billed`` per ``group`` of the file, read as text (no float)."""
    source = f"read_csv('{csv}', all_varchar=true, header=true, nullstr=['', 'null', 'NULL'])"
    query = f"SELECT {group}, sum({NUMBER.format(billed)}) FROM {source} WHERE {where} GROUP BY 1"
    return dict(duckdb.connect().execute(query).fetchall())


def sums(
    body: dict[str, Any], dimension: str, amount: str, part: str = "with_tax"
) -> dict[Any, Decimal]:
    totals: defaultdict[Any, Decimal] = defaultdict(Decimal)
    for group in body["groups"]:
        totals[group["group"][dimension]] += Decimal(group["amounts"][amount][part])
    return dict(totals)


def test_summary_by_service_equals_duckdbs_sums_with_and_without_tax(
    explorer: Explorer, aws_source: str
) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    body = explorer.get(finance, "/api/costs/summary", group_by="service", source=aws_source)
    assert body["read_from"] == "cost_daily"
    cost, product = '"lineItem/UnblendedCost"', '"product/ProductName"'
    assert sums(body, "service", "billed_cost") == duckdb_sums(AWS_CUR_SAMPLE, product, cost)
    untaxed = duckdb_sums(AWS_CUR_SAMPLE, product, cost, "\"lineItem/LineItemType\" <> 'Tax'")
    without = sums(body, "service", "billed_cost", "without_tax")
    assert {k: v for k, v in without.items() if v or k in untaxed} == untaxed
    listed = duckdb_sums(AWS_CUR_SAMPLE, product, '"pricing/publicOnDemandCost"')
    assert sums(body, "service", "list_cost") == listed
    lines = sum(group["lines"] for group in body["groups"])
    ((rows,),) = duckdb.connect().execute(f"SELECT count(*) FROM '{AWS_CUR_SAMPLE}'").fetchall()
    assert lines == rows


def test_roll_ups_and_lines_give_the_same_sums(explorer: Explorer, aws_source: str) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    daily = explorer.get(
        finance, "/api/costs/summary", group_by="charge_category,day", source=aws_source
    )
    lines = explorer.get(
        finance, "/api/costs/summary", group_by="charge_category,day,resource", source=aws_source
    )
    assert (daily["read_from"], lines["read_from"]) == ("cost_daily", "cost_lines")

    def by_day(body: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
        totals: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for group in body["groups"]:
            key = (group["group"]["charge_category"], group["group"]["day"])
            totals[key] += Decimal(group["amounts"]["effective_cost"]["with_tax"])
        return dict(totals)

    assert by_day(daily) == by_day(lines) and len(by_day(daily)) > 1
    november = explorer.get(
        finance, "/api/costs/summary", group_by="source", source=aws_source, period="2023-11"
    )
    total = duckdb_sums(AWS_CUR_SAMPLE, "1", '"lineItem/UnblendedCost"')[1]
    assert Decimal(november["groups"][0]["amounts"]["billed_cost"]["with_tax"]) == total
    october = explorer.get(finance, "/api/costs/summary", source=aws_source, period="2023-10")
    assert october["groups"] == []
    # The sample names no resource: every line is in the "(none)" group a page drills into.
    unnamed = explorer.get(finance, "/api/costs/summary", source=aws_source, missing="resource")
    assert (unnamed["read_from"], unnamed["groups"][0]["lines"]) == ("cost_lines", 1281)


def test_a_tag_groups_from_the_roll_ups_when_the_policy_names_it(
    explorer: Explorer, azure_source: str
) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    total = duckdb_sums(AZURE_EA_SAMPLE, "1", "CostInBillingCurrency")[1]
    for key, value, read_from in (("A", "valueA", "cost_daily"), ("B", "valueB", "cost_lines")):
        body = explorer.get(
            finance, "/api/costs/summary", group_by=f"tag.tag{key}", source=azure_source
        )
        assert body["read_from"] == read_from
        assert body["group_by"] == [f"tag.tag_{key.lower()}"]
        assert sums(body, f"tag.tag_{key.lower()}", "billed_cost") == {value: total}
    filtered = explorer.get(
        finance, "/api/costs/summary", source=azure_source, **{"tag.TagA": "valueA"}
    )
    assert Decimal(filtered["groups"][0]["amounts"]["billed_cost"]["with_tax"]) == total
    none = explorer.get(finance, "/api/costs/summary", source=azure_source, **{"tag.tagA": "x"})
    assert none["groups"] == []


def test_keyset_paging_returns_every_line_once(explorer: Explorer, aws_source: str) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    seen: list[tuple[int, int]] = []
    billed = Decimal(0)
    cursor: str | None = None
    while True:
        params: dict[str, object] = {"source": aws_source, "limit": 97}
        if cursor:
            params["cursor"] = cursor
        page = explorer.get(finance, "/api/costs/lines", **params)
        seen += [(line["load_id"], line["file_row"]) for line in page["lines"]]
        billed += sum(Decimal(line["billed_cost"]) for line in page["lines"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 1281
    assert billed == duckdb_sums(AWS_CUR_SAMPLE, "1", '"lineItem/UnblendedCost"')[1]


def test_base_currency_amounts_are_summed_apart_with_and_without_tax(
    explorer: Explorer, aws_source: str
) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    # As a load converts them: each line's amounts at its rate (here 0.9 EUR per USD).
    explorer.session.execute(
        text(
            "UPDATE cost_lines SET base_currency = 'EUR', billed_cost_base = billed_cost * 0.9, "
            "effective_cost_base = effective_cost * 0.9 WHERE slice_id IN (SELECT s.id FROM "
            "cost_slices s JOIN cost_sources src ON src.id = s.source_id WHERE src.name = :name)"
        ),
        {"name": aws_source},
    )
    body = explorer.get(finance, "/api/costs/summary", group_by="resource", source=aws_source)
    ((group),) = body["groups"]
    assert (body["read_from"], group["currency"], group["base_currency"]) == (
        "cost_lines",
        "USD",
        "EUR",
    )
    cost = '"lineItem/UnblendedCost"'
    total = duckdb_sums(AWS_CUR_SAMPLE, "1", cost)[1]
    untaxed = duckdb_sums(AWS_CUR_SAMPLE, "1", cost, "\"lineItem/LineItemType\" <> 'Tax'")[1]
    base = group["amounts"]["billed_cost_base"]
    assert Decimal(base["with_tax"]) == total * Decimal("0.9")
    assert Decimal(base["without_tax"]) == untaxed * Decimal("0.9")
    assert Decimal(group["amounts"]["billed_cost"]["without_tax"]) == untaxed
