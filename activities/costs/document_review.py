"""The steps of a governed document's change control that touch Postgres: who reviews it (the
approval policy in force), putting the decided version in force or rejecting it, and the task
the review shows in its reviewers' inboxes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.chain import Tier
from domain.costs.document_review import DocumentReviewStart, DocumentVerdict
from domain.costs.governance import DocumentKind, DocumentStatus
from domain.costs.governance_tasks import GovernanceTask
from domain.policy import FINANCE_REVIEW
from domain.policy_document import build_policy
from domain.routing import RoutingFacts, route_change
from domain.temporal_names import Activity
from models.costs.document_store import decide_document, document_version
from models.costs.governance_tasks import project_task
from models.db import unit_of_work
from models.people.accounts import find_user
from models.purchase_orders.reference import active_policy, manager_chain, role_members


class DocumentReviewActivities:
    """Each step may run again (a retry, a replayed local activity) and changes nothing twice."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.ROUTE_DOCUMENT_REVIEW)
    def route_document_review(self, start: DocumentReviewStart) -> list[Tier]:
        """The review's tiers, as the approval policy in force names them (one finance tier when
        it says nothing), with the people resolved now and never the author."""
        with unit_of_work(self._sessions) as session:
            stored = active_policy(session)
            tiers = (
                build_policy(stored.name, stored.version, stored.document).cost_document_tiers
                if stored
                else FINANCE_REVIEW
            )
            facts = RoutingFacts(
                amount_base_minor=0,
                over_budget=False,
                new_vendor=False,
                cost_center_owner="",
                manager_chain=manager_chain(session, start.author),
                role_members=role_members(session),
            )
            return route_change(tiers, start.author, facts)

    @activity.defn(name=Activity.DECIDE_COST_DOCUMENT)
    def decide_cost_document(self, verdict: DocumentVerdict) -> str:
        """Put the version in force (approved) or reject it, as the last decider; its status
        after. A version already decided this way is left as it is."""
        kind = DocumentKind(verdict.kind)
        wanted = DocumentStatus.IN_FORCE if verdict.approve else DocumentStatus.REJECTED
        with unit_of_work(self._sessions) as session:
            row = document_version(session, kind, verdict.version)
            if row is not None and row.status == wanted:
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

    @activity.defn(name=Activity.PROJECT_GOVERNANCE_TASK)
    def project_governance_task(self, task: GovernanceTask) -> None:
        """Show the task as its workflow holds it now (written again at each change)."""
        with unit_of_work(self._sessions) as session:
            project_task(session, task, datetime.now(UTC))
