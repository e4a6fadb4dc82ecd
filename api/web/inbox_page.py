"""The inbox: what waits on me (directly, by delegation, or escalated to me), and what I decided."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import SessionDep
from api.web.render import render
from api.web.session import PageUser
from domain.catalog import PoStatus
from models.inbox import InboxRow, inbox, recently_decided
from models.people import User

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(user: PageUser) -> RedirectResponse:
    return RedirectResponse("/inbox", status_code=303)


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(
    request: Request,
    user: PageUser,
    session: SessionDep,
    cost_center: str | None = None,
    overdue: bool = False,
) -> HTMLResponse:
    rows = await run_in_threadpool(inbox, session, user, datetime.now(UTC))
    centers = sorted({row.po.cost_center for row in rows})
    if cost_center:
        rows = [row for row in rows if row.po.cost_center == cost_center]
    if overdue:
        rows = [row for row in rows if row.overdue]
    decided = await run_in_threadpool(recently_decided, session, user)
    questions = await run_in_threadpool(_questions_for, rows, user)
    context = {
        "title": "Inbox",
        "rows": rows,
        "decided": decided,
        "questions": questions,
        "centers": centers,
        "cost_center": cost_center,
        "overdue": overdue,
    }
    return render(request, "inbox.html", context, user)


def _questions_for(rows: list[InboxRow], user: User) -> dict[str, str]:
    """The question each of the user's own POs waits on them to answer, by PO number."""
    return {
        row.po.po_number: str(row.po.detail.get("information_request") or "")
        for row in rows
        if row.po.requester == user.username and row.po.status is PoStatus.INFORMATION_REQUESTED
    }
