"""The decision card of a PO (``domain.decision_card``) as its messages and signed links show
it, read from the read model and the budget ledger."""

from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.decision_card import DecisionCard, decision_card
from domain.purchase_order import PoView
from domain.standing import Standing
from models.purchase_orders.budget_view import po_budget
from models.purchase_orders.records import PurchaseOrder

_VIEW = TypeAdapter(PoView)


def approvers_card(
    session: Session, po_number: str, now: datetime, approver: str | None = None
) -> DecisionCard | None:
    """The card as the tier's approvers see it in a message: the facts and where the approval
    stands, no one person's actions (the message offers its own). With ``approver`` (a signed
    link's, whom the tier waits on), the card as that person decides it for themselves. None
    when there is no such PO (or no view of it)."""
    query = select(PurchaseOrder.detail).where(PurchaseOrder.po_number == po_number)
    detail = session.scalar(query)
    if not detail:  # no such PO, or a row that holds no view of it
        return None
    budget = po_budget(session, po_number)
    figure = budget.figure() if budget else None
    view = _VIEW.validate_python(detail)
    if approver is None:
        return decision_card(view, figure, now)
    return decision_card(view, figure, now, Standing(for_myself=True), approver)
