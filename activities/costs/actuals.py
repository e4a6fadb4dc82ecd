"""Booking the cost of the loads a cost-load run swapped in as ``actual`` ledger entries
(docs/costs.md, "Actuals and POs")."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.costs.settlement import ActualsSummary
from domain.temporal_names import Activity
from models.costs.actuals import book_actuals
from models.db import unit_of_work


class CostActualsActivities:
    """Entries are keyed by the load, so a retried activity posts nothing twice; a reload
    reverses what the slice's previous load booked, in the same transaction as its own."""

    def __init__(
        self, sessions: sessionmaker[Session], base_currency: str, fiscal_year_start_month: int
    ) -> None:
        self._sessions = sessions
        self._currency = base_currency
        self._start_month = fiscal_year_start_month

    @activity.defn(name=Activity.BOOK_COST_ACTUALS)
    def book_cost_actuals(self, load_ids: list[int]) -> ActualsSummary:
        """Book the loads' actuals per cost center x GL account x fiscal period; lines of no
        cost center are counted as unallocated, not booked."""
        with unit_of_work(self._sessions) as session:
            return book_actuals(
                session, load_ids, currency=self._currency, start_month=self._start_month
            )
