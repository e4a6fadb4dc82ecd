"""The approval chain as a timeline: each tier done, current or upcoming (or rejected, or not
reached once the PO stopped), each of its branches saying who approved and when, whom it waits
on and by when, or whom it will wait on. Pure: the PO's view and ``now`` come in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.catalog import Decision
from domain.chain import Branch, DecisionRecord, Tier
from domain.decision_card import relative_deadline
from domain.purchase_order import PoView


class TierState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"
    REJECTED = "rejected"
    NOT_REACHED = "not reached"


@dataclass(frozen=True)
class BranchLine:
    """One branch of a tier in words: ``name`` is empty when the tier has one branch."""

    name: str
    text: str


@dataclass(frozen=True)
class TimelineTier:
    """A tier in order; ``decisions`` are those other than approvals (the branches name who
    approved), with their comments."""

    number: int
    name: str
    state: TierState
    branches: tuple[BranchLine, ...]
    decisions: tuple[DecisionRecord, ...]


def approval_timeline(view: PoView, now: datetime) -> list[TimelineTier]:
    """Every tier of the PO's chain in order, as it stands at ``now``."""
    tiers = []
    for index, tier in enumerate(view.tiers):
        state = _state(view, index, tier)
        decisions = tuple(d for d in view.decisions if d.tier == tier.name)
        others = tuple(d for d in decisions if d.action is not Decision.APPROVE)
        several = len(tier.branches) > 1
        lines = tuple(
            BranchLine(b.name if several else "", _branch_text(b, state, decisions, now))
            for b in tier.branches
        )
        tiers.append(TimelineTier(index + 1, tier.name, state, lines, others))
    return tiers


def _state(view: PoView, index: int, tier: Tier) -> TierState:
    rejected = any(d.action is Decision.REJECT and d.tier == tier.name for d in view.decisions)
    if index < view.tier_index or (tier.approved and not rejected):
        return TierState.DONE
    if rejected:
        return TierState.REJECTED
    if index == view.tier_index and view.waiting_on():
        return TierState.CURRENT
    return TierState.UPCOMING if view.waiting_on() else TierState.NOT_REACHED


def _branch_text(
    branch: Branch, state: TierState, decisions: tuple[DecisionRecord, ...], now: datetime
) -> str:
    if branch.approved:
        return "approved by " + ", ".join(_approvals(branch, decisions))
    if state is TierState.CURRENT:
        return _waiting_text(branch, now)
    if state is TierState.UPCOMING:
        return f"then {', '.join(branch.eligible) or 'nobody'}"
    return f"{state.value}: {', '.join(branch.eligible) or 'nobody'}"


def _approvals(branch: Branch, decisions: tuple[DecisionRecord, ...]) -> list[str]:
    """Who approved the branch, for whom and when."""
    shown = []
    for record in decisions:
        if record.branch == branch.name and record.action is Decision.APPROVE:
            acting = f" on behalf of {record.on_behalf_of}" if record.on_behalf_of else ""
            said = f' saying "{record.comment}"' if record.comment else ""
            shown.append(f"{record.actor}{acting} at {record.at:%Y-%m-%d %H:%M} UTC{said}")
    return shown or list(branch.approvals)


def _waiting_text(branch: Branch, now: datetime) -> str:
    text = f"waiting on {', '.join(branch.waiting_on())}"
    if branch.escalation_level >= 1:
        text += " (escalated at the deadline)"
    if branch.deadline_at is not None:
        text += f" · {relative_deadline(branch.deadline_at, now)}"
        extended = ", extended" if branch.extended else ""
        text += f" ({branch.deadline_at:%Y-%m-%d %H:%M} UTC{extended})"
    return text
