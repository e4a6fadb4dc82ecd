"""Tag remediation (docs/change-control.md, "Tag remediation"): one run per resource owner and
billing period. Read ``TagRemediationWorkflow.run`` top to bottom: the resources the owner must
tag are read from the tag policy's findings; the owner gets a task in their inbox and a message
listing them and what is wrong; the task is chased like an approval (``workflows.tier_clock``:
reminders, then escalation to the owner's manager or FinOps, then FinOps); each ``recheck``
signal (a load of the period ended, a virtual tag changed) reads the findings again, and the
run closes once nothing is left: ``fixed`` at the source, or ``mapped`` by virtual tags."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.chain import Tier
    from domain.costs.governance_tasks import GovernanceTask
    from domain.costs.remediation import (
        Recheck,
        RemediationFindings,
        RemediationStart,
        RemediationStatus,
        RemediationView,
        listed,
        owner_branch,
        remediation_link,
    )
    from domain.notifications import Notification
    from domain.temporal_names import PoQuery, RemediationSignal, WorkflowType
    from workflows import activity_calls as calls
    from workflows import search_attributes as attributes
    from workflows.costs import governance_calls
    from workflows.run_audit import audit_step, came_within
    from workflows.tier_clock import next_alarms, ring, start_tier

TASK_KIND = "tag_remediation"
CLOSED_BY = {Recheck.LOAD: RemediationStatus.FIXED, Recheck.VIRTUAL_TAG: RemediationStatus.MAPPED}


@workflow.defn(name=WorkflowType.TAG_REMEDIATION)
class TagRemediationWorkflow:
    """Operators find a remediation by GovernanceStatus, Requester (the owner), BillingPeriod
    and CurrentApprover (whom it waits on now); the ``view`` query lists what is left to fix."""

    @workflow.init
    def __init__(self, start: RemediationStart) -> None:
        self.start = start
        self.view = RemediationView(start.owner, start.period)
        self.sequence = 0
        self._rechecks: list[Recheck] = []
        self._tier: Tier | None = None

    @workflow.run
    async def run(self, start: RemediationStart) -> RemediationView:
        findings = await governance_calls.remediation_findings(start)
        if not findings.resources:
            return await self._close(RemediationStatus.NOTHING_TO_FIX)
        tier = self._tier = owner_branch(start.owner, findings)
        reminders = start_tier(tier)
        self._found(findings, tier)
        await self._record("tag_remediation.opened", "poflow")
        await self._show_task()
        subject = f"Tag {len(findings.resources)} resources of yours in {start.period}"
        await self.notify(start.owner, TASK_KIND, subject, {})
        while self.view.status is RemediationStatus.OPEN:
            alarm = min(next_alarms(tier, reminders))
            reason = await self._recheck_within(max(alarm - workflow.now(), timedelta(seconds=1)))
            if reason is None:
                await ring(self, self.view.title, tier, reminders, workflow.now())
                self.view.waiting_on = tier.branches[0].waiting_on()
            else:
                findings = await governance_calls.remediation_findings(start)
                if not findings.resources:
                    return await self._close(CLOSED_BY[reason])
                self._found(findings, tier)
            await self._show_task()
        return self.view

    @workflow.signal(name=RemediationSignal.RECHECK)
    def recheck(self, reason: Recheck) -> None:
        self._rechecks.append(reason)

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> RemediationView:
        return self.view

    def _found(self, findings: RemediationFindings, tier: Tier) -> None:
        self.view.resources = list(findings.resources)
        self.view.waiting_on = tier.branches[0].waiting_on()

    async def _recheck_within(self, wait: timedelta) -> Recheck | None:
        if not await came_within(lambda: bool(self._rechecks), wait):
            return None
        reason = self._rechecks[-1]  # several at once read the findings once
        self._rechecks.clear()
        return reason

    async def _close(self, status: RemediationStatus) -> RemediationView:
        self.view.status, self.view.waiting_on = status, []
        self.view.resources = []
        await self._record(f"tag_remediation.{status}", "poflow")
        await self._show_task()
        return self.view

    async def _show_task(self) -> None:
        view, info = self.view, workflow.info()
        workflow.upsert_search_attributes(
            [
                attributes.GOVERNANCE_STATUS.value_set(str(view.status)),
                attributes.REQUESTER.value_set(view.owner),
                attributes.BILLING_PERIOD.value_set(view.period),
                attributes.CURRENT_APPROVER.value_set(view.waiting_on),
            ]
        )
        workflow.set_current_details(f"{view.title} · {view.status} · {len(view.resources)} left")
        outcome = None if view.status is RemediationStatus.OPEN else str(view.status)
        await governance_calls.project_task(
            GovernanceTask(
                workflow_id=info.workflow_id,
                kind=TASK_KIND,
                title=f"Tag {len(view.resources)} resources of {view.owner} in {view.period}",
                link=remediation_link(view.owner, view.period),
                waiting_on=tuple(view.waiting_on),
                deadline=self._escalates_at(),
                opened_at=info.start_time,
                outcome=outcome,
                facts={
                    "period": view.period,
                    "owner": view.owner,
                    "resources": listed(tuple(view.resources)),
                },
            )
        )

    def _escalates_at(self) -> datetime | None:
        """When the task escalates next: the owner's branch's deadline (none once FinOps has
        it, the last escalation)."""
        return self._tier.branches[0].deadline_at if self._tier else None

    async def notify(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        """Every message lists the resources left and what is wrong with each; one that
        cannot go out is kept in the audit trail, and the remediation goes on."""
        key = f"{workflow.info().workflow_id}:{self.sequence}:{kind}:{person}"
        about = {
            "owner": self.view.owner,
            "period": self.view.period,
            "resources": listed(tuple(self.view.resources)),
            "link": remediation_link(self.view.owner, self.view.period),
        }
        reason = await calls.send_notification(
            Notification(person, kind, subject, None, key, {**facts, **about})
        )
        if reason is not None:
            what = f"{subject} to {person}: {reason}"
            await self._record("tag_remediation.message_undelivered", "poflow", comment=what)

    async def record(self, action: str, actor: str, *, comment: str) -> None:
        await self._record(f"tag_remediation.{action.replace('tier.', '')}", actor, comment=comment)

    async def _record(self, action: str, actor: str, *, comment: str = "") -> None:
        self.sequence += 1
        view = self.view
        after = {
            "status": str(view.status),
            "resources": [r.resource_id for r in view.resources],
            "waiting_on": view.waiting_on,
            "comment": comment or None,
        }
        entity = ("tag_remediation", f"{view.owner} {view.period}")
        await audit_step(action, actor, entity, str(self.sequence), after)
