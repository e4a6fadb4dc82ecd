"""Year-end carry-forward on real Postgres: an open PO's reserved and committed amounts on the
closing year move to period 1 of the next, once; POs with nothing open stay where they are."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.catalog import PoStatus, ServiceType
from domain.fiscal import FiscalPeriod
from models import LedgerEntry, PurchaseOrder
from models.budgets.carry_forward import carry_forward
from models.budgets.commitments import commit, release, reserve
from models.budgets.postings import account, line_balance, po_holdings
from tests.models.budget_org import BudgetOrg, budget_org

YEAR = 2037  # a year no other test posts on: a carry-forward reads the whole year
NEXT_P1 = FiscalPeriod(YEAR + 1, 1)


def _entries(session: Session, po_number: str) -> int:
    count = select(func.count()).where(LedgerEntry.po_number == po_number)
    return session.scalar(count) or 0


def _spanning_po(session: Session, org: BudgetOrg, number: str, *, committed: bool) -> None:
    """4,000.00 EUR over 120 days from 1 Nov: about half on this year, half on the next."""
    movement = org.movement(number, 400_000, date(YEAR, 11, 1), days=120)
    assert reserve(session, movement, 1).reserved
    if committed:
        commit(session, replace(movement, idempotency_key=f"{number}:commit"), 1)


def test_open_commitment_moves_to_period_1_of_next_year_once(session: Session) -> None:
    org = budget_org(session, year=YEAR)
    _spanning_po(session, org, "PO-CF-1", committed=True)
    _spanning_po(session, org, "PO-CF-2", committed=False)
    _, committed_before = po_holdings(session, "PO-CF-1")
    this_year = sum(a for p, a in committed_before.items() if p.fiscal_year == YEAR)
    assert this_year > 0 and committed_before.get(NEXT_P1, 0) > 0
    reserved_two = sum(
        a for p, a in po_holdings(session, "PO-CF-2")[0].items() if p.fiscal_year == YEAR
    )

    summary = carry_forward(session, YEAR, org.finance)

    assert summary.purchase_orders == ("PO-CF-1", "PO-CF-2")
    assert (summary.committed_minor, summary.reserved_minor) == (this_year, reserved_two)
    assert summary.moved_minor == this_year + reserved_two
    _, committed = po_holdings(session, "PO-CF-1")
    assert not [p for p in committed if p.fiscal_year == YEAR]
    assert committed[NEXT_P1] == committed_before[NEXT_P1] + this_year
    assert sum(committed.values()) == sum(committed_before.values())
    assert po_holdings(session, "PO-CF-2")[0].get(FiscalPeriod(YEAR, 12)) is None
    src = account(session, org.source, org.gl)
    assert line_balance(session, src, FiscalPeriod(YEAR, 11)).consumed_minor == 0
    moves = session.scalars(
        select(LedgerEntry).where(LedgerEntry.po_number == "PO-CF-1", LedgerEntry.kind == "adjust")
    ).all()
    assert {m.idempotency_key.split("#")[0] for m in moves} == {
        f"carry:{YEAR}:PO-CF-1:{org.source}:{org.gl}:{period}" for period in (11, 12)
    }
    assert {m.posted_by for m in moves} == {org.finance.username}

    entries = _entries(session, "PO-CF-1")
    again = carry_forward(session, YEAR, org.finance)
    assert (again.purchase_orders, again.moved_minor) == ((), 0)
    assert _entries(session, "PO-CF-1") == entries


def test_a_po_with_nothing_open_moves_nothing(session: Session) -> None:
    org = budget_org(session, year=YEAR)
    movement = org.movement("PO-CF-DONE", 200_000, date(YEAR, 12, 1), days=31)
    reserve(session, movement, 1)
    commit(session, replace(movement, idempotency_key="PO-CF-DONE:commit"), 1)
    release(session, org.movement("PO-CF-DONE", 200_000, date(YEAR, 12, 1), days=31))
    entries = _entries(session, "PO-CF-DONE")
    summary = carry_forward(session, YEAR, org.finance)
    assert "PO-CF-DONE" not in summary.purchase_orders
    assert _entries(session, "PO-CF-DONE") == entries


def test_a_finished_po_is_left_for_finance_to_release(session: Session) -> None:
    org = budget_org(session, year=YEAR)
    _spanning_po(session, org, "PO-CF-GONE", committed=True)
    session.add(
        PurchaseOrder(
            po_number="PO-CF-GONE",
            workflow_id="po-PO-CF-GONE",
            status=PoStatus.CANCELLED,
            title="cancelled, release pending",
            requester="someone",
            cost_center=org.source,
            vendor="Northwind Cloud Services",
            service_type=ServiceType.CLOUD_INFRASTRUCTURE,
            amount_minor=400_000,
            currency="EUR",
            amount_base_minor=400_000,
            base_currency="EUR",
        )
    )
    session.flush()
    entries = _entries(session, "PO-CF-GONE")
    assert "PO-CF-GONE" not in carry_forward(session, YEAR, org.finance).purchase_orders
    assert _entries(session, "PO-CF-GONE") == entries


def test_a_carried_po_is_later_released_whole(session: Session) -> None:
    org = budget_org(session, year=YEAR)
    _spanning_po(session, org, "PO-CF-END", committed=True)
    carry_forward(session, YEAR, org.finance)
    release(session, org.movement("PO-CF-END", 400_000, date(YEAR, 11, 1), days=120))
    reserved, committed = po_holdings(session, "PO-CF-END")
    assert (reserved, committed) == ({}, {})
