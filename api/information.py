"""The requester's answer to an approver's request for information, the same way from the JSON
API and the web page: the workflow's validator decides, and the tier clock resumes."""

from __future__ import annotations

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.decisions import not_running, refuse_unstorable_text, visible_or_missing
from api.errors import run_update
from api.idempotency import update_id
from domain.purchase_order import InformationAnswer, PoView
from domain.temporal_names import PoUpdate
from models.people import User


async def answer_information(
    session: Session,
    temporal: Client,
    user: User,
    po_number: str,
    answer: str,
    key: str | None = None,
) -> PoView:
    """The PO after the answer; ``NotVisible`` when the caller cannot see it, ``Refused`` with
    the rule when the workflow refuses (nothing asked, not the requester, a blank answer)."""
    refuse_unstorable_text("answer", answer)
    po = await run_in_threadpool(visible_or_missing, session, user, po_number)
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
