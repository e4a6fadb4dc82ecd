"""A close's run and its journals, as the close's activities write them and pages read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from domain.close.accruals import Journal, JournalLine, journal_id
from domain.close.messages import CloseStart, CloseStatus, CloseStep
from domain.close.reconciliation import GlDifference
from models.close.records import (
    close_export_attempts,
    close_gl_differences,
    close_journal_lines,
    close_runs,
)


def open_run(session: Session, start: CloseStart) -> None:
    """The period's run, unless one exists (a second close of the period changes nothing)."""
    values = {
        "period": start.period,
        "status": CloseStatus.WAITING_FOR_PERIOD_END.value,
        "started_by": start.started_by,
        "liabilities_gl": start.liabilities_gl,
    }
    session.execute(insert(close_runs).values(**values).on_conflict_do_nothing())


def record_step(session: Session, step: CloseStep, at: datetime) -> None:
    """The run's new status; an approval or rejection also records who decided, and when."""
    values: dict[str, Any] = {"status": step.status, "updated_at": at}
    if step.status in (CloseStatus.APPROVED, CloseStatus.REJECTED):
        values |= {"approved_by": step.actor, "decided_at": at, "comment": step.detail}
    session.execute(update(close_runs).where(close_runs.c.period == step.period).values(**values))


def store_journal(session: Session, journal: Journal) -> bool:
    """Store the journal's lines unless the period's journal of that kind is stored already;
    whether it was stored now."""
    if stored_journal(session, journal.period, journal.kind) is not None:
        return False
    rows = [
        {
            "period": journal.period,
            "kind": journal.kind,
            "line_no": number,
            "posted_on": journal.posted_on,
            "gl_account": line.gl_account,
            "cost_center": line.cost_center,
            "currency": line.currency,
            "debit_minor": line.debit_minor,
            "credit_minor": line.credit_minor,
            "memo": line.memo[:300],
        }
        for number, line in enumerate(journal.lines, start=1)
    ]
    if rows:
        session.execute(insert(close_journal_lines), rows)
    return True


def stored_journal(session: Session, period: str, kind: str) -> Journal | None:
    """The period's journal of ``kind`` as stored; None before it is (an empty journal is
    stored as none: its kind has no lines, so it is computed again, to the same nothing)."""
    rows = session.execute(
        select(close_journal_lines)
        .where(close_journal_lines.c.period == period, close_journal_lines.c.kind == kind)
        .order_by(close_journal_lines.c.line_no)
    ).all()
    if not rows:
        return None
    lines = tuple(
        JournalLine(r.gl_account, r.cost_center, r.currency, r.debit_minor, r.credit_minor, r.memo)
        for r in rows
    )
    return Journal(journal_id(period, kind), period, kind, rows[0].posted_on, lines)


def record_export(
    session: Session, period: str, kind: str, reference: str | None, detail: str
) -> None:
    """One attempt to export the journal; a reference means the ERP holds it."""
    outcome = "sent" if reference else "failed"
    session.execute(
        insert(close_export_attempts).values(
            period=period, kind=kind, outcome=outcome, erp_reference=reference, detail=detail
        )
    )
    if reference:
        column = f"{kind}_erp_reference"
        session.execute(
            update(close_runs).where(close_runs.c.period == period).values({column: reference})
        )


def store_differences(session: Session, period: str, differences: list[GlDifference]) -> None:
    """The reconciliation's differences replace the period's earlier ones."""
    session.execute(close_gl_differences.delete().where(close_gl_differences.c.period == period))
    rows = [
        {
            "period": period,
            "cost_center": d.cost_center,
            "gl_account": d.gl_account,
            "currency": d.currency,
            "ledger_minor": d.ledger_minor,
            "erp_minor": d.erp_minor,
        }
        for d in differences
    ]
    if rows:
        session.execute(insert(close_gl_differences), rows)
    session.execute(
        update(close_runs).where(close_runs.c.period == period).values(reconciled_at=func.now())
    )
