"""The PO page: the decision card and its actions on top (a refused decision shows the
validator's reason and the form as filled in), then the approval chain as a timeline with the
question-and-answer thread, the details, lines and budget, and the audit trail; what could not
be delivered, and a step that needs attention, with an admin's button to run it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter
from sqlalchemy import select

from api.deps import SessionDep, TemporalDep
from api.errors import Refused, answer
from api.web.po_consumption import po_consumption
from api.web.po_outlier import outlier_review_tiers
from api.web.po_story import information_thread
from api.web.render import flash, render
from api.web.report_pages import po_commitment_chart
from api.web.session import CsrfChecked, PageUser, form_key, page_role
from domain.approval_timeline import TierState, approval_timeline
from domain.catalog import Decision, Role
from domain.decision_card import decision_card
from domain.milestone_acceptance import standings
from domain.purchase_order import PoView
from domain.side_effects import RetryRequest
from domain.standing import Standing, standing
from domain.temporal_names import PoUpdate
from domain.wording import as_sentence
from models.audit.entries import AuditEntry
from models.budgets.depreciation import asset_books, asset_schedule
from models.people.records import User
from models.purchase_orders.budget_view import PoBudget, po_budget
from models.purchase_orders.delegations import delegations_held
from services.decisions import DecisionForm, NotVisible, submit_decision, visible_or_missing
from services.refusals import RuleRefused
from services.updates import not_running, run_update

router = APIRouter(include_in_schema=False)
_VIEW = TypeAdapter(PoView)

ACTION_DONE = {
    Decision.APPROVE: "Approved",
    Decision.REJECT: "Rejected",
    Decision.REQUEST_INFORMATION: "Information requested",
    Decision.FORWARD: "Forwarded",
    Decision.EXTEND_DEADLINE: "Deadline extended",
}
# What the timeline calls a tier's state and a decision, in words (not only colour).
TIER_LABELS = {
    TierState.DONE: "done",
    TierState.CURRENT: "now",
    TierState.UPCOMING: "upcoming",
    TierState.REJECTED: "rejected",
    TierState.NOT_REACHED: "not reached",
}
ACTION_LABELS = {
    Decision.APPROVE: "approved",
    Decision.REJECT: "rejected",
    Decision.REQUEST_INFORMATION: "asked for information",
    Decision.FORWARD: "forwarded",
    Decision.EXTEND_DEADLINE: "extended the deadline",
}
DECISIONS = frozenset(decision.value for decision in Decision)
CHOOSE_A_DECISION = "Choose a decision: approve, reject, ask for information, forward or extend."
CHOOSE_FOR_WHOM = "Choose whether you decide for yourself or on behalf of someone."
CHOOSE_AN_EXTENSION = "Choose how long to extend the deadline by."
# The form field a refusal is about, by its rule: the field then points to the refusal.
REFUSED_FIELD = {"comment_required": "comment", "invalid_forward": "forward_to"}


@router.get("/po/{po_number}", response_class=HTMLResponse)
async def po_page(
    request: Request, po_number: str, user: PageUser, session: SessionDep
) -> HTMLResponse:
    return await run_in_threadpool(_page, request, session, user, po_number, None)


@dataclass(frozen=True)
class EnteredDecision:
    """The decision form as the person filled it in, shown again as it was when refused: no
    action is ever chosen for them."""

    action: str = ""
    comment: str = ""
    branch: str = ""
    forward_to: str = ""
    on_behalf_of: str | None = None  # "" for oneself; None when not chosen
    extend_minutes: str = ""


@router.post("/po/{po_number}/decide", dependencies=[CsrfChecked])
async def decide(
    request: Request,
    po_number: str,
    user: PageUser,
    session: SessionDep,
    temporal: TemporalDep,
    action: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    branch: Annotated[str, Form()] = "",
    forward_to: Annotated[str, Form()] = "",
    on_behalf_of: Annotated[str | None, Form()] = None,
    extend_minutes: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    """Send the decision; the form's own key makes a resent form (a double click, a reload)
    answer with the first outcome. A refused form comes back as it was filled in. Whom the
    decision is for may go unsaid when there is one choice (oneself, or one delegator); an
    extension unsaid is the tier's own length, as in the JSON API."""
    entered = EnteredDecision(action, comment, branch, forward_to, on_behalf_of, extend_minutes)
    if on_behalf_of is None:
        on_behalf_of = await run_in_threadpool(_only_choice, session, user, po_number)
    problem = _form_problem(action, on_behalf_of, extend_minutes)
    if problem is not None or on_behalf_of is None:
        unchosen = Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, problem or CHOOSE_FOR_WHOM)
        return await run_in_threadpool(_page, request, session, user, po_number, unchosen, entered)
    form = DecisionForm(
        action=Decision(action),
        comment=comment.strip(),
        branch=branch or None,
        forward_to=forward_to or None,
        extend_minutes=int(extend_minutes) if extend_minutes else None,
        on_behalf_of=on_behalf_of or None,
    )
    try:
        await submit_decision(session, temporal, user, po_number, form, idempotency_key or None)
    except NotVisible as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such purchase order") from missing
    except RuleRefused as refused:
        refusal = answer(refused)
        return await run_in_threadpool(_page, request, session, user, po_number, refusal, entered)
    acting_for = f" on behalf of {form.on_behalf_of}" if form.on_behalf_of else ""
    flash(request, f"{ACTION_DONE[form.action]}: {po_number}{acting_for}")
    return RedirectResponse(f"/po/{po_number}", status_code=303)


