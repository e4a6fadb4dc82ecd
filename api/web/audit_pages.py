"""The auditor's page: find a PO by number, requester, vendor or status (each result leads to
the PO and its audit trail), under the state of the whole audit trail, verified against its
signed checkpoints as ``poflow audit verify`` does; and the month-end tag-compliance snapshots,
every version, per provider."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from activities.audit import check_audit_trail
from adapters.checkpoint_files import CheckpointDirectory
from api.deps import RuntimeDep, SessionDep
from api.errors import Refused
from api.web.render import render
from api.web.session import page_role
from domain.catalog import PoStatus
from models.costs.tag_snapshots import snapshots
from models.people.records import User
from models.purchase_orders.inbox import SEES_EVERY_PO
from models.purchase_orders.search import PoSearch, search_purchase_orders

router = APIRouter(include_in_schema=False)
Searcher = Annotated[User, Depends(page_role(*SEES_EVERY_PO))]
SearchText = Annotated[str, Query(max_length=200)]
STATUSES = [state.value for state in PoStatus]


@router.get("/audit", response_class=HTMLResponse)
async def audit_search(
    request: Request,
    user: Searcher,
    session: SessionDep,
    runtime: RuntimeDep,
    number: SearchText = "",
    requester: SearchText = "",
    vendor: SearchText = "",
    po_status: Annotated[str, Query(alias="status", max_length=40)] = "",
) -> HTMLResponse:
    if po_status and po_status not in STATUSES:
        message = f"status: must be one of {', '.join(STATUSES)}, not {po_status!r}"
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, message)
    search = PoSearch(
        number.strip(),
        requester.strip(),
        vendor.strip(),
        PoStatus(po_status) if po_status else None,
    )
    found = await run_in_threadpool(search_purchase_orders, session, search)
    directory = CheckpointDirectory(runtime.settings.checkpoint_dir)
    trail = await run_in_threadpool(
        check_audit_trail, session, directory, runtime.settings.signing_keys()
    )
    closes = await run_in_threadpool(snapshots, session)
    context = {
        "title": "Find a purchase order",
        "tag_snapshots": closes,
        "search": search,
        "found": found,
        "statuses": STATUSES,
        "trail": trail,
    }
    return render(request, "audit_search.html", context, user)
