"""The approval policy's ``invoice_matching`` section as domain types: which service types are
matched 3-way, and the tolerance rules selected per vendor and service type."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.catalog import ServiceType
from domain.vendor_names import normalised_vendor_name


class MatchMode(StrEnum):
    """2-way: the invoice against the PO. 3-way: also against what was received."""

    TWO_WAY = "two_way"
    THREE_WAY = "three_way"


@dataclass(frozen=True)
class Tolerance:
    """How far an invoice line may go above its PO line and still match. A limit left out does
    not constrain; a variance is within when it is within every limit given, the limit itself
    included. ``price_amount_minor`` is per unit, in minor units of the policy's base currency;
    percents are of the PO's unit price and of the ordered quantity. A rule names a vendor
    (normalised, ``domain.vendor_names``), a service type, both, or neither (the default)."""

    vendor: str | None = None
    service_type: ServiceType | None = None
    price_percent: Decimal | None = None
    price_amount_minor: int | None = None
    quantity_percent: Decimal | None = None
    quantity_units: Decimal | None = None

    def specificity(self) -> int:
        """3 for vendor and type, 2 for a vendor, 1 for a type, 0 for the default rule."""
        return (2 if self.vendor is not None else 0) + (1 if self.service_type else 0)

    def applies_to(self, vendor: str, service_type: ServiceType) -> bool:
        return self.vendor in (None, vendor) and self.service_type in (None, service_type)


# Without a default rule in the policy: an invoice matches its PO exactly or is reviewed.
EXACT = Tolerance(price_amount_minor=0, quantity_units=Decimal(0))

DEFAULT_THREE_WAY = (ServiceType.HARDWARE, ServiceType.PROFESSIONAL_SERVICES)


@dataclass(frozen=True)
class MatchingPolicy:
    """The ``invoice_matching`` section: the service types matched 3-way (the others 2-way) and
    the tolerance rules."""

    three_way_service_types: tuple[ServiceType, ...] = DEFAULT_THREE_WAY
    tolerances: tuple[Tolerance, ...] = ()

    def mode_for(self, service_type: ServiceType) -> MatchMode:
        if service_type in self.three_way_service_types:
            return MatchMode.THREE_WAY
        return MatchMode.TWO_WAY

    def tolerance_for(self, vendor: str, service_type: ServiceType) -> Tolerance:
        """The most specific rule for the vendor (by normalised name) and the service type:
        vendor and type, then vendor, then type, then the default rule, then ``EXACT``."""
        key = normalised_vendor_name(vendor)
        rules = [rule for rule in self.tolerances if rule.applies_to(key, service_type)]
        return max(rules, key=Tolerance.specificity, default=EXACT)


DEFAULT_MATCHING = MatchingPolicy()
