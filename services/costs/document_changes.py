"""Change control of governed cost documents, the same from the JSON API and the web pages: a
proposal is stored (checked by its kind's rules) and its review workflow started; a reviewer's
decision goes to that workflow as an Update, whose validator refuses the author and anyone the
approval policy does not name before anything is recorded."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jsonpatch
from anyio.to_thread import run_sync
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.catalog import Decision
from domain.costs.document_review import DocumentReviewStart, DocumentReviewView, review_workflow_id
from domain.costs.governance import DocumentKind
from domain.entitlement import DecisionRequest
from domain.routing import RoutingError
from domain.temporal_names import PoUpdate, WorkflowType
from models.costs.document_reviewers import review_tiers
from models.costs.document_store import document_in_force, document_version, propose_document
from models.costs.governed_documents import CostDocument
from models.db import unit_of_work
from models.people.records import User
from services.decisions import refuse_unstorable_text
from services.idempotency import update_id
from services.refusals import RuleRefused
from services.runtime import ServiceRuntime
from services.updates import run_update
from settings import Settings


@dataclass(frozen=True)
class Proposed:
    kind: DocumentKind
    version: int
    status: str


@dataclass(frozen=True)
class ProposalUnderReview:
    """A version beside the one in force when it was read, and the change between them."""

    proposal: CostDocument
    in_force: CostDocument | None
    diff: list[dict[str, Any]]


async def propose_change(
    runtime: ServiceRuntime, author: User, kind: DocumentKind, document: dict[str, Any], note: str
) -> Proposed:
    """Store the proposal in a transaction of its own (``DocumentRefused`` lists every error
    and stores nothing; ``RuleRefused`` ``no_reviewer`` when nobody but the author may review
    it, not even an admin), then start its review."""
    stored = await run_sync(_propose, runtime.sessions, author, kind, document, note)
    await start_review(
        runtime.temporal,
        runtime.settings,
        DocumentReviewStart(kind, stored.version, author.username),
    )
    return stored


def _propose(
    sessions: sessionmaker[Session],
    author: User,
    kind: DocumentKind,
    document: dict[str, Any],
    note: str,
) -> Proposed:
    with unit_of_work(sessions) as session:
        try:
            review_tiers(session, author.username)
        except RoutingError as error:
            raise RuleRefused(
                "no_reviewer",
                f"nobody but {author.username} may review a {kind} change, not even an admin: "
                f"give someone the role the approval policy names ({error})",
            ) from error
        row = propose_document(
            session, kind, document, note=note, author=author, at=datetime.now(UTC)
        )
        return Proposed(row.kind, row.version, str(row.status))


async def start_review(temporal: Client, settings: Settings, start: DocumentReviewStart) -> None:
    """Start the version's review workflow, unless it was ever started."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await temporal.start_workflow(
            WorkflowType.COST_DOCUMENT_REVIEW,
            start,
            id=review_workflow_id(start.kind, start.version),
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"{start.kind} v{start.version} proposed by {start.author}",
        )


async def decide_change(
    temporal: Client,
    user: User,
    kind: DocumentKind,
    version: int,
    action: Decision,
    comment: str,
    key: str | None = None,
) -> DocumentReviewView:
    """The review's answer to the decision; ``RuleRefused`` names the rule when it is refused.
    The same ``key`` from the same person answers a resend with the first outcome."""
    refuse_unstorable_text("comment", comment)
    request = DecisionRequest(actor=user.username, action=action, comment=comment.strip())
    missing = RuleRefused("not_waiting", f"{kind} v{version} is not under review")
    handle = temporal.get_workflow_handle(review_workflow_id(kind, version))
    return await run_update(
        handle,
        PoUpdate.DECIDE,
        request,
        DocumentReviewView,
        missing=missing,
        update_id=update_id(f"{PoUpdate.DECIDE}:{kind}:{version}", user, key),
    )


def proposal_under_review(
    session: Session, kind: DocumentKind, version: int
) -> ProposalUnderReview | None:
    """The version, the version in force when it was proposed, and the JSON Patch from that
    one to it (the change its review decides, as the audit trail keeps it)."""
    proposal = document_version(session, kind, version)
    if proposal is None:
        return None
    in_force = document_in_force(session, kind, proposal.proposed_at)
    before = in_force.document if in_force else {}
    return ProposalUnderReview(
        proposal, in_force, jsonpatch.make_patch(before, proposal.document).patch
    )
