"""An issued PO on the time-skipping server: change orders (approved again above the policy's
threshold, decreases, delays, rejections), invoices and blanket call-offs, each on the ledger;
receipts, kept on the PO and in po_receipts."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.blanket import CallOffRequest
from domain.budget import spread
from domain.catalog import Decision, PoStatus
from domain.change_orders import ChangeOrderRequest
from domain.invoicing import InvoiceRequest
from domain.purchase_order import PoView
from domain.receipts import ReceiptKind, ReceiptRequest
from domain.requisition import PoType
from domain.temporal_names import PoUpdate
from models import LedgerEntry
from models.budgets.postings import po_holdings
from models.purchase_orders.receipts import received_by_line
from tests.builders.requisitions import laptops, own_cost_center
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import (
    approve_round,
    arrives,
    audit_actions,
    balance,
    decide,
    erp_orders,
    keep_history,
    projected,
    update,
)

PoHandle = WorkflowHandle[object, PoView]


async def issued_laptops(
    po_runner: PoRunner, db: Session, count: int = 2
) -> tuple[PoHandle, PoView]:
    """Laptops on a cost center of their own, so no other test's POs change the routing."""
    handle = await po_runner.start(replace(laptops(count), cost_center=own_cost_center(db)))
    await view_when(handle, waiting)
    return handle, await approve_round(handle, lambda v: v.status is PoStatus.ISSUED)


async def refused(handle: PoHandle, name: str, request: object) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await update(handle, name, request)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type
    return cause.type


def more_laptops(view: PoView, count: int) -> ChangeOrderRequest:
    return ChangeOrderRequest(
        "alex", "team grew", lines=(replace(view.requisition.lines[0], quantity=count),)
    )


async def test_an_increase_above_the_threshold_is_approved_again_and_commits_the_delta(
    po_runner: PoRunner, db: Session
) -> None:
    handle, view = await issued_laptops(po_runner, db)
    po = view.po_number
    assert balance(db, po) == (0, 378_000)
    pending = await update(handle, PoUpdate.CHANGE_ORDER, more_laptops(view, 3))
    assert [c.outcome for c in pending.change_orders] == ["pending approval"]
    assert pending.status is PoStatus.ISSUED and pending.revision == 1
    assert balance(db, po) == (189_000, 378_000)  # the increase is reserved meanwhile
    assert await refused(handle, PoUpdate.CHANGE_ORDER, more_laptops(view, 4)) == "change_pending"
    # A new approval round: the owner who approved the PO may approve its change order.
    round_opened = await view_when(handle, waiting)
    assert round_opened.waiting_on() == ["priya"]
    assert round_opened.tiers[round_opened.tier_index].name == "cost-center owner (change order 1)"
    view = await approve_round(handle, lambda v: v.revision == 2)
    assert view.change_orders[0].outcome == "applied" and view.amount_base_minor == 567_000
    assert balance(db, po) == (0, 567_000)
    assert erp_orders(db, po) == 2  # revision 1 and revision 2, each once
    kinds = _kinds(db, po)
    assert kinds.count("commit") >= 2 and "release" not in kinds
    await arrives(lambda: audit_actions(db, po), "change_order.applied")
    assert "change_order.submitted" in audit_actions(db, po)
    await keep_history(handle, "change_order")


async def test_a_small_increase_applies_at_once_and_a_decrease_releases_the_difference(
    po_runner: PoRunner, db: Session
) -> None:
    handle, view = await issued_laptops(po_runner, db, count=10)
    po = view.po_number
    applied = await update(
        handle, PoUpdate.CHANGE_ORDER, more_laptops(view, 11)
    )  # +10 %, not above
    assert applied.revision == 2 and applied.change_orders[0].outcome == "applied"
    assert balance(db, po) == (0, 11 * 189_000)
    decreased = await update(handle, PoUpdate.CHANGE_ORDER, more_laptops(applied, 6))
    assert decreased.revision == 3 and decreased.change_orders[1].change_base_minor == -5 * 189_000
    assert balance(db, po) == (0, 6 * 189_000)
    assert "release" in _kinds(db, po)


