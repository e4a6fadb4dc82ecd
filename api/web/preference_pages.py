"""How poflow notifies me: e-mail, the team's chat channel, a daily digest; a refused choice
comes back with the rule it breaks, and nothing is stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import SessionDep
from api.web.render import flash, render
from api.web.session import CsrfChecked, PageUser
from domain.notification_preferences import preference_refusal
from models.people.notification_preferences import Preferences, preferences_of, set_preferences
from models.people.records import User

router = APIRouter(include_in_schema=False)


@router.get("/preferences", response_class=HTMLResponse)
def preferences_page(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    return _page(request, user, preferences_of(session, user.username))


@router.post("/preferences", dependencies=[CsrfChecked], response_model=None)
def save_preferences(
    request: Request,
    user: PageUser,
    session: SessionDep,
    email: Annotated[bool, Form()] = False,
    chat: Annotated[bool, Form()] = False,
    digest: Annotated[bool, Form()] = False,
) -> HTMLResponse | RedirectResponse:
    chosen = Preferences(email=email, chat=chat, digest=digest)
    refusal = preference_refusal(email, chat, digest)
    if refusal is not None:
        return _page(request, user, chosen, refusal, status.HTTP_422_UNPROCESSABLE_CONTENT)
    set_preferences(session, user.username, chosen)
    flash(request, f"Saved: poflow tells you {_told(chosen)}")
    return RedirectResponse("/preferences", status_code=303)


def _page(
    request: Request, user: User, chosen: Preferences, refusal: str | None = None, code: int = 200
) -> HTMLResponse:
    context = {"title": "Notification preferences", "chosen": chosen, "refusal": refusal}
    return render(request, "preferences.html", context, user, status_code=code)


def _told(chosen: Preferences) -> str:
    """The saved choice in words, e.g. "by e-mail at once and in your team's chat channel"."""
    ways = []
    if chosen.email:
        ways.append("by e-mail in a daily digest" if chosen.digest else "by e-mail at once")
    if chosen.chat:
        ways.append("in your team's chat channel")
    return " and ".join(ways)
