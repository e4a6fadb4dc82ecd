"""Which PO a line under a commitment discount (a Savings Plan's or a reservation's id, mapped
to a contract) draws on: its contract's PO in force on the line's charge day, the newest issued
or closed PO of the contract created by that day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CommitmentSpan:
    """A commitment discount's lines charged from ``from_day`` up to ``until_day`` (excluded;
    None: on) draw on ``po_number``: its contract's newest issued or closed PO created by then."""

    discount_id: str
    from_day: date
    until_day: date | None
    po_number: str


def commitment_spans(pos: Iterable[tuple[str, date, str]]) -> tuple[CommitmentSpan, ...]:
    """The spans of (commitment discount, day created, PO) listed by discount, then creation:
    each PO is in force from its day until the next PO of the discount's contract is created. A
    PO followed by another created the same day is never in force."""
    listed = list(pos)
    spans = []
    for at, (discount, day, po_number) in enumerate(listed):
        following = listed[at + 1] if at + 1 < len(listed) else None
        until = following[1] if following is not None and following[0] == discount else None
        if until != day:
            spans.append(CommitmentSpan(discount, day, until, po_number))
    return tuple(spans)


def spans_by_discount(spans: Iterable[CommitmentSpan]) -> dict[str, list[CommitmentSpan]]:
    by_discount: dict[str, list[CommitmentSpan]] = {}
    for span in spans:
        by_discount.setdefault(span.discount_id, []).append(span)
    return by_discount


def po_in_force(
    spans: Mapping[str, Sequence[CommitmentSpan]], discount_id: str | None, day: date | None
) -> str | None:
    """The PO of the discount's span holding ``day``; None without one."""
    if discount_id is None or day is None:
        return None
    for span in spans.get(discount_id, ()):
        if span.from_day <= day and (span.until_day is None or day < span.until_day):
            return span.po_number
    return None
