"""A variance investigation (docs/variances.md): one run per budget line and period whose
variance breached the policy's thresholds. Read ``VarianceInvestigationWorkflow.run`` top to
bottom: the cost-center owner gets a task and a message, chased like an approval
(``workflows.tier_clock``: reminders, then their manager, then finance); their ``explain``
Update hands it to finance, whose ``review`` Update accepts it (the run ends) or sends it back
to the owner, chased again."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.chain import Tier
    from domain.costs.governance_tasks import GovernanceTask
    from domain.entitlement import Refusal
    from domain.notifications import Notification
    from domain.temporal_names import PoQuery, VarianceUpdate, WorkflowType
    from domain.variance_investigation import (
        OWNER_ANSWERS,
        VARIANCE_TASK,
        Explanation,
        HistoryEntry,
        ReviewDecision,
        VarianceParties,
        VarianceRecord,
        VarianceReview,
        VarianceStart,
        VarianceStatus,
        VarianceView,
        explain_refusal,
        owner_tier,
        review_refusal,
        review_tier,
        variance_link,
    )
    from workflows import activity_calls as calls
    from workflows import search_attributes as attributes
    from workflows import variance_calls
    from workflows.costs import governance_calls
    from workflows.run_audit import audit_step, came_within
    from workflows.tier_clock import next_alarms, ring, start_tier

# What each waiting status asks, of whom: the message's kind and the task's verb.
ASKS = {
    VarianceStatus.OPEN: ("variance_investigation", "Explain"),
    VarianceStatus.SENT_BACK: ("variance_sent_back", "Explain again"),
    VarianceStatus.EXPLAINED: ("variance_review", "Review the explanation of"),
}


@workflow.defn(name=WorkflowType.VARIANCE_INVESTIGATION)
class VarianceInvestigationWorkflow:
    """Operators find an investigation by GovernanceStatus, Requester (the owner),
    BillingPeriod and CurrentApprover; the ``view`` query answers where it stands."""

    @workflow.init
    def __init__(self, start: VarianceStart) -> None:
        self.view = VarianceView(start)
        self.sequence = 0
        self._tier: Tier | None = None

    @workflow.run
    async def run(self, start: VarianceStart) -> VarianceView:
        parties = await variance_calls.parties(start)
        self.view.owner = parties.owner
        await self._record("variance.opened", "poflow")
        while self.view.status is not VarianceStatus.ACCEPTED:
            await self._chase(self._tier_for(start, parties))
        self.view.waiting_on = []
        await self._show()
        await self.notify(parties.owner, "variance_accepted", f"{self._title()} accepted", {})
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view

    def _tier_for(self, start: VarianceStart, parties: VarianceParties) -> Tier:
        if self.view.status in OWNER_ANSWERS:
            return owner_tier(start, parties)
        return review_tier(start, parties, self.view.last_explainer() or "")

    async def _chase(self, tier: Tier) -> None:
        """Ask those the status waits on, then remind and escalate on the tier's clock until
        the status changes."""
        status, self._tier = self.view.status, tier
        reminders = start_tier(tier)
        self.view.waiting_on = tier.branches[0].waiting_on()
        await self._show()
        kind, verb = ASKS[status]
        for person in self.view.waiting_on:
            await self.notify(person, kind, f"{verb} the {self.view.title}", {})
        while self.view.status is status:
            alarm = min(next_alarms(tier, reminders))
            wait = max(alarm - workflow.now(), timedelta(seconds=1))
            if not await came_within(lambda: self.view.status is not status, wait):
                await ring(self, self.view.title, tier, reminders, workflow.now())
                self.view.waiting_on = tier.branches[0].waiting_on()
                await self._show()

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> VarianceView:
        return self.view

    @workflow.update(name=VarianceUpdate.EXPLAIN)
    async def explain(self, explanation: Explanation) -> VarianceView:
        self.view.status = VarianceStatus.EXPLAINED
        self._add(explanation.actor, "explained", explanation.category, explanation.comment)
        await self._record("variance.explained", explanation.actor, comment=explanation.comment)
        return self.view

    @explain.validator
    def _validate_explanation(self, explanation: Explanation) -> None:
        _refuse(explain_refusal(self.view, explanation))

    @workflow.update(name=VarianceUpdate.REVIEW)
    async def review(self, review: VarianceReview) -> VarianceView:
        accepted = review.decision == ReviewDecision.ACCEPT
        self.view.status = VarianceStatus.ACCEPTED if accepted else VarianceStatus.SENT_BACK
        self._add(review.actor, str(self.view.status), None, review.note)
        await self._record(f"variance.{self.view.status}", review.actor, comment=review.note)
        return self.view

    @review.validator
    def _validate_review(self, review: VarianceReview) -> None:
        _refuse(review_refusal(self.view, review))

    def _add(self, actor: str, action: str, category: str | None, text: str) -> None:
        at = workflow.now().isoformat()
        self.view.history.append(HistoryEntry(at, actor, action, category, text))

    def _title(self) -> str:
        return self.view.title[0].upper() + self.view.title[1:]

    async def _show(self) -> None:
        """The task in the inbox, the row in the variance report and the operators' view."""
        view, info = self.view, workflow.info()
        start = view.start
        workflow.upsert_search_attributes(
            [
                attributes.GOVERNANCE_STATUS.value_set(str(view.status)),
                attributes.REQUESTER.value_set(view.owner),
                attributes.BILLING_PERIOD.value_set(start.period),
                attributes.CURRENT_APPROVER.value_set(view.waiting_on),
            ]
        )
        workflow.set_current_details(f"{view.title} · {view.status}")
        closed = view.status is VarianceStatus.ACCEPTED
        await governance_calls.project_task(
            GovernanceTask(
                workflow_id=info.workflow_id,
                kind=VARIANCE_TASK,
                title=_task_title(view),
                link=variance_link(start.period, start.cost_center, start.gl_account),
                waiting_on=tuple(view.waiting_on),
                deadline=None if closed or not self._tier else self._tier.branches[0].deadline_at,
                opened_at=info.start_time,
                outcome=str(view.status) if closed else None,
                facts={"period": start.period, "cost_center": start.cost_center},
            )
        )
        await variance_calls.project(VarianceRecord(info.workflow_id, view, workflow.now()))

    async def notify(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        """A message that cannot go out is kept in the audit trail; the investigation goes on."""
        key = f"{workflow.info().workflow_id}:{self.sequence}:{kind}:{person}"
        start = self.view.start
        about = {
            "period": start.period,
            "cost_center": start.cost_center,
            "gl_account": start.gl_account,
            "budget_minor": start.budget_minor,
            "actual_minor": start.actual_minor,
            "forecast_minor": start.forecast_minor,
            "currency": start.currency,
            "link": variance_link(start.period, start.cost_center, start.gl_account),
        }
        reason = await calls.send_notification(
            Notification(person, kind, subject, None, key, {**facts, **about})
        )
        if reason is not None:
            what = f"{subject} to {person}: {reason}"
            await self._record("variance.message_undelivered", "poflow", comment=what)

    async def record(self, action: str, actor: str, *, comment: str) -> None:
        await self._record(f"variance.{action.replace('tier.', '')}", actor, comment=comment)

    async def _record(self, action: str, actor: str, *, comment: str = "") -> None:
        self.sequence += 1
        view, start = self.view, self.view.start
        after = {
            "status": str(view.status),
            "waiting_on": view.waiting_on,
            "comment": comment or None,
        }
        entity = (
            "variance_investigation",
            f"{start.cost_center}/{start.gl_account} {start.period}",
        )
        await audit_step(action, actor, entity, str(self.sequence), after)


def _task_title(view: VarianceView) -> str:
    if view.status in ASKS:
        return f"{ASKS[view.status][1]} the {view.title}"
    return f"The {view.title}, {view.status}"


def _refuse(found: Refusal | None) -> None:
    if found is not None:
        raise ApplicationError(found.message, type=found.rule)
