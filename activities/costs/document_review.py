"""The steps of a governed document's change control that touch Postgres: who reviews it (the
approval policy in force), putting the decided version in force or rejecting it, the older
reviews a version in force supersedes, and the task the review shows in its reviewers'
inboxes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.chain import Tier
from domain.costs.document_review import REVIEW_TASK, DocumentReviewStart, DocumentVerdict
from domain.costs.governance import DocumentKind, DocumentStatus
from domain.costs.governance_tasks import GovernanceTask
from domain.routing import RoutingError
from domain.temporal_names import Activity
from models.costs.document_reviewers import review_tiers
from models.costs.document_store import decide_document, document_version
from models.costs.governance_tasks import open_reviews_before, project_task
from models.db import unit_of_work
from models.people.accounts import find_user


class DocumentReviewActivities:
    """Each step may run again (a retry, a replayed local activity) and changes nothing twice."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.ROUTE_DOCUMENT_REVIEW)
    def route_document_review(self, start: DocumentReviewStart) -> list[Tier]:
        """The review's tiers, as the approval policy in force names them (one finance tier when
        it says nothing), with the people resolved now and never the author; no tier at all
        when one of them has nobody to ask, not even an admin."""
        with unit_of_work(self._sessions) as session:
            try:
                return review_tiers(session, start.author)
            except RoutingError:
                return []

    @activity.defn(name=Activity.DECIDE_COST_DOCUMENT)
    def decide_cost_document(self, verdict: DocumentVerdict) -> str:
        """Put the version in force (approved) or reject it, as the last decider; its status
        after (``superseded`` when a newer version went in force first). A version already
        decided this way, or superseded, is left as it is."""
        kind = DocumentKind(verdict.kind)
        wanted = DocumentStatus.IN_FORCE if verdict.approve else DocumentStatus.REJECTED
        with unit_of_work(self._sessions) as session:
            row = document_version(session, kind, verdict.version)
            if row is not None and row.status in (wanted, DocumentStatus.SUPERSEDED):
                return str(row.status)
            decider = find_user(session, verdict.decider)
            if decider is None:
                raise LookupError(f"no user {verdict.decider}")
            decided = decide_document(
                session,
                kind,
                verdict.version,
                decider=decider,
                approve=verdict.approve,
                note=verdict.comment,
                at=datetime.now(UTC),
            )
            return str(decided.status)

    @activity.defn(name=Activity.OLDER_OPEN_REVIEWS)
    def older_open_reviews(self, newer: DocumentReviewStart) -> list[str]:
        """The workflow ids of the reviews still open of the kind's versions older than
        ``newer``, which went in force."""
        with unit_of_work(self._sessions) as session:
            return open_reviews_before(session, REVIEW_TASK, newer.kind, newer.version)

    @activity.defn(name=Activity.PROJECT_GOVERNANCE_TASK)
    def project_governance_task(self, task: GovernanceTask) -> None:
        """Show the task as its workflow holds it now (written again at each change)."""
        with unit_of_work(self._sessions) as session:
            project_task(session, task, datetime.now(UTC))
