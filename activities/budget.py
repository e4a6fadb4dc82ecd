"""Budget reservation, commitment and release against the ledger (PRODUCT.md step 4)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.purchase_order import BudgetMovement, ReservationResult
from models.budget_ledger import commit, release, reserve
from models.db import unit_of_work


class BudgetActivities:
    """Each movement is written once per idempotency key; reservations are serialised per budget
    line in Postgres, so two requisitions racing for the last of a budget never both take it."""

    def __init__(self, sessions: sessionmaker[Session], fiscal_year_start_month: int) -> None:
        self._sessions = sessions
        self._start_month = fiscal_year_start_month

    @activity.defn(name="reserve_budget")
    def reserve_budget(self, movement: BudgetMovement) -> ReservationResult:
        with unit_of_work(self._sessions) as session:
            return reserve(session, movement, self._start_month)

    @activity.defn(name="commit_budget")
    def commit_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            commit(session, movement, self._start_month)

    @activity.defn(name="release_budget")
    def release_budget(self, movement: BudgetMovement) -> None:
        with unit_of_work(self._sessions) as session:
            release(session, movement, self._start_month)
