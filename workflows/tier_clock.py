"""A tier's clock: notify its approvers, then wait for decisions with reminders, escalation at
the deadline, the clock paused while the requester is asked, and emergency POs chased after the
fact."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.approval import escalate, open_stage, pause_clocks
    from domain.catalog import PoStatus
    from domain.chain import Stage
    from workflows.po_state import Routed, Verdict
    from workflows.recorder import Recorder


async def run_stage(po: Recorder, routed: Routed, index: int) -> Verdict:
    """Notify a stage's approvers and wait until it is decided, with reminders, escalation
    and the clock paused while the requester is asked for information."""
    approval, state = routed.approval, po.state
    stage = approval.stages[index]
    reminders = _start_stage(stage)
    approvers = [person for branch in stage.branches for person in branch.waiting_on()]
    await po.record("tier.opened", "poflow", comment=stage.name)
    await ask(po, approvers, stage)
    while approval.waiting and approval.current_stage == index:
        if state.cancel_request:
            return Verdict.CANCELLED
        if po.view.status is PoStatus.INFORMATION_REQUESTED:
            await _wait_for_answer(po, routed)
            continue
        await _wait_or_timer(po, routed, stage, reminders)
    return Verdict.REJECTED if routed.rejected() else Verdict.APPROVED


async def run_chain(po: Recorder, routed: Routed) -> Verdict:
    """Every remaining stage in order, until one is not approved or the PO is cancelled."""
    approval, state = routed.approval, po.state
    while approval.waiting and not state.cancel_request:
        if await run_stage(po, routed, approval.current_stage) is not Verdict.APPROVED:
            break
    if routed.rejected():
        return Verdict.REJECTED
    return Verdict.CANCELLED if state.cancel_request else Verdict.APPROVED


def _start_stage(stage: Stage) -> dict[str, datetime]:
    now = workflow.now()
    open_stage(stage, now)
    return {b.name: now + timedelta(minutes=b.reminder_minutes) for b in stage.branches}


async def ask(po: Recorder, people: list[str], stage: Stage) -> None:
    subject = f"{po.view.po_number} waits on you: {stage.name}"
    facts: dict[str, object] = {"tier": stage.name, "amount_base_minor": po.view.amount_base_minor}
    notices = [po.notice(p, "approval_requested", subject, facts) for p in dict.fromkeys(people)]
    await po.tell_all(notices)


async def _wait_for_answer(po: Recorder, routed: Routed) -> None:
    asked_at, state = workflow.now(), po.state
    await workflow.wait_condition(
        lambda: (
            state.view.status is not PoStatus.INFORMATION_REQUESTED or bool(state.cancel_request)
        )
    )
    pause_clocks(routed.approval, workflow.now() - asked_at)


async def _wait_or_timer(
    po: Recorder, routed: Routed, stage: Stage, reminders: dict[str, datetime]
) -> None:
    times = [*reminders.values(), *(b.deadline_at for b in stage.branches if b.deadline_at)]
    if po.view.emergency_post_facto_due and po.view.status is PoStatus.ISSUED:
        times.append(po.view.emergency_post_facto_due)
    timeout = max(min(times) - workflow.now(), timedelta(seconds=1)) if times else None
    if not await po.state.wait_for_change(timeout):
        await _on_timer(po, routed, stage, reminders)


async def _on_timer(
    po: Recorder, routed: Routed, stage: Stage, reminders: dict[str, datetime]
) -> None:
    now = workflow.now()
    for branch in stage.branches:
        if branch.approved:
            continue
        if branch.deadline_at and branch.deadline_at <= now:
            added = escalate(branch, now)
            await po.record(
                "tier.escalated" if added else "tier.overdue",
                "poflow",
                comment=f"{stage.name}/{branch.name} → {', '.join(added) or 'nobody left'}",
            )
            for person in added:
                await po.tell(
                    person,
                    "escalation",
                    f"{po.view.po_number} escalated to you",
                    {"tier": stage.name},
                )
        elif reminders[branch.name] <= now:
            reminders[branch.name] = now + timedelta(minutes=branch.reminder_minutes)
            for person in branch.waiting_on():
                await po.tell(
                    person, "reminder", f"Reminder: {po.view.po_number}", {"tier": stage.name}
                )
    await _post_facto_overdue(po, routed, now)


async def _post_facto_overdue(po: Recorder, routed: Routed, now: datetime) -> None:
    due = po.view.emergency_post_facto_due
    if due is None or due > now or po.view.status is not PoStatus.ISSUED:
        return
    po.view.emergency_post_facto_due = None
    await po.record("emergency.post_facto_overdue", "poflow")
    for person in routed.approval.stages[-1].branches[0].escalation_pool:
        await po.tell(person, "escalation", f"{po.view.po_number}: emergency approval overdue", {})
