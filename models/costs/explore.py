"""Exploring cost data: sums grouped by any dimension (exact, in the billing currency and the
base currency, with and without tax) and the lines behind them, page by page.

Sums come from the daily roll-ups when every dimension named is rolled up (``explore_sql``
decides), else from the cost lines; both give the same figures, since the roll-ups are rebuilt
from the lines in the swap's transaction."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.costs.explore_query import BadCostQuery, CostQuery
from models.costs.explore_sql import LINES, CostScope, Sql, filtered, relation_for
from models.costs.keyset import LineKey

# Each summed column, in the billing currency then in the source's base currency.
AMOUNTS = (
    "billed_cost",
    "effective_cost",
    "list_cost",
    "contracted_cost",
    "billed_cost_base",
    "effective_cost_base",
)
MAX_GROUPS = 10_000
MAX_PAGE = 1_000


@dataclass(frozen=True)
class Amount:
    with_tax: Decimal
    without_tax: Decimal


@dataclass(frozen=True)
class CostGroup:
    """One group's values (dimension -> value, None where the lines have none) and sums."""

    values: dict[str, str | None]
    currency: str | None
    base_currency: str | None
    lines: int
    amounts: dict[str, Amount]


@dataclass(frozen=True)
class CostSummary:
    read_from: str
    group_by: tuple[str, ...]
    groups: list[CostGroup]
    truncated: bool


def summary(session: Session, query: CostQuery, scope: CostScope) -> CostSummary:
    """Sums per group (and per billing currency), largest billed cost first."""
    relation = relation_for(session, query)
    sql = filtered(relation, query, scope)
    keys = [sql.column(d) for d in query.group_by]
    keys += ["d.billing_currency", "d.base_currency"]
    selected = [f"{key} AS g{n}" for n, key in enumerate(keys)]
    sums = [
        f"COALESCE(sum(d.{a}), 0) AS {a}, COALESCE(sum(d.{a}) FILTER "
        f"(WHERE d.charge_category IS DISTINCT FROM 'Tax'), 0) AS {a}_without_tax"
        for a in AMOUNTS
    ]
    positions = ", ".join(str(n + 1) for n in range(len(keys)))
    statement = (
        f"SELECT {', '.join(selected)}, {relation.line_count} AS line_count, {', '.join(sums)} "
        f"FROM {relation.from_sql} WHERE {sql.where()} GROUP BY {positions} "
        f"ORDER BY billed_cost DESC, {positions} LIMIT {MAX_GROUPS + 1}"
    )
    rows = session.execute(text(statement), sql.params).mappings().all()
    groups = [_group(row, query.group_by) for row in rows[:MAX_GROUPS]]
    return CostSummary(relation.name, query.group_by, groups, len(rows) > MAX_GROUPS)


def _group(row: Any, group_by: tuple[str, ...]) -> CostGroup:
    values = {d: _text(row[f"g{n}"]) for n, d in enumerate(group_by)}
    return CostGroup(
        values=values,
        currency=row[f"g{len(group_by)}"],
        base_currency=row[f"g{len(group_by) + 1}"],
        lines=int(row["line_count"]),
        amounts={a: Amount(row[a], row[f"{a}_without_tax"]) for a in AMOUNTS},
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


@dataclass(frozen=True)
class LinePage:
    lines: list[dict[str, Any]]
    next_key: LineKey | None


_LINE_COLUMNS = (
    "d.slice_id, d.file_index, d.file_row, d.load_id, lf.file_name, src.name AS source, "
    "d.provider_name, "
    "d.billing_account_id, d.sub_account_id, d.service_name, d.region_id, d.charge_category, "
    "d.resource_id, d.resource_name, d.charge_description, d.billing_currency, "
    "d.billed_cost, d.effective_cost, d.list_cost, d.contracted_cost, d.base_currency, "
    "d.billed_cost_base, d.effective_cost_base, cc.code AS cost_center, d.tags"
)


def line_page(
    session: Session, query: CostQuery, scope: CostScope, after: LineKey | None, limit: int
) -> LinePage:
    """Up to ``limit`` lines after ``after`` in (slice, file, file row) order, each with the
    name of the file it came from, and the key to go on from (None on the last page)."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadCostQuery("invalid_limit", f"limit must be 1..{MAX_PAGE}, not {limit}")
    sql: Sql = filtered(LINES, query, scope)
    if after is not None:
        place = ", ".join(sql.bind(part) for part in astuple(after))
        sql.conditions.append(f"(d.slice_id, d.file_index, d.file_row) > ({place})")
    statement = (
        f"SELECT {_LINE_COLUMNS}, {LINES.day} AS day FROM {LINES.from_sql} "
        "LEFT JOIN cost_load_files lf ON lf.load_id = d.load_id "
        f"AND lf.file_index = d.file_index WHERE {sql.where()} "
        f"ORDER BY d.slice_id, d.file_index, d.file_row LIMIT {limit + 1}"
    )
    rows = [dict(row) for row in session.execute(text(statement), sql.params).mappings()]
    more = len(rows) > limit
    page = rows[:limit]
    last = page[-1] if more else None
    key = LineKey(last["slice_id"], last["file_index"], last["file_row"]) if last else None
    return LinePage(page, key)