def _form_problem(action: str, on_behalf_of: str | None, extend_minutes: str) -> str | None:
    """What the form leaves undecided, said as the person reads it; None when it is complete."""
    if action not in DECISIONS:
        return CHOOSE_A_DECISION
    if on_behalf_of is None:
        return CHOOSE_FOR_WHOM
    if extend_minutes and not extend_minutes.isdecimal():
        return CHOOSE_AN_EXTENSION
    return None


@router.post("/po/{po_number}/retry", dependencies=[CsrfChecked])
async def retry(
    request: Request,
    po_number: str,
    user: Annotated[User, Depends(page_role(Role.ADMIN))],
    session: SessionDep,
    temporal: TemporalDep,
) -> Response:
    """An admin runs again the step of a PO that needs attention."""
    po = await run_in_threadpool(visible_or_missing, session, user, po_number)
    update = temporal.get_workflow_handle(po.workflow_id)
    try:
        await run_update(
            update,
            PoUpdate.RETRY_STEP,
            RetryRequest(user.username),
            PoView,
            missing=not_running(po_number),
        )
    except RuleRefused as refused:
        return await run_in_threadpool(_page, request, session, user, po_number, answer(refused))
    flash(request, f"The failed step of {po_number} runs again")
    return RedirectResponse(f"/po/{po_number}", status_code=303)


def _page(
    request: Request,
    session: Any,
    user: User,
    po_number: str,
    refusal: Refused | None,
    entered: EnteredDecision | None = None,
) -> HTMLResponse:
    """The page, with a refusal (of a decision, or a retry) worded for people above the form."""
    try:
        po = visible_or_missing(session, user, po_number)
    except NotVisible as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such purchase order") from missing
    detail = po.detail
    trail = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == po_number).order_by(AuditEntry.sequence)
    ).all()
    context = {
        "title": f"{po_number} · {po.title}",
        "po": po,
        "view": detail,
        "requisition": detail.get("requisition", {}),
        "trail": trail,
        "thread": information_thread(trail),
        "refusal": as_sentence(refusal.detail) if refusal else None,
        "refused_field": REFUSED_FIELD.get(refusal.extra.get("rule", "")) if refusal else None,
        "entered": entered or EnteredDecision(),
        "form_key": form_key("decision"),
        "can_retry": Role.ADMIN in user.role_names,
        "commitment_chart": po_commitment_chart(session, po_number),
        "consumption": po_consumption(session, po_number, po.amount_base_minor, po.base_currency),
        "assets": [
            (b, asset_schedule(session, b.asset)) for b in asset_books(session, po_number=po_number)
        ],
        **_decision(session, user, po_number, _VIEW.validate_python(detail)),
    }
    code = refusal.status_code if refusal else status.HTTP_200_OK
    return render(request, "po.html", context, user, status_code=code)


def _decision(session: Any, user: User, po_number: str, view: PoView) -> dict[str, Any]:
    """The decision card, the timeline and the budget, as ``user`` sees them now."""
    now = datetime.now(UTC)
    found = _standing(session, user, view, now)
    budget = po_budget(session, po_number)
    figure = budget.figure() if budget else None
    return {
        "standing": found,
        "card": decision_card(view, figure, now, found, user.username),
        "timeline": approval_timeline(view, now),
        "milestones": standings(view.requisition, view.receipts, view.milestone_decisions),
        "outlier_tiers": outlier_review_tiers(session, view),
        "budget": budget,
        "gl_account": _booked_gl(budget, view),
        "TIER_LABELS": TIER_LABELS,
        "ACTION_LABELS": ACTION_LABELS,
    }


def _booked_gl(budget: PoBudget | None, view: PoView) -> str | None:
    """The GL account the PO books to: the budget line it holds, else the one requested;
    None while a catalog item's account is still being resolved (or was never booked)."""
    if budget is not None:
        return budget.gl_account
    return view.requisition.gl_account


def _standing(session: Any, user: User, view: PoView, now: datetime) -> Standing:
    """Whether ``user`` may decide this PO now, by the rules the workflow's validator applies."""
    return standing(view.approval_state(), user.username, delegations_held(session, user, now), now)


def _only_choice(session: Any, user: User, po_number: str) -> str | None:
    """Whom a decision is for when the form does not say: the one choice there is, oneself
    when there is none (the workflow then says why not), None when there are several."""
    try:
        po = visible_or_missing(session, user, po_number)
    except NotVisible as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such purchase order") from missing
    found = _standing(session, user, _VIEW.validate_python(po.detail), datetime.now(UTC))
    if found.may_decide and found.only_choice is None:
        return None
    return found.only_choice or ""
