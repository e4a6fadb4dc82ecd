"""Change control of a governed cost document (docs/change-control.md): one run per proposed
version. Read ``DocumentReviewWorkflow.run`` top to bottom: the approval policy in force names
the reviewers tier by tier (never the author); each tier's reviewers get a task in their inbox
and a message, with reminders and escalation on the PO's clock (``workflows.tier_clock``); the
last approval puts the version in force, a rejection rejects it, and the task closes."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.approval import apply_decision
    from domain.audit_chain import AuditEvent
    from domain.catalog import Decision
    from domain.costs.document_review import (
        DocumentReviewStart,
        DocumentReviewView,
        DocumentVerdict,
        ReviewStatus,
        review_link,
        review_refusal,
        review_tiers_state,
    )
    from domain.costs.governance_tasks import GovernanceTask
    from domain.entitlement import DecisionRequest
    from domain.notifications import Notification
    from domain.temporal_names import PoQuery, PoUpdate, WorkflowType
    from workflows import activity_calls as calls
    from workflows import search_attributes as attributes
    from workflows.costs import governance_calls
    from workflows.tier_clock import next_alarms, ring, start_tier

TASK_KIND = "cost_document_review"


@workflow.defn(name=WorkflowType.COST_DOCUMENT_REVIEW)
class DocumentReviewWorkflow:
    """Operators find a review by the search attributes CostDocument (``rate_card v3``),
    GovernanceStatus, Requester (the author) and CurrentApprover; the ``view`` query answers
    where it stands, and the ``decide`` Update takes an approval or a rejection, refused before
    it is recorded when the author sends it."""

    @workflow.init
    def __init__(self, start: DocumentReviewStart) -> None:
        self.view = DocumentReviewView(start.kind, start.version, start.author)
        self.sequence = 0
        self._changed = False

    @workflow.run
    async def run(self, start: DocumentReviewStart) -> DocumentReviewView:
        self._publish()
        tiers = await governance_calls.route_document_review(start)
        approval = self.view.approval = review_tiers_state(start.author, tiers)
        self.view.status = ReviewStatus.WAITING
        await self._record("cost_document.review_opened", start.author)
        while approval.waiting:
            await self._run_tier(approval.tier_index)
        await workflow.wait_condition(lambda: self.view.status is not ReviewStatus.WAITING)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view

    async def _run_tier(self, index: int) -> None:
        """Ask the tier's reviewers, then remind and escalate on its clock until it is decided."""
        approval = self.view.approval
        assert approval is not None
        tier = approval.tiers[index]
        reminders = start_tier(tier)
        await self._show_task()
        await self._ask(tier.name)
        while approval.waiting and approval.tier_index == index:
            alarm = min(next_alarms(tier, reminders))
            if not await self._changed_within(max(alarm - workflow.now(), timedelta(seconds=1))):
                await ring(self, self.view.title, tier, reminders, workflow.now())
                await self._show_task()

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> DocumentReviewView:
        return self.view

    @workflow.update(name=PoUpdate.DECIDE)
    async def decide(self, request: DecisionRequest) -> DocumentReviewView:
        approval = self.view.approval
        assert approval is not None  # the validator let only a waiting review through
        apply_decision(approval, request, workflow.now())
        self._changed = True
        await self._record(
            f"cost_document.review_{request.action.value}", request.actor, comment=request.comment
        )
        if not approval.waiting:
            await self._settle(request)
        return self.view

    @decide.validator
    def _validate(self, request: DecisionRequest) -> None:
        found = review_refusal(self.view, request, workflow.now())
        if found is not None:
            raise ApplicationError(found.message, type=found.rule)

    async def _settle(self, request: DecisionRequest) -> None:
        """The chain is decided: the version goes in force or is rejected, and the task closes."""
        approve = request.action is Decision.APPROVE
        verdict = DocumentVerdict(
            self.view.kind, self.view.version, request.actor, approve, request.comment
        )
        await governance_calls.decide_cost_document(verdict)
        self.view.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        self.view.decided_by, self.view.comment = request.actor, request.comment
        await self._show_task()
        await self.notify(
            self.view.author,
            "cost_document_decided",
            f"{self.view.title} {self.view.status}",
            {"comment": request.comment},
        )

    async def _changed_within(self, wait: timedelta) -> bool:
        try:
            await workflow.wait_condition(lambda: self._changed, timeout=wait)
        except TimeoutError:
            return False
        self._changed = False
        return True

    async def _ask(self, tier: str) -> None:
        for person in self.view.waiting_on():
            await self.notify(
                person,
                "cost_document_review",
                f"{self.view.title} waits on your review",
                {"tier": tier},
            )

    async def _show_task(self) -> None:
        """The reviewers' inbox task as the review stands, and the operators' view of it."""
        self._publish()
        view, info = self.view, workflow.info()
        outcome = None if view.status is ReviewStatus.WAITING else str(view.status)
        await governance_calls.project_task(
            GovernanceTask(
                workflow_id=info.workflow_id,
                kind=TASK_KIND,
                title=f"Review {view.title}, proposed by {view.author}",
                link=review_link(view.kind, view.version),
                waiting_on=tuple(view.waiting_on()),
                deadline=view.deadline(),
                opened_at=info.start_time,
                outcome=outcome,
                facts={"kind": view.kind, "version": view.version, "author": view.author},
            )
        )

    def _publish(self) -> None:
        view = self.view
        workflow.upsert_search_attributes(
            [
                attributes.COST_DOCUMENT.value_set(view.title),
                attributes.GOVERNANCE_STATUS.value_set(str(view.status)),
                attributes.REQUESTER.value_set(view.author),
                attributes.CURRENT_APPROVER.value_set(view.waiting_on()),
            ]
        )
        waiting = ", ".join(view.waiting_on()) or "nobody"
        workflow.set_current_details(f"{view.title} · {view.status} · waiting on {waiting}")

    async def notify(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        """A message that cannot go out is kept in the audit trail as undelivered; the review
        goes on."""
        key = f"{workflow.info().workflow_id}:{self.sequence}:{kind}:{person}"
        link = {"link": review_link(self.view.kind, self.view.version)}
        notification = Notification(person, kind, subject, None, key, {**facts, **link})
        reason = await calls.send_notification(notification)
        if reason is not None:
            what = f"{subject} to {person}: {reason}"
            await self._record("cost_document.message_undelivered", "poflow", comment=what)

    async def record(self, action: str, actor: str, *, comment: str) -> None:
        await self._record(
            f"cost_document.review_{action.replace('tier.', '')}", actor, comment=comment
        )

    async def _record(self, action: str, actor: str, *, comment: str = "") -> None:
        self.sequence += 1
        info, view = workflow.info(), self.view
        await calls.audit(
            AuditEvent(
                occurred_at=workflow.now(),
                actor=actor,
                action=action,
                entity_type=view.kind,
                entity_id=view.title,
                idempotency_key=f"{info.workflow_id}:{self.sequence}",
                after={
                    "status": str(view.status),
                    "waiting_on": view.waiting_on(),
                    "comment": comment or None,
                },
                workflow_id=info.workflow_id,
                run_id=info.run_id,
            )
        )
