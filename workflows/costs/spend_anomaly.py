"""A spend anomaly's escalation (docs/anomalies.md): one run per finding. Read
``SpendAnomalyWorkflow.run`` top to bottom: whom the finding concerns is read; the owner (FinOps
when nobody owns the spend) gets a task in their inbox and a message; the task is chased like an
approval (``workflows.tier_clock``: a reminder, then past the deadline their manager, then
FinOps) until someone it waits on answers with the ``acknowledge`` Update: expected, planned
(the finding is explained) or unexpected (acknowledged, to be stopped), with why."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.chain import Tier
    from domain.costs.governance_tasks import GovernanceTask
    from domain.costs.spend_anomalies import (
        Acknowledgement,
        AnomalyOutcome,
        AnomalyParties,
        AnomalyStart,
        AnomalyStatus,
        AnomalyView,
        Feedback,
        anomaly_link,
        answer_tier,
        refusal,
    )
    from domain.notifications import Notification
    from domain.temporal_names import AnomalyUpdate, PoQuery, WorkflowType
    from workflows import activity_calls as calls
    from workflows import search_attributes as attributes
    from workflows.costs import anomaly_calls, governance_calls
    from workflows.run_audit import audit_step, came_within
    from workflows.tier_clock import next_alarms, ring, start_tier

TASK_KIND = "spend_anomaly"


@workflow.defn(name=WorkflowType.SPEND_ANOMALY)
class SpendAnomalyWorkflow:
    """Operators find a finding's run by GovernanceStatus, Requester (the owner), BillingPeriod
    and CurrentApprover (whom it waits on now); the ``view`` query shows where it stands."""

    @workflow.init
    def __init__(self, start: AnomalyStart) -> None:
        self.view = AnomalyView(start.finding_id)
        self.sequence = 0
        self._tier: Tier | None = None
        self._parties: AnomalyParties | None = None

    @workflow.run
    async def run(self, start: AnomalyStart) -> AnomalyView:
        parties = self._parties = await anomaly_calls.parties(start)
        self.view.title = parties.title
        tier = self._tier = answer_tier(start, parties, workflow.now())
        reminders = start_tier(tier)
        self.view.waiting_on = tier.branches[0].waiting_on()
        await self._record("spend_anomaly.opened", "poflow")
        await self._show()
        for person in self.view.waiting_on:
            await self.notify(person, TASK_KIND, f"Explain: {parties.title}", {})
        while self.view.acknowledgement is None:
            alarm = min(next_alarms(tier, reminders))
            wait = max(alarm - workflow.now(), timedelta(seconds=1))
            if not await came_within(self._answered, wait):
                await ring(self, parties.title, tier, reminders, workflow.now())
                if tier.branches[0].escalation_level and not self._answered():
                    self.view.status = AnomalyStatus.ESCALATED
                    self.view.waiting_on = tier.branches[0].waiting_on()
                    await self._show()
        await workflow.wait_condition(workflow.all_handlers_finished)  # the answer's projection
        return self.view

    def _answered(self) -> bool:
        return self.view.acknowledgement is not None

    @workflow.update(name=AnomalyUpdate.ACKNOWLEDGE)
    async def acknowledge(self, answer: Acknowledgement) -> AnomalyView:
        explained = answer.feedback in (Feedback.EXPECTED, Feedback.PLANNED)
        self.view.status = AnomalyStatus.EXPLAINED if explained else AnomalyStatus.ACKNOWLEDGED
        self.view.acknowledgement, self.view.waiting_on = answer, []
        await self._record(
            f"spend_anomaly.{self.view.status}", answer.actor, comment=answer.explanation
        )
        await self._show()
        return self.view

    @acknowledge.validator
    def _validate(self, answer: Acknowledgement) -> None:
        found = refusal(self.view, answer)
        if self._tier is None:  # still reading the finding: nobody was asked yet
            found = ("not_waiting", "the finding is not open yet")
        if found is not None:
            raise ApplicationError(found[1], type=found[0])

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> AnomalyView:
        return self.view

    async def _show(self) -> None:
        """The finding's row, the inbox task and the search attributes, as the run holds them."""
        view, info, parties = self.view, workflow.info(), self._parties
        assert parties is not None
        await anomaly_calls.project(
            AnomalyOutcome(
                view.finding_id, view.status, tuple(view.waiting_on), view.acknowledgement
            )
        )
        workflow.upsert_search_attributes(
            [
                attributes.GOVERNANCE_STATUS.value_set(str(view.status)),
                attributes.REQUESTER.value_set(parties.owner or ""),
                attributes.BILLING_PERIOD.value_set(parties.period),
                attributes.CURRENT_APPROVER.value_set(view.waiting_on),
            ]
        )
        workflow.set_current_details(f"{view.title} · {view.status}")
        answered = view.acknowledgement is not None
        await governance_calls.project_task(
            GovernanceTask(
                workflow_id=info.workflow_id,
                kind=TASK_KIND,
                title=f"Explain: {view.title}",
                link=anomaly_link(view.finding_id),
                waiting_on=tuple(view.waiting_on),
                deadline=self._escalates_at(),
                opened_at=info.start_time,
                outcome=str(view.status) if answered else None,
                facts={"period": parties.period, "finding": view.finding_id},
            )
        )

    def _escalates_at(self) -> datetime | None:
        """When the task escalates next (none once FinOps has it, the last escalation)."""
        return self._tier.branches[0].deadline_at if self._tier else None

    async def notify(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        """A message that cannot go out is kept in the audit trail; the run goes on."""
        key = f"{workflow.info().workflow_id}:{self.sequence}:{kind}:{person}"
        about = {"finding": self.view.title, "link": anomaly_link(self.view.finding_id)}
        reason = await calls.send_notification(
            Notification(person, kind, subject, None, key, {**facts, **about})
        )
        if reason is not None:
            await self._record(
                "spend_anomaly.message_undelivered",
                "poflow",
                comment=f"{subject} to {person}: {reason}",
            )

    async def record(self, action: str, actor: str, *, comment: str) -> None:
        await self._record(f"spend_anomaly.{action.replace('tier.', '')}", actor, comment=comment)

    async def _record(self, action: str, actor: str, *, comment: str = "") -> None:
        self.sequence += 1
        view = self.view
        after = {
            "status": str(view.status),
            "waiting_on": view.waiting_on,
            "comment": comment or None,
        }
        entity = ("spend_anomaly", str(view.finding_id))
        await audit_step(action, actor, entity, str(self.sequence), after)
