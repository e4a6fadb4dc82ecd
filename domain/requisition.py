"""What a requester asks for (its fields: docs/requisition.md)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.catalog import ServiceType
from domain.money import Money
from domain.terms.po_terms import PoTerms


class RiskFlag(StrEnum):
    HANDLES_PII = "handles_pii"
    REGULATED_SYSTEM = "regulated_system"
    DATA_RESIDENCY = "data_residency"
    THIRD_PARTY_ACCESS = "third_party_access"
    CRITICAL_SERVICE = "critical_service"


class PoType(StrEnum):
    ONE_TIME = "one_time"
    BLANKET = "blanket"


@dataclass(frozen=True)
class LineItem:
    """One line: quantity times unit price (minor units of the requisition's currency)."""

    description: str
    quantity: int
    unit_price_minor: int
    service_start: date
    service_end: date
    tax_code: str = "standard"
    catalog_sku: str | None = None

    @property
    def total_minor(self) -> int:
        return self.quantity * self.unit_price_minor


@dataclass(frozen=True)
class Requisition:
    """A request to buy, with every field docs/requisition.md names; amounts in minor units."""

    requester: str
    title: str
    cost_center: str
    vendor: str
    service_type: ServiceType
    currency: str
    lines: tuple[LineItem, ...]
    po_type: PoType = PoType.ONE_TIME
    blanket_ceiling_minor: int | None = None
    contract: str | None = None
    project: str | None = None
    gl_account: str | None = None
    asset_tag: str | None = None
    sla_terms: str = ""
    milestones: tuple[str, ...] = ()
    risk_flags: tuple[RiskFlag, ...] = ()
    business_case_ref: str | None = None
    dpia_ref: str | None = None
    least_privilege_statement: str | None = None
    itsm_ticket: str | None = None
    change_ticket: str | None = None
    emergency: bool = False
    emergency_justification: str | None = None
    incident_ref: str | None = None
    # What the PO promises, structured (docs/requisition.md#terms); ``sla_terms`` and
    # ``milestones`` above stay the free text they always were.
    terms: PoTerms | None = None

    def amount(self) -> Money:
        """What the PO may spend: the blanket ceiling, or the sum of the lines."""
        if self.po_type is PoType.BLANKET and self.blanket_ceiling_minor is not None:
            return Money(self.blanket_ceiling_minor, self.currency)
        return Money(sum(line.total_minor for line in self.lines), self.currency)

    @property
    def service_start(self) -> date:
        return min(line.service_start for line in self.lines)

    @property
    def service_end(self) -> date:
        return max(line.service_end for line in self.lines)
