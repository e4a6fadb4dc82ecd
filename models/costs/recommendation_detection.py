"""One month's optimisation detection (docs/optimisation.md): every resource of the month judged
by the pure rules, each recommendation stored once per kind, resource and month; shared by the
pages, the JSON API, the CLI and the monthly ``RecommendationReview`` workflow's activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from domain.costs.recommendations import (
    RecommendationKind,
    ResourceUsage,
    estimated_saving,
    is_idle,
    next_month,
)
from models.costs.recommendations import Found, ResourceMonth, record_found, resource_months


def judged(resource: ResourceMonth) -> list[Found]:
    """What a resource's month recommends: its unused commitment, its idleness, its lack of an
    owner (routed to FinOps)."""
    found: list[Found] = []
    if resource.unused_commitment:
        kinds = [RecommendationKind.UNUSED_COMMITMENT]
    else:
        usage = ResourceUsage(resource.consumed, resource.priced, resource.cost_minor)
        kinds = [RecommendationKind.IDLE_RESOURCE] if is_idle(usage) else []
        kinds += [] if resource.owned else [RecommendationKind.NO_OWNER]
    for kind in kinds:
        owner = None if kind == RecommendationKind.NO_OWNER else resource.owner
        found.append(Found(kind, resource, estimated_saving(kind, resource.cost_minor), owner))
    return found


@dataclass(frozen=True)
class Detected:
    """A detection's outcome: the month, what it found, how many of those are new."""

    period: date
    found: int
    new: int


def detect(session: Session, period: date, at: datetime) -> Detected:
    """Judge every resource of the month starting ``period`` and store each recommendation not
    stored yet (idempotent per kind, resource and month; statuses moved are kept)."""
    found = [f for r in resource_months(session, period, next_month(period)) for f in judged(r)]
    new = sum(record_found(session, f, period, at) for f in found)
    return Detected(period, len(found), new)
