"""Where a PO stands in its life, as the requester's step tracker shows it: requisition, then
approval (tier k of n), issued, invoiced, closed; each step done, current or upcoming, and the
step where a PO stopped (refused, rejected, cancelled) or waits for an operator."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.catalog import PoStatus
from domain.purchase_order import PoView


class StepState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"
    STOPPED = "stopped"


@dataclass(frozen=True)
class TrackStep:
    label: str
    state: StepState
    note: str = ""  # why a step stopped, in words


STEPS = ("Requisition", "Approval", "Issued", "Invoiced", "Closed")
_STOPPED = {
    PoStatus.REFUSED: "refused",
    PoStatus.REJECTED: "rejected",
    PoStatus.CANCELLED: "cancelled",
    PoStatus.NEEDS_ATTENTION: "waits for an operator",
}
_PAST_APPROVAL = frozenset({PoStatus.APPROVED, PoStatus.ISSUED, PoStatus.CLOSED})


def step_track(view: PoView) -> list[TrackStep]:
    """The five steps of ``view``'s life: those behind it done, the one it is at current (or
    stopped, with why), the rest upcoming. Approval names its tier as "tier k of n"."""
    status = view.status
    reached = (
        status not in (PoStatus.VALIDATING, PoStatus.REFUSED),
        status in _PAST_APPROVAL or view.erp_reference is not None or _all_approved(view),
        view.erp_reference is not None or status in (PoStatus.ISSUED, PoStatus.CLOSED),
        bool(view.invoices) or status is PoStatus.CLOSED,
        status is PoStatus.CLOSED,
    )
    done = next((index for index, passed in enumerate(reached) if not passed), len(STEPS))
    steps = []
    for index, name in enumerate(STEPS):
        label = _approval_label(view, index == done) if name == "Approval" else name
        if index < done:
            steps.append(TrackStep(label, StepState.DONE))
        elif index == done and status in _STOPPED:
            steps.append(TrackStep(label, StepState.STOPPED, _STOPPED[status]))
        elif index == done:
            steps.append(TrackStep(label, StepState.CURRENT))
        else:
            steps.append(TrackStep(label, StepState.UPCOMING))
    return steps


def _all_approved(view: PoView) -> bool:
    return bool(view.tiers) and all(tier.approved for tier in view.tiers)


def _approval_label(view: PoView, current: bool) -> str:
    tiers = len(view.tiers)
    if not current or not tiers or view.tier_index >= tiers:
        return "Approval"
    tier = view.tiers[view.tier_index]
    return f"Approval: tier {view.tier_index + 1} of {tiers} ({tier.name})"
