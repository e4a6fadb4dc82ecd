"""The monthly depreciation run's one step: register capital purchases, then book."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.depreciation_messages import DepreciationRequest, DepreciationResult
from domain.temporal_names import Activity
from models.budgets.depreciation import depreciate
from models.db import unit_of_work


class DepreciationActivities:
    """Books each asset's months up to the one asked, each once (entries are keyed by asset and
    month), so a retried or repeated run posts nothing twice."""

    def __init__(
        self, sessions: sessionmaker[Session], base_currency: str, fiscal_year_start_month: int
    ) -> None:
        self._sessions = sessions
        self._currency = base_currency
        self._start_month = fiscal_year_start_month

    @activity.defn(name=Activity.BOOK_DEPRECIATION)
    def book_depreciation(self, request: DepreciationRequest) -> DepreciationResult:
        """Register the capital purchases without an asset, then book through the month."""
        with unit_of_work(self._sessions) as session:
            registered, run = depreciate(
                session,
                date.fromisoformat(f"{request.through}-01"),
                capex_gl=request.capex_gl,
                currency=self._currency,
                start_month=self._start_month,
                by=None,
                at=datetime.now(UTC),
            )
        return DepreciationResult(
            request.through,
            run.currency,
            run.assets,
            run.entries_posted,
            run.booked_minor,
            registered,
        )
