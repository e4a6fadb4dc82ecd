"""Releases (call-offs) against a blanket PO: each draws down its ceiling, never beyond it."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from datetime import datetime

from domain.catalog import PoStatus
from domain.entitlement import Refusal
from domain.money import Money
from domain.requisition import PoType, Requisition
from domain.wording import status_words


@dataclass(frozen=True)
class CallOffRequest:
    actor: str
    description: str
    amount_minor: int  # in the PO's currency
    actor_is_procurement: bool = False


@dataclass
class CallOff:
    number: int
    description: str
    amount_minor: int
    actor: str
    at: datetime


def called_off(call_offs: list[CallOff]) -> int:
    return sum(c.amount_minor for c in call_offs)


def call_off_refusal(
    status: PoStatus, requisition: Requisition, request: CallOffRequest, call_offs: list[CallOff]
) -> Refusal | None:
    """The first rule a call-off breaks, or None."""
    if requisition.po_type is not PoType.BLANKET:
        return Refusal("not_blanket", "only a blanket purchase order takes call-offs")
    if status is not PoStatus.ISSUED:
        return Refusal("not_issued", f"a {status_words(status)} purchase order takes no call-off")
    if not (request.actor == requisition.requester or request.actor_is_procurement):
        return Refusal("not_entitled", "the requester or procurement calls off a blanket PO")
    if not request.description.strip():
        return Refusal("comment_required", "a call-off needs a description")
    if request.amount_minor <= 0:
        return Refusal("invalid_amount", "a call-off amount must be positive")
    left = requisition.amount().minor - called_off(call_offs)
    if request.amount_minor > left:
        return Refusal(
            "above_ceiling",
            f"{Money(request.amount_minor, requisition.currency)} is above what is left of the "
            f"ceiling ({Money(left, requisition.currency)})",
        )
    return None
