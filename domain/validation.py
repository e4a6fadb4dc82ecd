"""The words of requisition validation (docs/purchase-order.md, step 1): what a failed rule
reports, the outcome of a check, and the reference data the rules read. The rules themselves are
in ``domain.requisition_rules`` (the requisition and its accounts) and ``domain.msa_rules`` (its
vendor, MSA and catalog)."""

from dataclasses import dataclass
from datetime import date

from domain.catalog import ServiceType, VendorStatus
from domain.money import CurrencyError, Money, check_currency


@dataclass(frozen=True)
class VendorFacts:
    name: str
    status: VendorStatus


@dataclass(frozen=True)
class ContractFacts:
    reference: str
    vendor: str
    start_date: date
    end_date: date | None
    notice_days: int
    auto_renew: bool


@dataclass(frozen=True)
class CatalogPrice:
    contract: str
    sku: str
    unit_price_minor: int
    currency: str
    service_type: ServiceType
    gl_account: str


@dataclass(frozen=True)
class ReferenceData:
    """What Postgres knows that the rules need, looked up by the caller (an activity)."""

    requester_active: bool
    vendor: VendorFacts | None  # None: no vendor of that name
    contract: ContractFacts | None  # None: requisition names no MSA, or an unknown one
    catalog: tuple[CatalogPrice, ...]  # the catalog items of the named MSA
    cost_center_active: bool
    project_cost_center: str | None  # the named project's cost center; None if unknown/absent
    gl_account_active: bool | None  # None when the requisition names no GL account


@dataclass(frozen=True)
class FieldRefusal:
    """A failed rule: a stable snake_case ``rule`` id, the requisition ``field`` path it concerns
    (e.g. ``lines[0].unit_price_minor``) and one plain sentence for the requester."""

    rule: str
    field: str
    message: str


@dataclass(frozen=True)
class ValidationOutcome:
    refusals: tuple[FieldRefusal, ...]
    flags: tuple[FieldRefusal, ...]  # allowed to proceed but noted (e.g. price above MSA, FLAG)

    @property
    def accepted(self) -> bool:
        """True when no rule refuses the requisition; flags do not stop it."""
        return not self.refusals


def currency_ok(currency: str) -> bool:
    try:
        check_currency(currency)
    except CurrencyError:
        return False
    return True


def amount_text(minor: int, currency: str) -> str:
    """An amount as a requester reads it ("1,200.00 EUR"), or raw minor units if the code is bad."""
    return str(Money(minor, currency)) if currency_ok(currency) else f"{minor} {currency}"
