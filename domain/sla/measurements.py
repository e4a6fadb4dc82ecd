"""What an SLA measurement says: a month's availability of a PO's service, or one incident with
when it was opened, responded to and resolved; and the rules a measurement keeps before it is
stored (each refusal names its rule and the entry)."""

# No ``from __future__ import annotations``: kept like the other payloads of domain/.

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from domain.validation import FieldRefusal

HUNDRED = Decimal(100)
EARLIEST, LATEST = datetime(1970, 1, 2, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class AvailabilityMonth:
    """The share of a month (``month`` is its first day) the service was available, in percent."""

    month: date
    availability_percent: Decimal


@dataclass(frozen=True)
class Incident:
    """An incident of the PO's service (e.g. from the ITSM tool, linked to the vendor); its
    times are timezone-aware, and it counts in the month (UTC) it was opened."""

    incident_id: str
    priority: str
    opened_at: datetime
    responded_at: datetime
    resolved_at: datetime

    @property
    def month(self) -> date:
        return month_of(self.opened_at)


@dataclass(frozen=True)
class SlaMeasurements:
    """One PO's measurements as one request or one CSV brings them."""

    po_number: str
    availability: tuple[AvailabilityMonth, ...] = ()
    incidents: tuple[Incident, ...] = ()


def check_time_in_range(moment: datetime) -> datetime:
    """A measured time from 1970 to 2999 (timezone-aware); ValueError otherwise."""
    if not EARLIEST <= moment <= LATEST:
        raise ValueError("a measured time is from 1970 to 2999")
    return moment


def month_of(moment: datetime) -> date:
    """The first day of the UTC month ``moment`` (timezone-aware) falls in."""
    utc = moment.astimezone(UTC)
    return date(utc.year, utc.month, 1)


def measurement_refusals(
    batch: SlaMeasurements, service_start: date, service_end: date
) -> Iterator[FieldRefusal]:
    """``availability_in_range``, ``incident_times_in_order`` and ``month_in_service_period``
    for every entry, so the sender sees every problem at once."""
    for index, month in enumerate(batch.availability):
        where = f"availability[{index}]"
        yield from _availability_in_range(month, where)
        yield from _in_service_period(month.month, service_start, service_end, where)
    for index, incident in enumerate(batch.incidents):
        where = f"incidents[{index}]"
        yield from _times_in_order(incident, where)
        yield from _in_service_period(incident.month, service_start, service_end, where)


def _availability_in_range(month: AvailabilityMonth, where: str) -> Iterator[FieldRefusal]:
    percent = month.availability_percent
    if not (percent.is_finite() and 0 <= percent <= HUNDRED):
        yield FieldRefusal(
            "availability_in_range",
            f"{where}.availability_percent",
            f"Availability of {percent} %; it must be from 0 to 100.",
        )


def _times_in_order(incident: Incident, where: str) -> Iterator[FieldRefusal]:
    if not incident.opened_at <= incident.responded_at <= incident.resolved_at:
        yield FieldRefusal(
            "incident_times_in_order",
            f"{where}.responded_at",
            f"Incident {incident.incident_id} must be opened, then responded to, then resolved.",
        )


def _in_service_period(
    month: date, service_start: date, service_end: date, where: str
) -> Iterator[FieldRefusal]:
    """The month must overlap the PO's service period (both days included)."""
    if month > service_end or _next_month(month) <= service_start:
        yield FieldRefusal(
            "month_in_service_period",
            f"{where}.month",
            f"{month:%Y-%m} is outside the PO's service period {service_start.isoformat()} "
            f"to {service_end.isoformat()}.",
        )


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)
