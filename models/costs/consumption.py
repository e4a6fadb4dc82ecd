"""Spend drawn against a PO: the cost lines whose ``po_number`` names it (from a ``po_number``
tag; else, for a commitment discount mapped to a contract, the contract's PO in force at the
line's charge day; else the PO the line's sub-account or billing account is mapped to), per
month, in the base currency, read from the daily roll-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.costs.settlement import to_minor

_BY_MONTH = text(
    """
    SELECT date_trunc('month', usage_date)::date AS month, sum(effective_cost_base) AS cost
    FROM cost_daily
    WHERE po_number = :po AND base_currency = :currency
    GROUP BY 1 ORDER BY 1
    """
)


@dataclass(frozen=True)
class MonthConsumption:
    """One month of a PO's consumption, in base-currency minor units: what the month drew
    (its exact sum rounded once, half to even) and what was drawn up to its end."""

    month: date
    consumed_minor: int
    to_date_minor: int


def consumption_by_month(session: Session, po_number: str, currency: str) -> list[MonthConsumption]:
    """The PO's consumption per calendar month of charge, oldest first; months with no cost
    drawn are left out. Lines in another base currency than ``currency`` are not counted."""
    months = []
    to_date = 0
    for row in session.execute(_BY_MONTH, {"po": po_number, "currency": currency}):
        consumed = to_minor(Decimal(row.cost), currency)
        to_date += consumed
        months.append(MonthConsumption(row.month, consumed, to_date))
    return months


def consumed_to_date(session: Session, po_number: str, currency: str) -> int:
    """What the PO has drawn so far, the sum of its months (as the PO page shows them)."""
    months = consumption_by_month(session, po_number, currency)
    return months[-1].to_date_minor if months else 0
