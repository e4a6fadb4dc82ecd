"""The requester's answer to an approver's request for information, the same way from the JSON
API and the web page: the workflow's validator decides, and the tier clock resumes."""

from __future__ import annotations

from anyio.to_thread import run_sync
from sqlalchemy.orm import Session
from temporalio.client import Client

from domain.purchase_order import InformationAnswer, PoView
from domain.temporal_names import PoUpdate
from models.people.records import User
from services.decisions import refuse_unstorable_text, visible_or_missing
from services.idempotency import update_id
from services.updates import not_running, run_update


async def answer_information(
    session: Session,
    temporal: Client,
    user: User,
    po_number: str,
    answer: str,
    key: str | None = None,
) -> PoView:
    """The PO after the answer; ``NotVisible`` when the caller cannot see it, ``RuleRefused``
    with the rule when the workflow refuses (nothing asked, not the requester, a blank answer)."""
    refuse_unstorable_text("answer", answer)
    po = await run_sync(visible_or_missing, session, user, po_number)
    request = InformationAnswer(actor=user.username, answer=answer)
    handle = temporal.get_workflow_handle(po.workflow_id)
    return await run_update(
        handle,
        PoUpdate.ANSWER_INFORMATION,
        request,
        PoView,
        missing=not_running(po_number),
        update_id=update_id(PoUpdate.ANSWER_INFORMATION, user, key),
    )