async def test_a_rejected_change_order_leaves_the_po_as_it_was(
    po_runner: PoRunner, db: Session
) -> None:
    handle, view = await issued_laptops(po_runner, db)
    po = view.po_number
    await update(handle, PoUpdate.CHANGE_ORDER, more_laptops(view, 4))
    await view_when(handle, lambda v: v.waiting_on() == ["priya"])
    await decide(handle, "priya", Decision.REJECT, comment="buy them next quarter")
    view = await view_when(handle, lambda v: v.change_orders[0].outcome == "rejected")
    assert view.status is PoStatus.ISSUED and view.revision == 1
    assert view.amount_base_minor == 378_000 and balance(db, po) == (0, 378_000)
    assert erp_orders(db, po) == 1
    # A later change order has budget steps of its own: reserved, approved, committed.
    await update(handle, PoUpdate.CHANGE_ORDER, more_laptops(view, 3))
    assert balance(db, po) == (189_000, 378_000)
    view = await approve_round(handle, lambda v: v.revision == 2)
    assert [c.outcome for c in view.change_orders] == ["rejected", "applied"]
    assert balance(db, po) == (0, 567_000) and erp_orders(db, po) == 2


async def test_a_delay_moves_the_commitment_between_periods(
    po_runner: PoRunner, db: Session
) -> None:
    handle, view = await issued_laptops(po_runner, db)
    po = view.po_number
    line = view.requisition.lines[0]
    before = po_holdings(db, po)[1]
    assert before == spread(378_000, line.service_start, line.service_end, 1)
    delayed = await update(handle, PoUpdate.CHANGE_ORDER, _delay(62))
    moved = delayed.requisition.lines[0]
    assert moved.service_start == line.service_start + timedelta(days=62)
    after = po_holdings(db, po)[1]
    assert after == spread(378_000, moved.service_start, moved.service_end, 1)
    assert after != before and sum(after.values()) == 378_000
    assert "adjust" in _kinds(db, po) and "release" not in _kinds(db, po)


async def test_invoices_relieve_the_commitment_and_full_invoicing_closes_the_po(
    po_runner: PoRunner, db: Session
) -> None:
    handle, view = await issued_laptops(po_runner, db)
    po = view.po_number
    today = date.today()
    assert await refused(handle, PoUpdate.RECORD_INVOICE, _invoice("alex", "INV-1", 100_000)) == (
        "not_entitled"
    )
    assert await refused(
        handle, PoUpdate.RECORD_INVOICE, _invoice("priya", "INV-1", 100_000, True)
    ) == ("segregation_of_duties")
    # Felix (accounts payable) neither requested nor approved it.
    first = await update(
        handle, PoUpdate.RECORD_INVOICE, _invoice("felix", "INV-1", 150_000, True, today)
    )
    assert first.invoices[0].relieved_base_minor == 150_000
    assert balance(db, po) == (0, 228_000)
    assert await refused(handle, PoUpdate.RECORD_INVOICE, _invoice("felix", "INV-1", 1, True)) == (
        "duplicate_invoice"
    )
    await update(handle, PoUpdate.RECORD_INVOICE, _invoice("felix", "INV-2", 228_000, True, today))
    result = await handle.result()
    assert result.status is PoStatus.CLOSED
    assert balance(db, po) == (0, 0)
    actual = db.scalar(
        select(func.sum(LedgerEntry.actual_delta_minor)).where(LedgerEntry.po_number == po)
    )
    assert actual == 378_000
    await projected(db, po, PoStatus.CLOSED)


async def test_call_offs_draw_down_a_blanket_ceiling_and_stop_at_it(
    po_runner: PoRunner, db: Session
) -> None:
    blanket = replace(
        laptops(1),
        cost_center=own_cost_center(db),
        po_type=PoType.BLANKET,
        blanket_ceiling_minor=500_000,
    )
    handle = await po_runner.start(blanket)
    await view_when(handle, waiting)
    view = await approve_round(handle, lambda v: v.status is PoStatus.ISSUED)
    assert balance(db, view.po_number) == (0, 500_000)  # the ceiling is committed
    view = await update(handle, PoUpdate.CALL_OFF, CallOffRequest("alex", "two docks", 300_000))
    view = await update(handle, PoUpdate.CALL_OFF, CallOffRequest("alex", "one dock", 150_000))
    assert [c.number for c in view.call_offs] == [1, 2]
    assert await refused(handle, PoUpdate.CALL_OFF, CallOffRequest("alex", "more", 50_001)) == (
        "above_ceiling"
    )
    assert await refused(handle, PoUpdate.CALL_OFF, CallOffRequest("tom", "x", 1)) == "not_entitled"
    lowered = ChangeOrderRequest("alex", "smaller", blanket_ceiling_minor=400_000)
    assert await refused(handle, PoUpdate.CHANGE_ORDER, lowered) == "below_consumed"


