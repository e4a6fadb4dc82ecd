"""The PO page's consumption: what the cost data drew against the PO month by month (lines
carrying its number, by tag or by an account mapped to it), next to what it commits."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session

from api.web.charts import ACTUAL, COMMITTED, Series, line_chart
from models.costs.consumption import MonthConsumption, consumption_by_month


@dataclass(frozen=True)
class PoConsumption:
    """The months the PO drew cost in, against its committed amount, in base minor units."""

    currency: str
    committed_minor: int
    months: list[MonthConsumption]
    chart: Markup

    @property
    def consumed_minor(self) -> int:
        return self.months[-1].to_date_minor

    @property
    def left_minor(self) -> int:
        """What the commitment has left after the consumption (negative: drawn beyond it)."""
        return self.committed_minor - self.consumed_minor


def po_consumption(
    session: Session, po_number: str, committed_minor: int, currency: str
) -> PoConsumption | None:
    """The PO's consumption over time; None when no cost line draws on it."""
    months = consumption_by_month(session, po_number, currency)
    if not months:
        return None
    labels = [f"{month.month:%Y-%m}" for month in months]
    chart = line_chart(
        labels,
        [
            Series("committed", [committed_minor] * len(months), COMMITTED, dashed=True),
            Series("consumed to date", [month.to_date_minor for month in months], ACTUAL),
        ],
        title=f"Committed and consumed of {po_number}, by month",
        currency=currency,
    )
    return PoConsumption(currency, committed_minor, months, chart)
