"""The inbox as a worklist: what waits on me (directly, by delegation, or escalated to me),
sortable by query parameters so it works without JavaScript, with the POs the policy marks
low-risk offered for approval together; and what I decided."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, TemporalDep
from api.web.render import render
from api.web.session import CsrfChecked, PageUser, form_key
from domain.catalog import PoStatus
from models.costs.governance_tasks import open_tasks_for
from models.people.records import User
from models.purchase_orders.inbox import InboxRow, inbox, recently_decided
from models.purchase_orders.worklist import InboxSort, low_risk_refusals, sorted_worklist
from services.bulk_approval import approve_low_risk
from services.decisions import refuse_unstorable_text

router = APIRouter(include_in_schema=False)

SORT_LABELS = {
    InboxSort.DUE: "Deadline, soonest first",
    InboxSort.AMOUNT: "Amount, largest first",
    InboxSort.REQUESTER: "Requester, A to Z",
    InboxSort.AGE: "Waiting longest first",
}


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    cost_center: str | None = None,
    overdue: bool = False,
    sort: InboxSort = InboxSort.DUE,
) -> HTMLResponse:
    now = datetime.now(UTC)
    rows = await run_in_threadpool(inbox, session, user, now)
    centers = sorted({row.po.cost_center for row in rows})
    if cost_center:
        rows = [row for row in rows if row.po.cost_center == cost_center]
    if overdue:
        rows = [row for row in rows if row.overdue]
    rows = sorted_worklist(rows, sort, now)
    reasons = await run_in_threadpool(low_risk_refusals, session, [r.po.po_number for r in rows])
    decided = await run_in_threadpool(recently_decided, session, user)
    questions = await run_in_threadpool(_questions_for, rows, user)
    tasks = await run_in_threadpool(open_tasks_for, session, user.username)
    context = {
        "title": "Inbox",
        "rows": rows,
        "low_risk": {number for number, reason in reasons.items() if reason is None},
        "decided": decided,
        "questions": questions,
        "tasks": tasks,
        "centers": centers,
        "cost_center": cost_center,
        "overdue": overdue,
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "form_key": form_key("bulk"),
    }
    return render(request, "inbox.html", context, user)


@router.post("/inbox/approve", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def approve_selected(
    request: Request,
    user: PageUser,
    session: SessionDep,
    temporal: TemporalDep,
    po_number: Annotated[list[str] | None, Form()] = None,
    comment: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Approve the selected low-risk POs one by one; the page lists which were approved and
    which were refused, and why. A resent form answers each PO with its first outcome."""
    if not po_number:
        nothing = {"title": "422", "message": "Select at least one PO to approve."}
        return render(request, "error.html", nothing, user, status_code=422)
    refuse_unstorable_text("comment", comment)
    outcome = await approve_low_risk(
        session, temporal, user, po_number, comment.strip(), idempotency_key or None
    )
    context: dict[str, object] = {"title": "Approved together", "outcome": outcome}
    return render(request, "inbox_approved.html", context, user)


def _questions_for(rows: list[InboxRow], user: User) -> dict[str, str]:
    """The question each of the user's own POs waits on them to answer, by PO number."""
    return {
        row.po.po_number: str(row.po.detail.get("information_request") or "")
        for row in rows
        if row.po.requester == user.username and row.po.status is PoStatus.INFORMATION_REQUESTED
    }
