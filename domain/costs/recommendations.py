"""Optimisation recommendations (docs/optimisation.md): what the cost lines of a month say could be
saved (an unused commitment discount, an idle resource) or governed (a resource nobody owns),
each with an owner, an estimated saving and a status tracked to done.

Pure rules: which resource is idle, what a finding is estimated to save, which status a
recommendation may move to and what each move needs; and what the monthly
``RecommendationReview`` workflow is asked and answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

# A resource is idle when it consumed under 5 % of the quantity it was priced for in the month
# while costing at least 10.00 of the base currency: below the floor a change is not worth its
# review (AWS Trusted Advisor's idle checks use the same two-part test).
IDLE_USAGE_SHARE = Decimal("0.05")
IDLE_COST_FLOOR_MINOR = 1000


class RecommendationKind(StrEnum):
    UNUSED_COMMITMENT = "unused_commitment"  # commitment discount paid for and not used
    IDLE_RESOURCE = "idle_resource"  # priced for far more than it consumed
    NO_OWNER = "no_owner"  # its lines map to no cost center and its source has no owner


ACTIONS = {
    RecommendationKind.UNUSED_COMMITMENT: "move usage onto the commitment or exchange it",
    RecommendationKind.IDLE_RESOURCE: "stop, downsize or delete the resource",
    RecommendationKind.NO_OWNER: "assign an owner (map its account to a cost center)",
}


class RecommendationStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # its owner will act on it
    DONE = "done"  # acted on; the saving realised is recorded
    DISMISSED = "dismissed"  # not acted on, for the reason given


# Where each status may go; done and dismissed are final.
MOVES: dict[RecommendationStatus, frozenset[RecommendationStatus]] = {
    RecommendationStatus.OPEN: frozenset(
        {RecommendationStatus.ACCEPTED, RecommendationStatus.DISMISSED}
    ),
    RecommendationStatus.ACCEPTED: frozenset(
        {RecommendationStatus.DONE, RecommendationStatus.DISMISSED}
    ),
    RecommendationStatus.DONE: frozenset(),
    RecommendationStatus.DISMISSED: frozenset(),
}


@dataclass(frozen=True)
class ResourceUsage:
    """A resource's month: quantities summed over its usage lines, cost in minor units."""

    consumed: Decimal | None
    priced: Decimal | None
    cost_minor: int


def is_idle(usage: ResourceUsage) -> bool:
    """True when the resource cost at least the floor and consumed under the idle share of its
    priced quantity; a resource reporting no quantities is never judged idle."""
    if usage.cost_minor < IDLE_COST_FLOOR_MINOR or not usage.priced or usage.priced <= 0:
        return False
    return (usage.consumed or Decimal(0)) < usage.priced * IDLE_USAGE_SHARE


def estimated_saving(kind: RecommendationKind, cost_minor: int) -> int | None:
    """The month's saving if acted on: the unused commitment's or idle resource's whole cost;
    None for a resource without owner (assigning one saves nothing by itself)."""
    return None if kind == RecommendationKind.NO_OWNER else max(cost_minor, 0)


def measured_saving(before_minor: int, after_minor: int) -> int:
    """The drop in the resource's monthly cost from its month found to a month after done;
    never negative (a cost that rose realised nothing)."""
    return max(before_minor - after_minor, 0)


@dataclass(frozen=True)
class StatusChange:
    """A move asked for: to ``to``, with the saving realised (done) or the reason (dismissed)."""

    to: RecommendationStatus
    realised_saving_minor: int | None = None
    reason: str = ""


class MoveRefused(ValueError):
    """A move the rules refuse; ``rule`` names which."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def check_move(current: RecommendationStatus, change: StatusChange) -> None:
    """Raise ``MoveRefused`` unless ``change`` may follow ``current``: ``invalid_transition``
    (open -> accepted -> done, dismissed from open or accepted), ``reason_required`` (dismissed
    without a reason), ``realised_saving_required`` (done without a saving entered or
    measured), ``invalid_amount`` (a negative saving)."""
    if change.to not in MOVES[current]:
        raise MoveRefused("invalid_transition", f"a recommendation {current} cannot be {change.to}")
    if change.to == RecommendationStatus.DISMISSED and not change.reason.strip():
        raise MoveRefused("reason_required", "say why the recommendation is dismissed")
    if change.to == RecommendationStatus.DONE:
        if change.realised_saving_minor is None:
            raise MoveRefused(
                "realised_saving_required",
                "enter the saving realised: no later month's cost to measure it by",
            )
        if change.realised_saving_minor < 0:
            raise MoveRefused("invalid_amount", "a realised saving is not negative")


def next_month(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class ReviewRequest:
    """Find the recommendations of ``period`` (``YYYY-MM``); empty: the month before the run
    started (the month just closed)."""

    period: str = ""


@dataclass(frozen=True)
class ReviewOutcome:
    """The month judged, how many recommendations it found and how many of those are new."""

    period: str
    found: int
    new: int
