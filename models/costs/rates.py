"""The internal rates of a month: the rate card in force, each entry of the month priced
against the unit cost of its service under the unit-cost model in force."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from domain.costs.rates import InternalRate, rate_of
from models.costs.document_store import document_in_force
from models.costs.unit_costs import unit_costs_in_force


def internal_rates(session: Session, month: date, at: datetime) -> list[InternalRate]:
    """Every rate the rate card in force at ``at`` sets for ``month``, in card order; a
    service the unit-cost model does not price has no unit cost (so a markup sets no rate)."""
    card = document_in_force(session, DocumentKind.RATE_CARD, at)
    if card is None:
        return []
    period = f"{month:%Y-%m}"
    costs = {cost.service: cost for cost in unit_costs_in_force(session, month, at)}
    rates = []
    for entry in card.document["rates"]:
        if entry["period"] != period:
            continue
        cost = costs.get(entry["service"])
        unit = cost.unit if cost else ""
        unit_cost = cost.per_unit if cost and cost.currency == card.document["currency"] else None
        rates.append(rate_of(entry, unit, card.document["currency"], unit_cost))
    return rates
