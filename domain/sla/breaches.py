"""The breaches a PO's measurements are against its ``SlaTerms``: a month's availability below
the target, an incident responded to or resolved later than the target allows. Exactly at the
target is kept; a breach is strictly worse."""

# No ``from __future__ import annotations``: kept like the other payloads of domain/.

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.sla.measurements import AvailabilityMonth, Incident, SlaMeasurements
from domain.terms.sla import SlaTerms

SECONDS_A_MINUTE = Decimal(60)


class BreachKind(StrEnum):
    AVAILABILITY = "availability"  # measured and target in percent of the month
    RESPONSE = "response"  # in minutes from opened to responded
    RESOLUTION = "resolution"  # in minutes from opened to resolved


@dataclass(frozen=True)
class Breach:
    """One breach of the PO's terms in ``month``; ``key`` names it within the PO and month
    (``availability``, ``response:INC-1``, ``resolution:INC-1``), so it is counted once."""

    month: date
    kind: BreachKind
    key: str
    measured: Decimal
    target: Decimal
    incident_id: str | None = None


def breaches_of(batch: SlaMeasurements, terms: SlaTerms) -> list[Breach]:
    """Every breach of the batch: each availability month, then the incidents in the order
    they were opened, an incident's response before its resolution."""
    found = [b for month in batch.availability if (b := availability_breach(month, terms))]
    for incident in sorted(batch.incidents, key=lambda i: (i.opened_at, i.incident_id)):
        found.extend(incident_breaches(incident, terms))
    return found


def availability_breach(month: AvailabilityMonth, terms: SlaTerms) -> Breach | None:
    """A breach when the month's availability is below the target (at the target is none)."""
    if month.availability_percent >= terms.availability_percent:
        return None
    return Breach(
        month.month,
        BreachKind.AVAILABILITY,
        BreachKind.AVAILABILITY.value,
        month.availability_percent,
        terms.availability_percent,
    )


def incident_breaches(incident: Incident, terms: SlaTerms) -> Iterator[Breach]:
    """A response breach when the response took longer than ``response_minutes``, a
    resolution breach when the resolution took longer than ``resolution_minutes``."""
    took = {
        BreachKind.RESPONSE: (incident.responded_at - incident.opened_at, terms.response_minutes),
        BreachKind.RESOLUTION: (
            incident.resolved_at - incident.opened_at,
            terms.resolution_minutes,
        ),
    }
    for kind, (elapsed, target) in took.items():
        if elapsed > timedelta(minutes=target):
            yield Breach(
                incident.month,
                kind,
                f"{kind.value}:{incident.incident_id}",
                _minutes(elapsed),
                Decimal(target),
                incident.incident_id,
            )


def _minutes(elapsed: timedelta) -> Decimal:
    """Elapsed time in minutes to the hundredth (30.50 for 30 minutes 30 seconds)."""
    seconds = Decimal(elapsed.days * 86_400 + elapsed.seconds)
    return (seconds / SECONDS_A_MINUTE).quantize(Decimal("0.01"))
