"""Applying an accepted decision, reminders and escalation to a PO's approval state."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from domain.catalog import Decision
from domain.chain import ApprovalState, Branch, DecisionRecord, Tier
from domain.entitlement import DecisionRequest, branch_for
from domain.policy import ApproverMode


class Effect(StrEnum):
    """What a decision did to the chain."""

    APPROVAL_RECORDED = "approval_recorded"
    BRANCH_APPROVED = "branch_approved"
    TIER_APPROVED = "tier_approved"
    CHAIN_APPROVED = "chain_approved"
    REJECTED = "rejected"
    INFORMATION_REQUESTED = "information_requested"
    FORWARDED = "forwarded"
    EXTENDED = "extended"


# What a ticket shows after a decision with this effect (domain.tickets.TICKET_STATES).
TICKET_STATE_AFTER = {
    Effect.APPROVAL_RECORDED: "approved",
    Effect.BRANCH_APPROVED: "approved",
    Effect.TIER_APPROVED: "approved",
    Effect.CHAIN_APPROVED: "approved",
    Effect.REJECTED: "rejected",
    Effect.INFORMATION_REQUESTED: "information_requested",
    Effect.FORWARDED: "submitted",
    Effect.EXTENDED: "submitted",
}


def apply_decision(state: ApprovalState, request: DecisionRequest, now: datetime) -> Effect:
    """Record a decision that ``entitlement.refusal`` accepted, and move the chain on."""
    tier = state.tier_now()
    branch = branch_for(tier, request) if tier else None
    if tier is None or branch is None:
        raise ValueError("apply_decision needs a decision the validator accepted")
    state.decisions.append(
        DecisionRecord(
            tier=tier.name,
            branch=branch.name,
            actor=request.actor,
            action=request.action,
            at=now,
            comment=request.comment,
            on_behalf_of=request.delegation.delegator if request.delegation else None,
            forward_to=request.forward_to,
        )
    )
    if request.action is Decision.APPROVE:
        return _approve(state, branch, request.principal, now)
    if request.action is Decision.REJECT:
        state.waiting = False
        return Effect.REJECTED
    if request.action is Decision.FORWARD and request.forward_to:
        _forward(branch, request.principal, request.forward_to, now)
        return Effect.FORWARDED
    if request.action is Decision.EXTEND_DEADLINE:
        branch.extended = True
        minutes = (
            branch.deadline_minutes if request.extend_minutes is None else request.extend_minutes
        )
        branch.deadline_at = (branch.deadline_at or now) + timedelta(minutes=minutes)
        return Effect.EXTENDED
    return Effect.INFORMATION_REQUESTED


def _approve(state: ApprovalState, branch: Branch, principal: str, now: datetime) -> Effect:
    branch.approvals.append(principal)
    tier = state.tiers[state.tier_index]
    if tier.approved:
        state.tier_index += 1
        if state.tier_index >= len(state.tiers):
            state.waiting = False
            return Effect.CHAIN_APPROVED
        open_tier(state.tiers[state.tier_index], now)
        return Effect.TIER_APPROVED
    return Effect.BRANCH_APPROVED if branch.approved else Effect.APPROVAL_RECORDED


def _forward(branch: Branch, principal: str, forward_to: str, now: datetime) -> None:
    """Any-of: the branch now waits on ``forward_to`` alone, with a fresh clock. All-of: the
    forwarder's own place (among the eligible, fallback or procurement) goes to ``forward_to``."""
    if branch.mode is ApproverMode.ANY_OF:
        branch.eligible = [forward_to]
        branch.escalation_level = 0
        start_clock(branch, now)
        return
    for people in (branch.eligible, branch.fallback, branch.escalation_pool):
        if principal in people:
            people[people.index(principal)] = forward_to
            return


def open_tier(tier: Tier, now: datetime) -> None:
    """A tier's clocks start the moment it becomes the current one."""
    for branch in tier.branches:
        if branch.deadline_at is None:
            start_clock(branch, now)


def start_clock(branch: Branch, now: datetime) -> None:
    """Set the branch's deadline from now."""
    branch.deadline_at = now + timedelta(minutes=branch.deadline_minutes)


def escalate(branch: Branch, now: datetime) -> list[str]:
    """Past its deadline: open the branch to its fallback approvers, then to procurement.

    Returns the people newly entitled (to notify); empty once nobody is left to escalate to.
    """
    before = set(branch.entitled())
    while branch.escalation_level < 2:
        branch.escalation_level += 1
        added = [person for person in branch.entitled() if person not in before]
        if added:
            start_clock(branch, now)
            return added
    branch.deadline_at = None
    return []


def pause_clocks(state: ApprovalState, paused_for: timedelta) -> None:
    """Move the current tier's deadlines by the time spent waiting for the requester."""
    tier = state.tier_now()
    for branch in tier.branches if tier else []:
        if branch.deadline_at is not None:
            branch.deadline_at += paused_for
