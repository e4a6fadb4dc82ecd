"""Cost totals of the stored lines grouped by chosen dimensions, summed exactly in the
database (``numeric``): in each line's billing currency, or in the base currency of its source.

Only lines a finished load swapped in are summed: a load still staging is not in ``cost_lines``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from domain.costs.conversion import COST_COLUMNS
from domain.costs.focus_columns import FOCUS_COLUMNS, DataType
from models.costs.lines import column_name, cost_lines
from models.costs.records import CostSlice, CostSource, QuarantinedLine

# Short names for the dimensions people group by most; any FOCUS text column works by its name.
ALIASES = {
    "source": "source",
    "provider": "ProviderName",
    "service": "ServiceName",
    "service_category": "ServiceCategory",
    "charge_category": "ChargeCategory",
    "billing_period": "BillingPeriodStart",
    "billing_account": "BillingAccountId",
    "sub_account": "SubAccountId",
    "region": "RegionId",
    "invoice": "InvoiceId",
}
TEXT_COLUMNS = frozenset(c.name for c in FOCUS_COLUMNS if c.data_type is DataType.STRING)


class UnknownDimension(ValueError):
    """A dimension that is neither a short name nor a FOCUS text column."""


@dataclass(frozen=True)
class GroupTotals:
    group: dict[str, str | None]
    currency: str | None
    lines: int
    totals: dict[str, Decimal]  # FOCUS cost column -> exact sum


def dimensions() -> list[str]:
    return [*ALIASES, *sorted(TEXT_COLUMNS)]


def _dimension(name: str) -> ColumnElement[str]:
    focus = ALIASES.get(name, name)
    if focus == "source":
        return CostSource.name.expression
    if focus == "BillingPeriodStart":
        return func.to_char(cost_lines.c.billing_period_start.op("AT TIME ZONE")("UTC"), "YYYY-MM")
    if focus not in TEXT_COLUMNS:
        raise UnknownDimension(
            f"{name!r} is not a dimension; use one of: {', '.join(dimensions())}"
        )
    column: ColumnElement[str] = cost_lines.c[column_name(focus)]
    return column


def cost_totals(
    session: Session,
    by: Sequence[str],
    source: str | None = None,
    period_start: datetime | None = None,
    base: bool = False,
    load_ids: Sequence[int] = (),
) -> list[GroupTotals]:
    """Per group of ``by`` (and currency): the line count and each cost column's sum, in the
    billing currency, or with ``base`` in the source's base currency."""
    groups = [_dimension(name).label(f"d{i}") for i, name in enumerate(by)]
    currency = cost_lines.c.base_currency if base else cost_lines.c.billing_currency
    suffix = "_base" if base else ""
    sums = [
        func.coalesce(func.sum(cost_lines.c[column_name(c) + suffix]), 0).label(c)
        for c in COST_COLUMNS
    ]
    query = (
        select(*groups, currency.label("currency"), func.count().label("lines"), *sums)
        .select_from(
            cost_lines.join(CostSlice, CostSlice.id == cost_lines.c.slice_id).join(
                CostSource, CostSource.id == CostSlice.source_id
            )
        )
        .group_by(*groups, currency)
        .order_by(*groups, currency)
    )
    if source is not None:
        query = query.where(CostSource.name == source)
    if load_ids:
        query = query.where(cost_lines.c.load_id.in_(load_ids))
    if period_start is not None:
        query = query.where(cost_lines.c.billing_period_start == period_start)
    return [
        GroupTotals(
            group={name: row[f"d{i}"] for i, name in enumerate(by)},
            currency=row["currency"],
            lines=row["lines"],
            totals={c: Decimal(row[c]) for c in COST_COLUMNS},
        )
        for row in session.execute(query).mappings()
    ]


def rule_counts(session: Session, load_ids: Sequence[int]) -> dict[tuple[str, str], int]:
    """Per (data-quality rule, ``flagged`` or ``quarantined``): the rows of these loads it found."""
    rule = func.unnest(cost_lines.c.quality_flags).label("rule")
    flagged = select(rule, func.count()).where(cost_lines.c.load_id.in_(load_ids)).group_by(rule)
    quarantined = (
        select(QuarantinedLine.rule, func.count())
        .where(QuarantinedLine.load_id.in_(load_ids))
        .group_by(QuarantinedLine.rule)
    )
    counts = {(r, "flagged"): n for r, n in session.execute(flagged)}
    counts.update({(r, "quarantined"): n for r, n in session.execute(quarantined)})
    return dict(sorted(counts.items()))
