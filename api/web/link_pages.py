"""The page a signed decision link opens: GET shows what would be decided (the PO's decision
card) and asks to confirm
(mail scanners and link previews fetch links, so a GET never decides); POST decides.

The token itself authorises the POST: it names the approver, and no login is needed. CSRF: the
confirmation form carries the link id signed again under a salt of its own
(``signed_links.confirmation_token``). A bare POST to the link URL, from a scanner or from a
page that merely knows the URL, therefore decides nothing; only a form poflow rendered for this
very link does. The session's CSRF token is not required, because the link is often opened in a
browser that holds no poflow session (or loses its cookie to privacy settings); when the browser
does hold a session with a CSRF token, the form must post that token too, as every other form.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from temporalio.client import Client

from api.deps import RuntimeDep, SessionDep, TemporalDep
from api.errors import KIND_STATUS
from api.signed_links import (
    DecisionLink,
    LinkExpired,
    LinkRefused,
    confirmation_matches,
    confirmation_token,
    read_link,
    spend,
)
from api.web.render import render
from api.web.session import SESSION_CSRF
from domain.catalog import Decision
from domain.decision_card import DecisionCard
from domain.wording import as_sentence
from models.people.accounts import find_user
from models.purchase_orders.decision_cards import approvers_card
from models.purchase_orders.links import used_link
from models.purchase_orders.records import PurchaseOrder
from services.decisions import DecisionForm, NotVisible, submit_decision
from services.refusals import RuleRefused
from settings import Settings

router = APIRouter(include_in_schema=False)

DONE = {Decision.APPROVE: "approved", Decision.REJECT: "rejected"}


class LinkOutcome(Exception):
    """The link decides nothing now; rendered as ``link_result.html`` in ``state``."""

    def __init__(self, state: str, code: int, **context: Any) -> None:
        super().__init__(state)
        self.state, self.code, self.context = state, code, context


@router.get("/links/{token}", response_class=HTMLResponse)
async def link_page(
    request: Request, token: str, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    try:
        link = _read(runtime.settings, token)
        po = await run_in_threadpool(_still_open, session, link)
    except LinkOutcome as outcome:
        return _result(request, outcome)
    card = await run_in_threadpool(_card, session, link)
    return _confirm(request, runtime.settings, token, link, po, card)


@router.post("/links/{token}", response_class=HTMLResponse)
async def decide_by_link(
    request: Request,
    token: str,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
    comment: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    settings = runtime.settings
    try:
        link = _read(settings, token)
        _check_form(request, settings, link, confirm, csrf_token)
        po = await run_in_threadpool(_still_open, session, link)
        if link.action is Decision.REJECT and not comment.strip():
            error = "A rejection needs a comment for the requester."
            card = await run_in_threadpool(_card, session, link)
            return _confirm(request, settings, token, link, po, card, error, comment)
        await _decide(session, temporal, link, comment.strip())
    except LinkOutcome as outcome:
        return _result(request, outcome)
    context = {"po_number": link.po_number, "done": DONE[link.action], "tier": link.tier}
    return _result(request, LinkOutcome("decided", status.HTTP_200_OK, **context))


def _read(settings: Settings, token: str) -> DecisionLink:
    try:
        return read_link(settings, token)
    except LinkExpired as expired:
        raise LinkOutcome("expired", status.HTTP_410_GONE, po_number=expired.po_number) from None
    except LinkRefused:
        raise LinkOutcome("invalid", status.HTTP_400_BAD_REQUEST) from None


def _check_form(
    request: Request, settings: Settings, link: DecisionLink, confirm: str, csrf: str
) -> None:
    session_csrf = str(request.session.get(SESSION_CSRF, ""))
    foreign = bool(session_csrf) and not hmac.compare_digest(session_csrf, csrf)
    if foreign or not confirmation_matches(settings, link, confirm):
        raise LinkOutcome("unconfirmed", status.HTTP_403_FORBIDDEN, po_number=link.po_number)


def _still_open(session: Session, link: DecisionLink) -> PurchaseOrder:
    """The PO, if the link can still decide it: unused, and the PO waits on its approver in the
    tier the link was sent for (an old link never decides a later tier)."""
    used = used_link(session, link.link_id)
    if used is not None:
        raise LinkOutcome("used", status.HTTP_409_CONFLICT, po_number=link.po_number, used=used)
    po = session.get(PurchaseOrder, link.po_number)
    if po is None:
        raise LinkOutcome("invalid", status.HTTP_400_BAD_REQUEST)
    if po.current_tier != link.tier or link.approver not in (po.current_approvers or []):
        raise LinkOutcome("moved_on", status.HTTP_409_CONFLICT, po=po, tier=link.tier)
    return po


def _card(session: Session, link: DecisionLink) -> DecisionCard | None:
    """The decision card as the link's approver decides it (``_still_open`` found the tier
    waiting on them)."""
    return approvers_card(session, link.po_number, datetime.now(UTC), link.approver)


async def _decide(session: Session, temporal: Client, link: DecisionLink, comment: str) -> None:
    """Spend the link and send the decision in one transaction: a refused decision leaves the
    link unspent (the approver can correct and try again); a second use finds it spent."""
    user = await run_in_threadpool(find_user, session, link.approver)
    if user is None or not user.active:
        raise LinkOutcome("invalid", status.HTTP_400_BAD_REQUEST)
    savepoint = await run_in_threadpool(session.begin_nested)
    if not await run_in_threadpool(spend, session, link):
        await run_in_threadpool(savepoint.rollback)
        used = await run_in_threadpool(used_link, session, link.link_id)
        raise LinkOutcome("used", status.HTTP_409_CONFLICT, po_number=link.po_number, used=used)
    try:
        form = DecisionForm(action=link.action, comment=comment)
        await submit_decision(session, temporal, user, link.po_number, form)
    except RuleRefused as refused:
        await run_in_threadpool(savepoint.rollback)
        raise LinkOutcome(
            "refused",
            KIND_STATUS[refused.kind],
            po_number=link.po_number,
            reason=as_sentence(refused.message),
        ) from None
    except NotVisible:
        await run_in_threadpool(savepoint.rollback)
        raise LinkOutcome("invalid", status.HTTP_400_BAD_REQUEST) from None
    await run_in_threadpool(savepoint.commit)


def _confirm(
    request: Request,
    settings: Settings,
    token: str,
    link: DecisionLink,
    po: PurchaseOrder,
    card: DecisionCard | None,
    error: str | None = None,
    comment: str = "",
) -> HTMLResponse:
    context = {
        "card": card,
        "title": f"{link.action.value.title()} {link.po_number}?",
        "po": po,
        "link": link,
        "token": token,
        "confirm": confirmation_token(settings, link),
        "error": error,
        "comment": comment,
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK
    return render(request, "link_confirm.html", context, status_code=code)


def _result(request: Request, outcome: LinkOutcome) -> HTMLResponse:
    titles = {
        "decided": "Decision recorded",
        "refused": "Decision refused",
        "expired": "Link expired",
        "invalid": "Link not valid",
        "used": "Link already used",
        "moved_on": "No longer waiting on you",
        "unconfirmed": "Please confirm again",
    }
    context = {"title": titles[outcome.state], "state": outcome.state, **outcome.context}
    return render(request, "link_result.html", context, status_code=outcome.code)
