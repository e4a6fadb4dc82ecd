"""Sending a decision to a PO's workflow, the same way from the JSON API, the web form, the
decision link in an e-mail and a bulk approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from anyio.to_thread import run_sync
from sqlalchemy.orm import Session
from temporalio.client import Client

from domain.catalog import Decision
from domain.entitlement import DecisionRequest
from domain.intake import LONG_TEXT, text_problem
from domain.purchase_order import PoView
from domain.temporal_names import PoUpdate
from models.people.records import User
from models.purchase_orders.delegations import delegation_for_decision
from models.purchase_orders.inbox import visible_purchase_order
from models.purchase_orders.records import PurchaseOrder
from services.idempotency import update_id
from services.refusals import RuleRefused
from services.updates import not_running, run_update


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


async def submit_decision(
    session: Session,
    temporal: Client,
    user: User,
    po_number: str,
    form: DecisionForm,
    key: str | None = None,
) -> PoView:
    """The workflow's answer to the decision; ``RuleRefused`` names the rule when it is refused,
    ``NotVisible`` when the caller cannot see the PO.
    The same ``key`` from the same person answers a resend with the first outcome."""
    refuse_unstorable_text("comment", form.comment)
    po = await run_sync(visible_or_missing, session, user, po_number)
    delegation = None
    if form.on_behalf_of:
        delegation = await run_sync(
            delegation_for_decision, session, user, form.on_behalf_of, datetime.now(UTC)
        )
        if delegation is None:
            raise RuleRefused(
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
        PoUpdate.DECIDE,
        request,
        PoView,
        missing=not_running(po_number),
        update_id=update_id(PoUpdate.DECIDE, user, key),
    )


def refuse_unstorable_text(field: str, text: str) -> None:
    """``RuleRefused`` for a text poflow cannot record as typed: too long or holding control
    characters. The JSON schemas check the same; forms come here."""
    if len(text) > LONG_TEXT:
        message = f"{field} has {len(text)} characters; at most {LONG_TEXT}."
        raise RuleRefused("text_length", message)
    problem = text_problem(text, multiline=True)
    if problem is not None:
        raise RuleRefused("text_characters", f"{field} {problem}.")
