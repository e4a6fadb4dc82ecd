"""Where ``/`` takes a signed-in person (docs/web-pages.md): to what they most likely
came to do, in this order:

1. anything waits on them (an approval, or an approver's question to them) → the inbox;
2. finance → the spending summary;
3. auditor → the PO search with the audit trail's state;
4. requester → My requests, with where each PO stands;
5. anyone else (an approver with nothing waiting, procurement, admin) → the inbox.
"""

from __future__ import annotations

from collections.abc import Set

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api.web.session import PageUser
from domain.catalog import Role

router = APIRouter(include_in_schema=False)

INBOX = "/inbox"
BY_ROLE = (
    (Role.FINANCE, "/reports/summary"),
    (Role.AUDITOR, "/audit"),
    (Role.REQUESTER, "/my-requests"),
)


def landing_page(roles: Set[Role], waiting: int) -> str:
    """The page ``/`` leads to for someone holding ``roles`` with ``waiting`` inbox items."""
    if waiting:
        return INBOX
    return next((page for role, page in BY_ROLE if role in roles), INBOX)


@router.get("/")
def home(request: Request, user: PageUser) -> RedirectResponse:
    waiting = int(getattr(request.state, "waiting_count", 0) or 0)
    return RedirectResponse(landing_page(user.role_names, waiting), status_code=303)
