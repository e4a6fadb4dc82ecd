"""The rules a PO's terms keep (docs/requisition.md#terms), run with the requisition's other
rules so a requester sees every problem at once. Each rule yields ``FieldRefusal``s naming the
field path under ``terms``."""

from collections.abc import Iterator
from decimal import Decimal

from domain.intake import MAX_QUANTITY
from domain.requisition import Requisition
from domain.terms.licence import LicenceTerms
from domain.terms.sla import SlaTerms
from domain.terms.subcontracting import Subcontracting
from domain.validation import FieldRefusal

LONGEST_MINUTES = 366 * 24 * 60  # a response or resolution time of at most a year
HUNDRED = Decimal(100)


def terms_refusals(req: Requisition) -> Iterator[FieldRefusal]:
    terms = req.terms
    if terms is None:
        return
    if terms.sla is not None:
        yield from _sla(terms.sla)
    yield from _milestones_in_service_period(req)
    yield from _milestone_names_unique(req)
    if terms.licence is not None:
        yield from _licence_quantity_in_range(terms.licence)
    if terms.subcontracting is not None:
        yield from _subcontracting(terms.subcontracting)


def _sla(sla: SlaTerms) -> Iterator[FieldRefusal]:
    yield from _availability_in_range(sla)
    yield from _times_in_range(sla)
    yield from _credits_in_range(sla)


def _availability_in_range(sla: SlaTerms) -> Iterator[FieldRefusal]:
    if not (sla.availability_percent.is_finite() and 0 < sla.availability_percent <= HUNDRED):
        yield FieldRefusal(
            "sla_availability_in_range",
            "terms.sla.availability_percent",
            f"Availability is {sla.availability_percent} %; it must be above 0 and at most 100.",
        )


def _times_in_range(sla: SlaTerms) -> Iterator[FieldRefusal]:
    """sla_time_in_range for each time, then sla_resolution_after_response."""
    times = {"response": sla.response_minutes, "resolution": sla.resolution_minutes}
    for what, minutes in times.items():
        if not 0 < minutes <= LONGEST_MINUTES:
            yield FieldRefusal(
                "sla_time_in_range",
                f"terms.sla.{what}_minutes",
                f"The {what} time is {minutes} minutes; it must be from 1 to {LONGEST_MINUTES}.",
            )
    if 0 < sla.resolution_minutes < sla.response_minutes:
        yield FieldRefusal(
            "sla_resolution_after_response",
            "terms.sla.resolution_minutes",
            f"An incident is to be resolved within {sla.resolution_minutes} minutes, before it "
            f"is to be responded to ({sla.response_minutes} minutes).",
        )


def _credits_in_range(sla: SlaTerms) -> Iterator[FieldRefusal]:
    credits = {
        "credit_percent_per_breach": sla.credit_percent_per_breach,
        "credit_cap_percent": sla.credit_cap_percent,
    }
    for name, percent in credits.items():
        if percent is not None and not (percent.is_finite() and 0 <= percent <= HUNDRED):
            yield FieldRefusal(
                "sla_credit_in_range",
                f"terms.sla.{name}",
                f"A service credit of {percent} % of the monthly charge; it must be 0 to 100.",
            )


def _milestones_in_service_period(req: Requisition) -> Iterator[FieldRefusal]:
    if req.terms is None or not req.lines:
        return
    start, end = req.service_start, req.service_end
    for index, milestone in enumerate(req.terms.milestones):
        if not start <= milestone.due <= end:
            yield FieldRefusal(
                "milestone_in_service_period",
                f"terms.milestones[{index}].due",
                f"Milestone {index + 1} is due on {milestone.due.isoformat()}, outside the "
                f"service period {start.isoformat()} to {end.isoformat()}.",
            )


def _milestone_names_unique(req: Requisition) -> Iterator[FieldRefusal]:
    """Names are compared without case and surrounding spaces; each repeat is refused."""
    if req.terms is None:
        return
    seen: set[str] = set()
    for index, milestone in enumerate(req.terms.milestones):
        name = milestone.name.strip().casefold()
        if name in seen:
            yield FieldRefusal(
                "milestone_names_unique",
                f"terms.milestones[{index}].name",
                f"Milestone {index + 1} has the name of an earlier milestone.",
            )
        seen.add(name)


def _licence_quantity_in_range(licence: LicenceTerms) -> Iterator[FieldRefusal]:
    if not 1 <= licence.quantity <= MAX_QUANTITY:
        yield FieldRefusal(
            "licence_quantity_in_range",
            "terms.licence.quantity",
            f"The licence grants {licence.quantity} {licence.metric}; it must grant from 1 "
            f"to {MAX_QUANTITY}.",
        )


def _subcontracting(sub: Subcontracting) -> Iterator[FieldRefusal]:
    """accountability_clause_present when the prime answers for the work, subcontractors_named
    when it does not."""
    where = "terms.subcontracting"
    clause = sub.accountability_clause
    if sub.prime_accountable and (clause is None or not clause.strip()):
        yield FieldRefusal(
            "accountability_clause_present",
            f"{where}.accountability_clause",
            "The vendor answers for its subcontractors, so the clause that says so is needed.",
        )
    if not sub.prime_accountable and not any(name.strip() for name in sub.subcontractors):
        yield FieldRefusal(
            "subcontractors_named",
            f"{where}.subcontractors",
            "The vendor does not answer for its subcontractors, so each must be named.",
        )
