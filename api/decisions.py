"""Sending a decision to a PO's workflow, the same way from the JSON API and the web form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import HTTPException, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.errors import Refused, rule_refused, run_update
from api.idempotency import update_id
from domain.catalog import Decision
from domain.entitlement import DecisionRequest
from domain.intake import LONG_TEXT, text_problem
from domain.purchase_order import PoView
from models.delegations import delegation_for_decision
from models.inbox import visible_purchase_order
from models.people import User
from models.purchase_orders import PurchaseOrder


@dataclass(frozen=True)
class DecisionForm:
    action: Decision
    comment: str = ""
    branch: str | None = None
    forward_to: str | None = None
    extend_minutes: int | None = None
    on_behalf_of: str | None = None


class NotVisible(LookupError):
    """No such PO, or one the caller has no reason to see."""


def visible_or_missing(session: Session, user: User, po_number: str) -> PurchaseOrder:
    po = visible_purchase_order(session, user, po_number, datetime.now(UTC))
    if po is None:
        raise NotVisible(po_number)
    return po


def visible_or_404(session: Session, user: User, po_number: str) -> PurchaseOrder:
    """The PO if the user may see it; 404 otherwise (an unseen PO does not exist for them)."""
    try:
        return visible_or_missing(session, user, po_number)
    except NotVisible as missing:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no purchase order {po_number}"
        ) from missing


async def submit_decision(
    session: Session,
    temporal: Client,
    user: User,
    po_number: str,
    form: DecisionForm,
    key: str | None = None,
) -> PoView:
    """The workflow's answer to the decision; ``Refused`` names the rule when it is refused.
    The same ``key`` from the same person answers a resend with the first outcome."""
    refuse_unstorable_text("comment", form.comment)
    po = await run_in_threadpool(visible_or_missing, session, user, po_number)
    delegation = None
    if form.on_behalf_of:
        delegation = await run_in_threadpool(
            delegation_for_decision, session, user, form.on_behalf_of, datetime.now(UTC)
        )
        if delegation is None:
            raise rule_refused(
                "delegation_not_valid",
                f"{user.username} holds no active delegation from {form.on_behalf_of}",
            )
    request = DecisionRequest(
        actor=user.username,
        action=form.action,
        comment=form.comment,
        branch=form.branch,
        forward_to=form.forward_to,
        delegation=delegation,
        extend_minutes=form.extend_minutes,
    )
    handle = temporal.get_workflow_handle(po.workflow_id)
    return await run_update(
        handle,
        "decide",
        request,
        PoView,
        missing=not_running(po_number),
        update_id=update_id("decide", user, key),
    )


def refuse_unstorable_text(field: str, text: str) -> None:
    """``Refused`` (422, naming the rule) for a text poflow cannot record as typed: too long
    or holding control characters. The JSON schemas check the same; forms come here."""
    if len(text) > LONG_TEXT:
        message = f"{field} has {len(text)} characters; at most {LONG_TEXT}."
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, message, rule="text_length")
    problem = text_problem(text, multiline=True)
    if problem is not None:
        message = f"{field} {problem}."
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, message, rule="text_characters")


def not_running(po_number: str) -> Refused:
    return rule_refused("not_waiting", f"{po_number} is no longer running; nothing can change it")
