"""A tier's clock: notify its approvers, then wait for decisions with reminders, escalation at
the deadline, the clock paused while the requester is asked, and emergency POs chased after the
fact."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.approval import escalate, open_tier, pause_clocks
    from domain.catalog import PoStatus
    from domain.chain import Tier
    from domain.outliers import review_tiers
    from workflows.po_state import Routed, Verdict
    from workflows.recorder import Recorder


async def run_tier(po: Recorder, routed: Routed, index: int) -> Verdict:
    """Notify a tier's approvers and wait until it is decided, with reminders, escalation
    and the clock paused while the requester is asked for information."""
    approval, state = routed.approval, po.state
    tier = approval.tiers[index]
    reminders = start_tier(tier)
    approvers = [person for branch in tier.branches for person in branch.waiting_on()]
    await po.record("tier.opened", "poflow", comment=tier.name)
    await notify_approvers(po, approvers, tier)
    while approval.waiting and approval.tier_index == index:
        if state.cancel_request:
            return Verdict.CANCELLED
        if po.view.status is PoStatus.INFORMATION_REQUESTED:
            await _wait_for_answer(po, routed)
            continue
        await _wait_or_timer(po, routed, tier, reminders)
    return Verdict.REJECTED if routed.rejected() else Verdict.APPROVED


async def run_chain(po: Recorder, routed: Routed) -> Verdict:
    """Every remaining tier in order, until one is not approved or the PO is cancelled."""
    approval, state = routed.approval, po.state
    while approval.waiting and not state.cancel_request:
        if await run_tier(po, routed, approval.tier_index) is not Verdict.APPROVED:
            break
    if routed.rejected():
        return Verdict.REJECTED
    return Verdict.CANCELLED if state.cancel_request else Verdict.APPROVED


class ClockVoice(Protocol):
    """How a workflow whose approvers a tier's clock chases records a change and tells someone."""

    async def record(self, action: str, actor: str, *, comment: str) -> None: ...

    async def notify(
        self, person: str, kind: str, subject: str, facts: dict[str, object]
    ) -> None: ...


def start_tier(tier: Tier) -> dict[str, datetime]:
    """Start the tier's clocks now; each branch's first reminder time, by branch name."""
    now = workflow.now()
    open_tier(tier, now)
    return {b.name: now + timedelta(minutes=b.reminder_minutes) for b in tier.branches}


async def notify_approvers(po: Recorder, people: list[str], tier: Tier) -> None:
    subject = f"{po.view.po_number} waits on you: {tier.name}"
    facts: dict[str, object] = {"tier": tier.name, "amount_base_minor": po.view.amount_base_minor}
    reason = _outlier_reason(po, tier)
    if reason is not None:
        facts["anomaly_reason"] = reason
    notifications = [
        po.notification(p, "approval_requested", subject, facts) for p in dict.fromkeys(people)
    ]
    await po.notify_all(notifications)


def _outlier_reason(po: Recorder, tier: Tier) -> str | None:
    """Why the PO is under this tier's review, when its anomaly score brought the tier in."""
    prepared, view = po.state.prepared, po.view
    if prepared is None or not review_tiers(prepared.policy, [tier.name], view.anomaly_score):
        return None
    return view.anomaly_reason


async def _wait_for_answer(po: Recorder, routed: Routed) -> None:
    asked_at, state = workflow.now(), po.state
    await workflow.wait_condition(
        lambda: (
            state.view.status is not PoStatus.INFORMATION_REQUESTED or bool(state.cancel_request)
        )
    )
    pause_clocks(routed.approval, workflow.now() - asked_at)


async def _wait_or_timer(
    po: Recorder, routed: Routed, tier: Tier, reminders: dict[str, datetime]
) -> None:
    times = next_alarms(tier, reminders)
    if po.view.emergency_post_facto_due and po.view.status is PoStatus.ISSUED:
        times.append(po.view.emergency_post_facto_due)
    timeout = max(min(times) - workflow.now(), timedelta(seconds=1)) if times else None
    if not await po.state.wait_for_change(timeout):
        await _on_timer(po, routed, tier, reminders)


def next_alarms(tier: Tier, reminders: dict[str, datetime]) -> list[datetime]:
    """When the tier's clock rings next: each branch's reminder and deadline."""
    return [*reminders.values(), *(b.deadline_at for b in tier.branches if b.deadline_at)]


async def _on_timer(
    po: Recorder, routed: Routed, tier: Tier, reminders: dict[str, datetime]
) -> None:
    now = workflow.now()
    await ring(po, po.view.po_number, tier, reminders, now)
    await _post_facto_overdue(po, routed, now)


async def ring(
    voice: ClockVoice, name: str, tier: Tier, reminders: dict[str, datetime], now: datetime
) -> None:
    """Past a branch's deadline, escalate it (to its fallback, then the escalation pool) and
    tell those it reached; past its reminder time, remind those it still waits on."""
    for branch in tier.branches:
        if branch.approved:
            continue
        if branch.deadline_at and branch.deadline_at <= now:
            added = escalate(branch, now)
            await voice.record(
                "tier.escalated" if added else "tier.overdue",
                "poflow",
                comment=f"{tier.name}/{branch.name} → {', '.join(added) or 'nobody left'}",
            )
            for person in added:
                await voice.notify(
                    person, "escalation", f"{name} escalated to you", {"tier": tier.name}
                )
        elif reminders[branch.name] <= now:
            reminders[branch.name] = now + timedelta(minutes=branch.reminder_minutes)
            for person in branch.waiting_on():
                await voice.notify(person, "reminder", f"Reminder: {name}", {"tier": tier.name})


async def _post_facto_overdue(po: Recorder, routed: Routed, now: datetime) -> None:
    due = po.view.emergency_post_facto_due
    if due is None or due > now or po.view.status is not PoStatus.ISSUED:
        return
    po.view.emergency_post_facto_due = None
    await po.record("emergency.post_facto_overdue", "poflow")
    for person in routed.approval.tiers[-1].branches[0].escalation_pool:
        await po.notify(
            person, "escalation", f"{po.view.po_number}: emergency approval overdue", {}
        )
