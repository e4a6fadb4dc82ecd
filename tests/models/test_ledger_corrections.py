"""Actual cost without a PO and finance corrections, on real Postgres: an actual books once per
source reference; a correction says who and why and never takes a figure below zero."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod
from models import LedgerEntry
from models.budgets.commitments import reserve
from models.budgets.ledger_corrections import Deltas, adjust, post_actual
from models.budgets.postings import account, line_balance, po_holdings
from models.budgets.versions import BudgetRefused
from tests.models.budget_org import MONTHLY, YEAR, budget_org


def _rule(rule: str) -> pytest.RaisesExc[BudgetRefused]:
    return pytest.raises(BudgetRefused, check=lambda refusal: refusal.rule == rule)


def test_an_actual_books_once_per_source_reference(session: Session) -> None:
    org = budget_org(session)
    line = org.line(org.source, 4)
    bill = "AWS-2031-04-line-7"

    def book(amount: int = 123_456) -> bool:
        return post_actual(
            session, line, amount, currency="EUR", reference=bill, author=org.finance
        ).new

    assert book() is True
    assert book() is False
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.reference == bill)).all()
    assert [(e.kind, e.po_number, e.actual_delta_minor) for e in entries] == [
        ("actual", None, 123_456)
    ]
    assert entries[0].posted_by == org.finance.username
    src = account(session, org.source, org.gl)
    assert line_balance(session, src, FiscalPeriod(YEAR, 4)).available_minor == MONTHLY - 123_456
    with _rule("reference_reused"):
        book(999)
    with _rule("amount_not_positive"):
        post_actual(session, line, 0, currency="EUR", reference="X-1", author=org.finance)
    with _rule("reference_required"):
        post_actual(session, line, 10, currency="EUR", reference=" ", author=org.finance)


def test_a_correction_records_who_and_why_and_keeps_figures_above_zero(
    session: Session,
) -> None:
    org = budget_org(session)
    reserve(session, org.movement("PO-FIX", 50_000, date(YEAR, 9, 3)), 1)
    line = org.line(org.source, 9)

    booked = adjust(
        session,
        line,
        Deltas(reserved_minor=-20_000),
        currency="EUR",
        reason="duplicate reservation",
        author=org.finance,
        po_number="PO-FIX",
        idempotency_key="fix-1",
    )
    assert booked.new
    entry = session.scalar(
        select(LedgerEntry).where(LedgerEntry.idempotency_key == booked.idempotency_key)
    )
    assert entry is not None
    assert (entry.kind, entry.note, entry.posted_by) == (
        "adjust",
        "duplicate reservation",
        org.finance.username,
    )
    assert po_holdings(session, "PO-FIX")[0] == {FiscalPeriod(YEAR, 9): 30_000}
    again = adjust(
        session,
        line,
        Deltas(reserved_minor=-20_000),
        currency="EUR",
        reason="duplicate reservation",
        author=org.finance,
        po_number="PO-FIX",
        idempotency_key="fix-1",
    )
    assert not again.new
    with _rule("below_zero"):
        adjust(
            session,
            line,
            Deltas(reserved_minor=-30_001),
            currency="EUR",
            reason="x",
            author=org.finance,
            po_number="PO-FIX",
        )
    with _rule("below_zero"):
        adjust(
            session, line, Deltas(actual_minor=-1), currency="EUR", reason="x", author=org.finance
        )
    with _rule("reason_required"):
        adjust(session, line, Deltas(actual_minor=5), currency="EUR", reason="", author=org.finance)
    with _rule("nothing_to_adjust"):
        adjust(session, line, Deltas(), currency="EUR", reason="x", author=org.finance)
    assert po_holdings(session, "PO-FIX")[0] == {FiscalPeriod(YEAR, 9): 30_000}