async def test_receipts_by_a_third_person_add_up_to_the_ordered_quantity(
    po_runner: PoRunner, db: Session
) -> None:
    handle, view = await issued_laptops(po_runner, db, count=3)
    po, approver = view.po_number, view.decisions[0].actor
    for person in ("alex", approver):
        assert await refused(handle, PoUpdate.RECORD_RECEIPT, _receipt(person, "1")) == (
            "segregation_of_duties"
        )
    first = await update(handle, PoUpdate.RECORD_RECEIPT, _receipt("paul", "1"))
    assert [(r.number, r.quantity, r.actor) for r in first.receipts] == [(1, Decimal(1), "paul")]
    assert await refused(handle, PoUpdate.RECORD_RECEIPT, _receipt("paul", "2.5")) == (
        "over_receipt"
    )
    rest = await update(handle, PoUpdate.RECORD_RECEIPT, _receipt("maria", "2"))
    assert rest.status is PoStatus.ISSUED and balance(db, po) == (0, 567_000)  # no budget moves
    db.expire_all()
    assert received_by_line(db, po) == {1: Decimal(3)}
    assert audit_actions(db, po).count("receipt.recorded") == 2
    await keep_history(handle, "receipt")


def _receipt(actor: str, quantity: str) -> ReceiptRequest:
    return ReceiptRequest(
        actor, ReceiptKind.GOODS_RECEIVED, 1, Decimal(quantity), date.today(), note="dock 2"
    )


def _delay(days: int) -> ChangeOrderRequest:
    return ChangeOrderRequest("alex", "vendor ships later", shift_days=days)


def _invoice(
    actor: str, number: str, amount: int, finance: bool = False, on: date | None = None
) -> InvoiceRequest:
    return InvoiceRequest(actor, number, on or date.today(), amount, actor_is_finance=finance)


def _kinds(db: Session, po: str) -> list[Any]:
    db.expire_all()
    return list(db.scalars(select(LedgerEntry.kind).where(LedgerEntry.po_number == po)))


async def test_a_cost_center_that_books_at_invoice_reserves_nothing_and_books_actuals(
    po_runner: PoRunner, db: Session
) -> None:
    code = own_cost_center(db, reserve_at="invoice")
    handle = await po_runner.start(replace(laptops(1), cost_center=code))
    view = await view_when(handle, waiting)
    assert view.waiting_on() == ["priya"] and not view.over_budget  # checked, not reserved
    assert balance(db, view.po_number) == (0, 0)
    view = await approve_round(handle, lambda v: v.status is PoStatus.ISSUED)
    assert balance(db, view.po_number) == (0, 0)  # nothing committed either
    booked = await update(handle, PoUpdate.RECORD_INVOICE, _invoice("felix", "AP-9", 189_000, True))
    assert booked.invoices[0].relieved_base_minor == 0
    assert _kinds(db, view.po_number) == ["actual"]
    assert (await handle.result()).status is PoStatus.CLOSED


async def test_a_delay_into_periods_without_budget_is_refused_when_policy_refuses(
    refusing_policy: None, po_runner: PoRunner, db: Session
) -> None:
    code = own_cost_center(db)
    handle = await po_runner.start(replace(laptops(2), cost_center=code))
    await view_when(handle, waiting)
    view = await approve_round(handle, lambda v: v.status is PoStatus.ISSUED)
    before = po_holdings(db, view.po_number)
    refused = await update(handle, PoUpdate.CHANGE_ORDER, _delay(400))  # no budget a year out
    [change] = refused.change_orders
    assert change.outcome == "refused" and change.detail.startswith("insufficient budget: ")
    assert refused.revision == 1 and refused.requisition == view.requisition
    assert po_holdings(db, view.po_number) == before
