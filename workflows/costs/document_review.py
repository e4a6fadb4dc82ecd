"""Change control of a governed cost document (docs/change-control.md): one run per proposed
version. Read ``DocumentReviewWorkflow.run`` top to bottom: the approval policy in force names
the reviewers tier by tier (never the author; while it names nobody, the review waits as
needing a reviewer and routes again); each tier's reviewers get a task in their inbox and a
message, with reminders and escalation on the PO's clock (``workflows.tier_clock``); the last
approval puts the version in force and supersedes the older reviews still open, a rejection
rejects it, and the task closes. A review superseded by a newer version closes undecided."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.approval import apply_decision
    from domain.catalog import Decision
    from domain.chain import Tier
    from domain.costs.document_review import (
        REVIEW_TASK,
        DocumentReviewStart,
        DocumentReviewView,
        DocumentVerdict,
        ReviewStatus,
        ReviewSuperseded,
        review_link,
        review_refusal,
        review_tiers_state,
    )
    from domain.costs.governance import DocumentStatus
    from domain.costs.governance_tasks import GovernanceTask
    from domain.entitlement import DecisionRequest, Refusal
    from domain.notifications import Notification
    from domain.temporal_names import PoQuery, PoUpdate, ReviewSignal, WorkflowType
    from workflows import activity_calls as calls
    from workflows import search_attributes as attributes
    from workflows.costs import governance_calls
    from workflows.run_audit import audit_step, came_within
    from workflows.tier_clock import next_alarms, ring, start_tier

TASK_KIND = REVIEW_TASK
# The review is undecided: waiting on its reviewers, or on someone who may review it.
OPEN = (ReviewStatus.WAITING, ReviewStatus.NEEDS_REVIEWER)
# Runs that meet these patches wait for a reviewer when routing names nobody, and supersede the
# older reviews still open once their version goes in force.
WAITS_FOR_A_REVIEWER = "review-waits-for-a-reviewer"
SUPERSEDES_OLDER = "review-supersedes-older"
# How often a review that needs a reviewer asks the approval policy and the roles again.
ROUTE_AGAIN = timedelta(hours=1)


@workflow.defn(name=WorkflowType.COST_DOCUMENT_REVIEW)
class DocumentReviewWorkflow:
    """Operators find a review by the search attributes CostDocument (``rate_card v3``),
    GovernanceStatus, Requester (the author) and CurrentApprover; the ``view`` query answers
    where it stands, and the ``decide`` Update takes an approval or a rejection, refused before
    it is recorded when the author sends it. The ``supersede`` signal closes it undecided: a
    newer version went in force."""

    @workflow.init
    def __init__(self, start: DocumentReviewStart) -> None:
        self.view = DocumentReviewView(start.kind, start.version, start.author)
        self.sequence = 0
        self._changed = False
        self._superseded: ReviewSuperseded | None = None

    @workflow.run
    async def run(self, start: DocumentReviewStart) -> DocumentReviewView:
        self._publish()
        tiers = await governance_calls.route_document_review(start)
        if not tiers and workflow.patched(WAITS_FOR_A_REVIEWER):
            tiers = await self._wait_for_a_reviewer(start)
        approval = self.view.approval = review_tiers_state(start.author, tiers)
        if tiers:
            self.view.status = ReviewStatus.WAITING
            await self._record("cost_document.review_opened", start.author)
        while approval.waiting and self._superseded is None:
            await self._run_tier(approval.tier_index)
        if self._superseded is not None and approval.waiting:  # no last decision under way
            await self._close_superseded(self._superseded)
        await workflow.wait_condition(lambda: self.view.status not in OPEN)
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
        while approval.waiting and approval.tier_index == index and self._superseded is None:
            alarm = min(next_alarms(tier, reminders))
            if not await self._changed_within(max(alarm - workflow.now(), timedelta(seconds=1))):
                await ring(self, self.view.title, tier, reminders, workflow.now())
                await self._show_task()

    async def _wait_for_a_reviewer(self, start: DocumentReviewStart) -> list[Tier]:
        """Nobody but the author may review the version, not even an admin: the review says so
        (its status, its task, a message to the author) and routes again every ``ROUTE_AGAIN``
        until someone may, or a newer version supersedes it."""
        self.view.status = ReviewStatus.NEEDS_REVIEWER
        await self._record("cost_document.review_needs_reviewer", "poflow")
        await self._show_task()
        subject = f"Nobody may review {self.view.title}: give someone the role to review it"
        await self.notify(start.author, "cost_document_needs_reviewer", subject, {})
        tiers: list[Tier] = []
        while not tiers and not await self._superseded_within(ROUTE_AGAIN):
            tiers = await governance_calls.route_document_review(start)
        return tiers

    async def _superseded_within(self, wait: timedelta) -> bool:
        return await came_within(lambda: self._superseded is not None, wait)

    @workflow.signal(name=ReviewSignal.SUPERSEDE)
    def supersede(self, notice: ReviewSuperseded) -> None:
        """A newer version went in force: the review closes undecided."""
        if notice.version > self.view.version and self._superseded is None:
            self._superseded, self._changed = notice, True

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
        if self._superseded is not None:
            superseded = f"{self.view.title} is superseded by v{self._superseded.version}"
            found = Refusal("not_waiting", superseded)
        if found is not None:
            raise ApplicationError(found.message, type=found.rule)

    async def _settle(self, request: DecisionRequest) -> None:
        """The chain is decided: the version goes in force or is rejected, and the task closes."""
        approve = request.action is Decision.APPROVE
        verdict = DocumentVerdict(
            self.view.kind, self.view.version, request.actor, approve, request.comment
        )
        settled = await governance_calls.decide_cost_document(verdict)
        if settled == DocumentStatus.SUPERSEDED:  # a newer version went in force first
            if self.view.status in OPEN:
                await self._close_superseded(self._superseded)
            return
        self.view.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        self.view.decided_by, self.view.comment = request.actor, request.comment
        await self._show_task()
        await self.notify(
            self.view.author,
            "cost_document_decided",
            f"{self.view.title} {self.view.status}",
            {"comment": request.comment},
        )
        if approve and workflow.patched(SUPERSEDES_OLDER):
            await self._supersede_older(request.actor)

    async def _supersede_older(self, approver: str) -> None:
        """The version is in force: each older version's review still open closes as
        superseded. One that ended meanwhile is passed over."""
        newer = DocumentReviewStart(self.view.kind, self.view.version, self.view.author)
        notice = ReviewSuperseded(self.view.version, approver)
        for workflow_id in await governance_calls.older_open_reviews(newer):
            handle = workflow.get_external_workflow_handle(workflow_id)
            try:
                await handle.signal(ReviewSignal.SUPERSEDE, notice)
            except FailureError as error:
                workflow.logger.warning("%s not told: %s", workflow_id, error)

    async def _close_superseded(self, notice: ReviewSuperseded | None) -> None:
        """The version was not decided: a newer one went in force first. The task leaves the
        inbox and the author is told."""
        self.view.status = ReviewStatus.SUPERSEDED
        if self.view.approval is not None:
            self.view.approval.waiting = False
        newer = f"v{notice.version}, approved by {notice.approved_by}" if notice else "a newer one"
        self.view.comment = f"superseded by {newer}"
        await self._record("cost_document.review_superseded", "poflow", comment=self.view.comment)
        await self._show_task()
        subject = f"{self.view.title} superseded"
        await self.notify(
            self.view.author, "cost_document_decided", subject, {"comment": self.view.comment}
        )

    async def _changed_within(self, wait: timedelta) -> bool:
        changed = await came_within(lambda: self._changed, wait)
        self._changed = False
        return changed

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
        outcome = None if view.status in OPEN else str(view.status)
        await governance_calls.project_task(
            GovernanceTask(
                workflow_id=info.workflow_id,
                kind=TASK_KIND,
                title=_task_title(view),
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
        view = self.view
        after = {
            "status": str(view.status),
            "waiting_on": view.waiting_on(),
            "comment": comment or None,
        }
        await audit_step(action, actor, (view.kind, view.title), str(self.sequence), after)


def _task_title(view: DocumentReviewView) -> str:
    if view.status is ReviewStatus.NEEDS_REVIEWER:
        return f"Needs attention: nobody may review {view.title}, proposed by {view.author}"
    return f"Review {view.title}, proposed by {view.author}"
