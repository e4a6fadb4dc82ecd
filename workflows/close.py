"""The month-end close of a period (docs/month-end-close.md). Read ``MonthEndCloseWorkflow.run``
top to bottom: wait for the period's end plus a grace, draft the accrual journal of usage not yet
invoiced, wait for finance's approval (an inbox task, with reminders and escalation on the
tier's clock), post the accrual to the ledger and export it to the ERP (retrying while the ERP
is out of reach, shown as "export pending"), post and export its reversal on the first day of
the next period, then reconcile the ledger's actuals against the ERP's GL export."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.close.accruals import JournalKind, accrued_expense, next_period_start
    from domain.close.approval import decision_refusal
    from domain.close.messages import (
        CLOSE_TASK,
        CloseDecision,
        CloseStart,
        CloseStatus,
        CloseStep,
        CloseView,
        JournalPosting,
    )
    from domain.costs.governance_tasks import GovernanceTask
    from domain.depreciation_messages import month_before
    from domain.notifications import Notification
    from domain.temporal_names import CloseUpdate, PoQuery, WorkflowType, close_workflow_id
    from workflows import activity_calls as calls
    from workflows import close_calls
    from workflows.costs import governance_calls
    from workflows.run_audit import audit_step, came_within
    from workflows.tier_clock import next_alarms, ring, start_tier

# Between rounds of tries at an ERP out of reach.
EXPORT_RETRY = timedelta(hours=1)


@workflow.defn(name=WorkflowType.MONTH_END_CLOSE)
class MonthEndCloseWorkflow:
    """One run per period (workflow id ``close-<YYYY-MM>``); the ``view`` query answers where
    it stands, the ``decide_close`` Update takes finance's decision, refused before it is
    recorded when sent by the one who started the close or someone it does not wait on."""

    @workflow.init
    def __init__(self, start: CloseStart) -> None:
        self.view = CloseView(start.period, start.started_by)
        self._decision: CloseDecision | None = None
        self._sequence = 0

    @workflow.run
    async def run(self, start: CloseStart) -> CloseView:
        if not start.period:  # started by the schedule: close the month just ended
            return await _start_the_month_before(start)
        opening = await close_calls.open_close(start)
        self.view.approval = opening.approval
        if opening.status in (CloseStatus.REVERSED, CloseStatus.REJECTED):
            self.view.status = opening.status  # closed before: nothing is posted twice
            return self.view
        due = next_period_start(start.period)
        await _sleep_until(datetime.combine(due, time(), UTC) + timedelta(days=start.grace_days))
        draft = await close_calls.draft_accruals(start)
        self.view.accrued_minor = accrued_expense(draft.journal, start.liabilities_gl)
        await self._step(CloseStatus.DRAFTED)
        decision = await self._approval()
        if not decision.approve:
            await self._step(CloseStatus.REJECTED, decision.actor, decision.comment)
            return self.view
        await self._step(CloseStatus.APPROVED, decision.actor, decision.comment)
        await self._book(JournalKind.ACCRUAL)
        await self._step(CloseStatus.EXPORTED)
        await _sleep_until(datetime.combine(due, time(), UTC))
        await self._book(JournalKind.REVERSAL)
        reconciliation = await close_calls.reconcile(start.period)
        self.view.differences = reconciliation.differences
        if reconciliation.refused:
            await self.record("close.not_reconciled", "poflow", comment=reconciliation.refused)
        await self._step(CloseStatus.REVERSED)
        return self.view

    async def _approval(self) -> CloseDecision:
        """Finance's decision, chased on the tier's clock: reminders, then escalation."""
        tier = self.view.approval
        assert tier is not None
        reminders = start_tier(tier)
        await self._step(CloseStatus.AWAITING_APPROVAL)
        for person in self.view.waiting_on():
            await self.notify(person, "approval_requested", f"{self._title()} waits on you", {})
        while self._decision is None:
            alarm = min(next_alarms(tier, reminders))
            wait = max(alarm - workflow.now(), timedelta(seconds=1))
            if not await came_within(lambda: self._decision is not None, wait):
                await ring(self, self._title(), tier, reminders, workflow.now())
                await self._show_task()
        return self._decision

    async def _book(self, kind: str) -> None:
        """Post the journal to the ledger, then export it until the ERP has it."""
        posting = JournalPosting(self.view.period, kind)
        await close_calls.post_to_ledger(posting)
        while True:
            try:
                outcome = await close_calls.export_round(posting)
            except ActivityError as error:
                self.view.export_error = str(error.cause or error)
                await self._step(CloseStatus.EXPORT_PENDING, detail=self.view.export_error)
                await workflow.sleep(EXPORT_RETRY)
                continue
            self.view.export_error = outcome.refused
            if outcome.refused:
                await self.record("close.export_refused", "poflow", comment=outcome.refused)
            return

    @workflow.query(name=PoQuery.VIEW)
    def query_view(self) -> CloseView:
        return self.view

    @workflow.update(name=CloseUpdate.DECIDE)
    async def decide(self, decision: CloseDecision) -> CloseView:
        self._decision = decision
        if self.view.approval is not None:
            self.view.approval.branches[0].approvals.append(decision.actor)
        self.view.approved_by, self.view.decided_at = decision.actor, workflow.now()
        verb = "approved" if decision.approve else "rejected"
        await self.record(f"close.{verb}", decision.actor, comment=decision.comment)
        return self.view

    @decide.validator
    def _validate(self, decision: CloseDecision) -> None:
        refused = decision_refusal(self.view, decision, decided=self._decision is not None)
        if refused is not None:
            rule, message = refused
            raise ApplicationError(message, type=rule)

    async def _step(self, status: CloseStatus, actor: str = "poflow", detail: str = "") -> None:
        self.view.status = status
        await close_calls.record_step(CloseStep(self.view.period, status, actor, detail))
        await self._show_task()
        workflow.set_current_details(f"{self._title()} · {status}")

    async def _show_task(self) -> None:
        """Finance's inbox task while the journal waits on them; closed once decided."""
        view, info = self.view, workflow.info()
        tier = view.approval
        if tier is None or view.status in (CloseStatus.WAITING_FOR_PERIOD_END, CloseStatus.DRAFTED):
            return
        deadline = tier.branches[0].deadline_at if tier.branches else None
        waiting = view.status is CloseStatus.AWAITING_APPROVAL
        await governance_calls.project_task(
            GovernanceTask(
                workflow_id=info.workflow_id,
                kind=CLOSE_TASK,
                title=f"Approve the accrual journal of {view.period}",
                link=f"/costs/close/{view.period}",
                waiting_on=tuple(view.waiting_on()),
                deadline=deadline if waiting else None,
                opened_at=info.start_time,
                outcome=None if waiting else str(view.status),
                facts={"period": view.period, "accrued_minor": view.accrued_minor},
            )
        )

    def _title(self) -> str:
        return f"Month-end close {self.view.period}"

    async def notify(self, person: str, kind: str, subject: str, facts: dict[str, object]) -> None:
        """A message that cannot go out is kept in the audit trail as undelivered."""
        self._sequence += 1
        key = f"{workflow.info().workflow_id}:{self._sequence}:{kind}:{person}"
        link = {"link": f"/costs/close/{self.view.period}"}
        reason = await calls.send_notification(
            Notification(person, kind, subject, None, key, {**facts, **link})
        )
        if reason is not None:
            await self.record("close.message_undelivered", "poflow", comment=reason)

    async def record(self, action: str, actor: str, *, comment: str) -> None:
        self._sequence += 1
        after = {"status": str(self.view.status), "comment": comment or None}
        step = f"{workflow.info().run_id}:{self._sequence}"
        entity = ("month_end_close", self.view.period)
        await audit_step(action.replace("tier.", "close."), actor, entity, step, after)


async def _start_the_month_before(start: CloseStart) -> CloseView:
    """Start the close of the month before now as its own run (``close-<YYYY-MM>``), left
    running on its own; a close of that month already started is left as it is."""
    now = workflow.now()
    period = month_before(now.year, now.month)
    view = CloseView(period, start.started_by)
    try:
        await workflow.start_child_workflow(
            WorkflowType.MONTH_END_CLOSE,
            replace(start, period=period),
            id=close_workflow_id(period),
            parent_close_policy=ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        workflow.logger.info("the close of %s was started before", period)
    return view


async def _sleep_until(moment: datetime) -> None:
    wait = moment - workflow.now()
    if wait > timedelta(0):
        await workflow.sleep(wait)
