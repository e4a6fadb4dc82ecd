"""Variance investigations from the pages, the JSON API and the CLI: detect a period's breaching
lines (each gets its investigation), explain one as its owner (or their delegate), review one as
finance, and the variance report each person may see."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from domain.catalog import Role
from domain.temporal_names import VarianceUpdate, WorkflowType
from domain.variance_investigation import (
    OWNER_ANSWERS,
    Explanation,
    VarianceDetected,
    VarianceDetectRequest,
    VarianceReview,
    VarianceView,
    valid_period,
)
from models import CostCenter
from models.budgets.report_scope import centers_in_scope
from models.budgets.variance_investigations import (
    VarianceInvestigationRow,
    variance_row,
    variance_rows,
)
from models.people.records import User
from models.purchase_orders.delegations import delegation_for_decision
from services.decisions import refuse_unstorable_text
from services.idempotency import update_id
from services.refusals import RuleRefused
from services.updates import run_update
from workflows.variance_detection import detection_workflow_id

# Who sees every investigation and reviews explanations; owners see their centers' (and those
# below them) only.
SEES_ALL = frozenset({Role.FINANCE, Role.AUDITOR, Role.ADMIN})
REVIEWERS = frozenset({Role.FINANCE})


async def detect_variances(temporal: Client, task_queue: str, period: str) -> VarianceDetected:
    """Run the period's detection and answer what it found and started; a detection of the
    period under way is awaited, not repeated. ``invalid_period`` unless ``YYYY-MM``."""
    checked_period(period)
    detected: VarianceDetected = await temporal.execute_workflow(
        WorkflowType.VARIANCE_DETECTION,
        VarianceDetectRequest(period),
        id=detection_workflow_id(period),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        result_type=VarianceDetected,
        static_summary=f"variance detection of {period}",
    )
    return detected


def checked_period(period: str) -> str:
    """``period`` when it is a month written ``YYYY-MM``; ``RuleRefused`` ``invalid_period``
    otherwise."""
    if not valid_period(period):
        raise RuleRefused("invalid_period", f"{period!r} is not a month written YYYY-MM")
    return period


def visible_investigations(
    session: Session, user: User, *, period: str | None = None, status: str | None = None
) -> list[VarianceInvestigationRow]:
    """The investigations ``user`` may see: all for finance, auditors and admins; otherwise
    those of the cost centers they own and the centers below them."""
    scope = None if user.role_names & SEES_ALL else owned_centers(session, user)
    return variance_rows(session, period=period, status=status, cost_centers=scope)


class UnknownVariance(LookupError):
    """No investigation of that id the person may see (whether it exists is not told)."""

    def __init__(self, workflow_id: str) -> None:
        super().__init__(f"no variance investigation {workflow_id}")


def visible_investigation(
    session: Session, user: User, workflow_id: str, *, for_owner: bool = False
) -> VarianceInvestigationRow:
    """One investigation ``user`` may see: finance, auditors and admins see all; the owner of its
    cost center (or one above it), whoever it waits on, and, with ``for_owner``, a delegate of
    its owner see it too. ``UnknownVariance`` otherwise."""
    row = variance_row(session, workflow_id)
    sees = row is not None and (
        bool(user.role_names & SEES_ALL)
        or user.username in row.waiting_on
        or row.cost_center in owned_centers(session, user)
        or (for_owner and _delegate_of_owner(session, user, row))
    )
    if row is None or not sees:
        raise UnknownVariance(workflow_id)
    return row


def may_explain(session: Session, user: User, row: VarianceInvestigationRow) -> bool:
    """Whether the investigation waits on an explanation ``user`` may send: its owner's, a
    delegate's of theirs, or of someone it escalated to."""
    if row.status not in OWNER_ANSWERS:
        return False
    answers = user.username in (row.owner, *row.waiting_on)
    return answers or _delegate_of_owner(session, user, row)


def _delegate_of_owner(session: Session, user: User, row: VarianceInvestigationRow) -> bool:
    """Whether ``user`` holds a delegation from the row's owner covering its cost center now."""
    now = datetime.now(UTC)
    held = delegation_for_decision(session, user, row.owner, now)
    return held is not None and held.covers(row.cost_center, 0, now)


def owned_centers(session: Session, user: User) -> list[str]:
    """The codes of the cost centers ``user`` owns and every center below them."""
    roots = session.scalars(select(CostCenter.code).where(CostCenter.owner_id == user.id))
    return sorted({node.code for root in roots for node in centers_in_scope(session, root)})


async def explain_variance(
    temporal: Client,
    session: Session,
    user: User,
    workflow_id: str,
    category: str,
    comment: str,
    key: str | None = None,
) -> VarianceView:
    """Send the explanation; a delegate of the owner explains for them. ``RuleRefused`` names
    the rule (``invalid_category``, ``comment_required``, ``not_entitled``, ``not_waiting``)."""
    row = visible_investigation(session, user, workflow_id, for_owner=True)
    refuse_unstorable_text("comment", comment)
    delegated = user.username != row.owner and _delegate_of_owner(session, user, row)
    explanation = Explanation(
        user.username, category, comment.strip(), row.owner if delegated else None
    )
    return await _update(temporal, user, workflow_id, VarianceUpdate.EXPLAIN, explanation, key)


async def review_variance(
    temporal: Client,
    session: Session,
    user: User,
    workflow_id: str,
    decision: str,
    note: str,
    key: str | None = None,
) -> VarianceView:
    """Accept or send back the explanation, as finance; ``not_entitled`` for anyone else,
    ``explainer_may_not_review`` for the one who explained it."""
    visible_investigation(session, user, workflow_id)
    if not user.role_names & REVIEWERS:
        raise RuleRefused("not_entitled", "only finance reviews a variance's explanation")
    refuse_unstorable_text("note", note)
    review = VarianceReview(user.username, decision, note.strip())
    return await _update(temporal, user, workflow_id, VarianceUpdate.REVIEW, review, key)


async def _update(
    temporal: Client, user: User, workflow_id: str, update: str, argument: object, key: str | None
) -> VarianceView:
    missing = RuleRefused("not_waiting", f"{workflow_id} is no longer open")
    handle = temporal.get_workflow_handle(workflow_id)
    return await run_update(
        handle,
        update,
        argument,
        VarianceView,
        missing=missing,
        update_id=update_id(f"{update}:{workflow_id}", user, key),
    )
