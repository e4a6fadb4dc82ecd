"""``/costs/documents``: every version of each governed cost document (tag policy, allocation
model, unit-cost model, rate card) with its status, who proposed and who decided it, and when
it took effect; each links to its review page. For cost readers and FinOps; finance and admins
also find the way to propose a new version of each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api.cost_access import SPEND_READERS
from api.deps import SessionDep
from api.web.render import render
from api.web.session import page_role
from domain.costs.governance import DOCUMENT_AUTHORS, DocumentKind
from models.costs.document_store import document_versions
from models.people.records import User

router = APIRouter(include_in_schema=False)
Reader = Annotated[User, Depends(page_role(*SPEND_READERS))]


@router.get("/costs/documents", response_class=HTMLResponse)
def documents_page(request: Request, user: Reader, session: SessionDep) -> HTMLResponse:
    kinds = {kind: document_versions(session, kind) for kind in DocumentKind}
    named = {row.proposed_by_id for rows in kinds.values() for row in rows}
    named |= {row.decided_by_id for rows in kinds.values() for row in rows if row.decided_by_id}
    who = select(User.id, User.username).where(User.id.in_(named))
    people: dict[int, str] = dict(session.execute(who).tuples().all())
    proposes = bool(user.role_names & set(DOCUMENT_AUTHORS))
    context = {"title": "Cost documents", "kinds": kinds, "people": people, "proposes": proposes}
    return render(request, "costs/documents.html", context, user)
