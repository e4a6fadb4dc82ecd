"""Approving several low-risk POs at once, from the inbox or the JSON API: each one goes through
the same decision path as a single approval (``services.decisions.submit_decision``, so the
workflow's validator checks it), and each refusal is reported with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from anyio.to_thread import run_sync
from sqlalchemy.orm import Session
from temporalio.client import Client

from domain.catalog import Decision
from models.people.records import User
from models.purchase_orders.inbox import InboxRow, inbox
from models.purchase_orders.worklist import low_risk_refusals
from services.decisions import DecisionForm, NotVisible, submit_decision
from services.refusals import RuleRefused

NOT_WAITING_ON_YOU = "not_waiting_on_you"
NOT_LOW_RISK = "not_low_risk"
NOT_YOURS = "it does not wait on you"


@dataclass(frozen=True)
class BulkRefusal:
    po_number: str
    rule: str
    reason: str


@dataclass
class BulkOutcome:
    """Which POs were approved, and which were refused and why, in the order asked."""

    approved: list[str] = field(default_factory=list)
    refused: list[BulkRefusal] = field(default_factory=list)


async def approve_low_risk(
    session: Session,
    temporal: Client,
    user: User,
    po_numbers: Sequence[str],
    comment: str = "",
    key: str | None = None,
) -> BulkOutcome:
    """Approve each PO that waits on ``user`` (or on a delegator of theirs) and that its policy
    marks low-risk, one by one; the others are refused without anything sent. A resend with
    the same ``key`` answers each PO with its first outcome."""
    waiting = {
        row.po.po_number: row for row in await run_sync(inbox, session, user, datetime.now(UTC))
    }
    reasons = await run_sync(low_risk_refusals, session, list(waiting))
    outcome = BulkOutcome()
    for number in dict.fromkeys(po_numbers):
        row = waiting.get(number)
        if row is None:
            refusal: BulkRefusal | None = BulkRefusal(number, NOT_WAITING_ON_YOU, NOT_YOURS)
        elif (reason := reasons.get(number)) is not None:
            refusal = BulkRefusal(number, NOT_LOW_RISK, reason)
        else:
            refusal = await _approve(session, temporal, user, row, comment, key)
        if refusal is None:
            outcome.approved.append(number)
        else:
            outcome.refused.append(refusal)
    return outcome


async def _approve(
    session: Session, temporal: Client, user: User, row: InboxRow, comment: str, key: str | None
) -> BulkRefusal | None:
    """One approval through the single-decision path; the refusal when it is refused."""
    number = row.po.po_number
    form = DecisionForm(Decision.APPROVE, comment, on_behalf_of=row.on_behalf_of)
    try:
        await submit_decision(
            session, temporal, user, number, form, f"{key}:{number}" if key else None
        )
    except NotVisible:
        return BulkRefusal(number, NOT_WAITING_ON_YOU, NOT_YOURS)
    except RuleRefused as refused:
        return BulkRefusal(number, refused.rule, refused.message)
    return None
