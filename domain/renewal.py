"""Renewal of a contracted service (docs/purchase-order.md, step 7): notice
windows, deadlines, decisions."""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from domain.requisition import Requisition


class RenewalAction(StrEnum):
    RENEW = "renew"
    RENEGOTIATE = "renegotiate"
    TERMINATE = "terminate"


@dataclass(frozen=True)
class RenewalStart:
    po_number: str
    contract: str
    service_owner: str
    contract_end: date
    vendor_notice_days: int
    auto_renew: bool
    windows: list[datetime]
    requisition: Requisition
    committed_base_minor: int
    base_currency: str


@dataclass(frozen=True)
class RenewalDecision:
    actor: str
    action: RenewalAction
    comment: str = ""
    uplift_basis_points: int = 0
    actor_is_procurement: bool = False


@dataclass(frozen=True)
class ContractRenewal:
    """The contract a renewal extends, and the date it now runs until."""

    reference: str
    renewed_until: date


@dataclass
class RenewalView:
    po_number: str
    contract: str
    contract_end: date
    notice_deadline: date
    status: str = "waiting"
    decisions: list[RenewalDecision] = field(default_factory=list)
    renewal_po: str | None = None
    # What the cost data drew against the PO by the last notice window (base minor units).
    consumed_base_minor: int | None = None


def notice_windows(
    contract_end: date, notice_days: tuple[int, ...], now: datetime
) -> list[datetime]:
    """The instants, still ahead of ``now``, that are ``notice_days`` before the contract ends."""
    instants = sorted(
        datetime.combine(contract_end - timedelta(days=days), time(8), UTC) for days in notice_days
    )
    return [instant for instant in instants if instant > now]


def notice_deadline(contract_end: date, vendor_notice_days: int) -> date:
    """The last day a termination notice reaches the vendor in time."""
    return contract_end - timedelta(days=vendor_notice_days)


def renewed_requisition(requisition: Requisition, uplift_basis_points: int) -> Requisition:
    """The same service for the next period of equal length, prices raised by the uplift
    (in basis points: 350 = 3.5 %, rounded half up to the minor unit)."""
    lines = []
    for line in requisition.lines:
        length = line.service_end - line.service_start
        start = line.service_end + timedelta(days=1)
        price = (line.unit_price_minor * (10_000 + uplift_basis_points) + 5_000) // 10_000
        lines.append(
            replace(line, service_start=start, service_end=start + length, unit_price_minor=price)
        )
    ceiling = requisition.blanket_ceiling_minor
    if ceiling is not None:
        ceiling = (ceiling * (10_000 + uplift_basis_points) + 5_000) // 10_000
    return replace(
        requisition,
        lines=tuple(lines),
        blanket_ceiling_minor=ceiling,
        title=f"Renewal: {requisition.title}",
        emergency=False,
        itsm_ticket=None,
    )
