"""The expense summary's activities: build a person's summary for what they may read at send
time (roles and ownership are read now, not when they subscribed), mail it with its charts and
CSV, and record what became of it."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.expense_summary import (
    ExpenseSummaryRequest,
    ExpenseSummaryResult,
    SummaryMail,
    SummaryTable,
)
from domain.notifications import Recipient
from domain.temporal_names import Activity
from models.budgets.report_scope import UnknownCostCenter, centers_in_scope
from models.costs import expense_subscriptions as subscriptions
from models.costs.dashboard import Drill, expense_dashboard
from models.costs.dashboard_csv import comparison_csv
from models.costs.dashboard_scope import DashboardScope, dashboard_scope, narrowed
from models.db import unit_of_work
from models.integrations.notification_context import addressees
from models.people.accounts import find_user
from models.people.records import User

SENT, UNDELIVERED, SKIPPED = "sent", "undelivered", "skipped"


class SummaryMailPort(Protocol):
    def send_summary(self, summary: SummaryMail, person: Recipient) -> None: ...


class ExpenseSummaryActivities:
    """``mail`` None: no mail relay, every summary is recorded undelivered."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        mail: SummaryMailPort | None,
        base_currency: str,
        fiscal_year_start_month: int,
    ) -> None:
        self._sessions = sessions
        self._mail = mail
        self._currency = base_currency
        self._start_month = fiscal_year_start_month

    @activity.defn(name=Activity.SEND_EXPENSE_SUMMARY)
    def send_expense_summary(self, request: ExpenseSummaryRequest) -> ExpenseSummaryResult:
        """Mail the summary once per key; a failed send raises (the workflow's retry policy
        tries again, then records it undelivered)."""
        with self._sessions() as session:
            user = find_user(session, request.username)
            subscribed = subscriptions.subscription_of(session, request.username)
            if user is None or subscribed is None or not subscribed.active:
                return self._result(request, SKIPPED, "no active subscription")
            if subscriptions.already_sent(session, request.key):
                return self._result(request, SENT, "sent before")
            scope = self._scope(session, user, list(subscribed.cost_centers))
            if scope is None:
                return self._result(request, SKIPPED, "no cost center this person may read")
            summary = self._summary(session, request, scope)
            people = addressees(session, request.username)
            user_id = user.id
        if self._mail is None:
            detail = "no mail relay is configured (POFLOW_SMTP_HOST)"
            return self._record(user_id, request, UNDELIVERED, detail)
        for person in people:
            self._mail.send_summary(summary, person)
        return self._record(user_id, request, SENT, f"to {len(people)} address(es)")

    @activity.defn(name=Activity.RECORD_EXPENSE_SUMMARY_UNDELIVERED)
    def record_expense_summary_undelivered(
        self, failed: ExpenseSummaryResult
    ) -> ExpenseSummaryResult:
        """Record a summary whose mail failed on every try as undelivered."""
        with self._sessions() as session:
            user = find_user(session, failed.username)
        if user is None:
            return failed
        request = ExpenseSummaryRequest(failed.username, month=failed.month, key=failed.key)
        return self._record(user.id, request, UNDELIVERED, failed.detail)

    def _scope(self, session: Session, user: User, codes: list[str]) -> DashboardScope | None:
        allowed = dashboard_scope(session, user)
        if allowed is None:
            return None
        known = [code for code in codes if _exists(session, code)]
        if codes and not known:
            return None  # every center asked for is gone
        scope = narrowed(allowed, session, known)
        return None if scope.centers is not None and not scope.centers else scope

    def _summary(
        self, session: Session, request: ExpenseSummaryRequest, scope: DashboardScope
    ) -> SummaryMail:
        board = expense_dashboard(
            session,
            request.month,
            Drill(),
            scope.centers,
            currency=self._currency,
            start_month=self._start_month,
        )
        tables = (
            SummaryTable("Cost by cost center", "Cost center", tuple(board.departments)),
            SummaryTable("Cost by service", "Service", tuple(board.service_lines[:15])),
            SummaryTable("Cost by category", "Category", tuple(board.categories)),
            SummaryTable("Largest increases", "Service", tuple(board.rising)),
            SummaryTable("Largest decreases", "Service", tuple(board.falling)),
        )
        label = "every cost center" if scope.everything else ", ".join(sorted(scope.codes))
        return SummaryMail(
            idempotency_key=request.key,
            month=request.month,
            currency=self._currency,
            scope=label,
            total=board.total,
            trend_months=tuple(board.trend_months),
            trend=tuple(board.trend),
            tables=tables,
            csv=comparison_csv([(t.title, t.rows) for t in tables[:3]], self._currency),
        )

    def _record(
        self, user_id: int, request: ExpenseSummaryRequest, status: str, detail: str
    ) -> ExpenseSummaryResult:
        with unit_of_work(self._sessions) as session:
            subscriptions.record_delivery(
                session, user_id, request.key, request.month, status, detail
            )
        return self._result(request, status, detail)

    @staticmethod
    def _result(request: ExpenseSummaryRequest, status: str, detail: str) -> ExpenseSummaryResult:
        return ExpenseSummaryResult(request.username, request.month, status, detail, request.key)


def _exists(session: Session, code: str) -> bool:
    try:
        centers_in_scope(session, code)
    except UnknownCostCenter:
        return False
    return True
