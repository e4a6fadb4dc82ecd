"""What the close's pages and API read: the runs, and a run with its journals, export attempts
and GL differences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from domain.close.accruals import Journal, JournalKind
from domain.close.reconciliation import GlDifference
from models.close.records import (
    close_export_attempts,
    close_gl_differences,
    close_runs,
)
from models.close.runs import stored_journal


@dataclass(frozen=True)
class CloseDetail:
    run: Row[Any]
    journals: list[Journal]
    attempts: list[Row[Any]]
    differences: list[GlDifference]


def close_runs_listed(session: Session) -> list[Row[Any]]:
    """Every period's run, newest period first."""
    return list(session.execute(select(close_runs).order_by(close_runs.c.period.desc())))


def close_detail(session: Session, period: str) -> CloseDetail | None:
    """The period's run with its journals (accrual, then reversal, as stored), its export
    attempts (oldest first) and its GL differences; None when the period was never closed."""
    run = session.execute(select(close_runs).where(close_runs.c.period == period)).one_or_none()
    if run is None:
        return None
    journals = [
        journal
        for kind in (JournalKind.ACCRUAL, JournalKind.REVERSAL)
        if (journal := stored_journal(session, period, kind)) is not None
    ]
    attempts = session.execute(
        select(close_export_attempts)
        .where(close_export_attempts.c.period == period)
        .order_by(close_export_attempts.c.id)
    ).all()
    rows = session.execute(
        select(close_gl_differences)
        .where(close_gl_differences.c.period == period)
        .order_by(close_gl_differences.c.cost_center, close_gl_differences.c.gl_account)
    )
    differences = [
        GlDifference(r.cost_center, r.gl_account, r.currency, r.ledger_minor, r.erp_minor)
        for r in rows
    ]
    return CloseDetail(run, journals, list(attempts), differences)
