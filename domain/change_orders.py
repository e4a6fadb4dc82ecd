"""Change orders on an issued PO: new lines, a new ceiling, or a delay of the service period.

The commitment moves by the change only; an increase above the policy's threshold goes through
approval again, a decrease releases the difference, a delay moves the commitment between periods.
"""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.catalog import PoStatus
from domain.entitlement import Refusal
from domain.policy import Policy
from domain.requisition import LineItem, PoType, Requisition
from domain.wording import status_words


@dataclass(frozen=True)
class ChangeOrderRequest:
    """What changes: all lines replaced, a new blanket ceiling, and/or every date shifted."""

    actor: str
    reason: str
    lines: tuple[LineItem, ...] | None = None
    blanket_ceiling_minor: int | None = None
    shift_days: int = 0
    actor_is_procurement: bool = False


OPEN_OUTCOMES = ("received", "pending approval")


@dataclass
class ChangeOrderRecord:
    """A change order as the PO keeps it: applied, refused or rejected."""

    revision: int
    actor: str
    reason: str
    change_base_minor: int
    outcome: str  # received, pending approval, applied, rejected, refused, cancelled
    at: datetime
    detail: str = ""
    number: int = 0  # 1, 2, ... on the PO: keys its budget steps (a refused one keeps its own)

    def answered(self) -> bool:
        """Whether its requester has an answer: applied, refused, or out for approval."""
        return self.outcome != "received"


def amended(requisition: Requisition, request: ChangeOrderRequest) -> Requisition:
    """The requisition as the change order leaves it."""
    lines = request.lines if request.lines is not None else requisition.lines
    if request.shift_days:
        shift = timedelta(days=request.shift_days)
        lines = tuple(
            replace(
                line, service_start=line.service_start + shift, service_end=line.service_end + shift
            )
            for line in lines
        )
    ceiling = (
        request.blanket_ceiling_minor
        if request.blanket_ceiling_minor is not None
        else requisition.blanket_ceiling_minor
    )
    return replace(requisition, lines=lines, blanket_ceiling_minor=ceiling)


def needs_reapproval(policy: Policy, current_base_minor: int, change_base_minor: int) -> bool:
    """An increase above the policy's threshold (an amount, or a percent of the current amount,
    whichever is configured; either one exceeded) goes through approval again."""
    if change_base_minor <= 0:
        return False
    above_amount = change_base_minor > policy.change_order_reapproval_above_minor
    percent = policy.change_order_reapproval_above_percent
    if percent is None:
        return above_amount
    above_percent = change_base_minor * 100 > percent * current_base_minor
    if policy.change_order_reapproval_above_minor == 0:
        return above_percent
    return above_amount or above_percent


def change_order_refusal(
    status: PoStatus,
    requisition: Requisition,
    request: ChangeOrderRequest,
    pending: bool,
    invoiced_minor: int,
    called_off_minor: int,
) -> Refusal | None:
    """The first rule a change order breaks, or None. Amounts are in the PO's currency."""
    if status is not PoStatus.ISSUED:
        return Refusal(
            "not_issued", f"a {status_words(status)} purchase order takes no change order"
        )
    if pending:
        return Refusal("change_pending", "another change order is waiting for approval")
    if not (request.actor == requisition.requester or request.actor_is_procurement):
        return Refusal("not_entitled", "the requester or procurement raises a change order")
    if not request.reason.strip():
        return Refusal("comment_required", "a reason is required for a change order")
    return _content_refusal(requisition, request, invoiced_minor, called_off_minor)


def _content_refusal(
    requisition: Requisition, request: ChangeOrderRequest, invoiced: int, called_off: int
) -> Refusal | None:
    if request.lines is None and request.blanket_ceiling_minor is None and not request.shift_days:
        return Refusal("nothing_changed", "a change order changes lines, the ceiling or the dates")
    if request.lines is not None and (
        not request.lines
        or any(line.quantity <= 0 or line.unit_price_minor < 0 for line in request.lines)
        or any(line.service_end < line.service_start for line in request.lines)
    ):
        return Refusal("invalid_lines", "lines need a positive quantity and a valid service period")
    if request.blanket_ceiling_minor is not None and requisition.po_type is not PoType.BLANKET:
        return Refusal("not_blanket", "only a blanket purchase order has a ceiling")
    new = amended(requisition, request).amount().minor
    floor = max(invoiced, called_off)
    if new < floor:
        return Refusal(
            "below_consumed",
            f"the new amount {new} is below what is already invoiced or called off ({floor})",
        )
    return None
