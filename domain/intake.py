"""What a requisition may hold at all, checked before anything is stored or looked up: how many
lines, how long each text, which characters, and how large each amount.

The limits keep every amount, and every sum and conversion of amounts, inside a Postgres
``bigint`` with a wide margin, and a PO's workflow payloads far below Temporal's 2 MB limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict

from domain.requisition import LineItem, Requisition
from domain.terms.limits import terms_limit_refusals
from domain.text_limits import LINE_TEXT as LINE_TEXT
from domain.text_limits import LONG_TEXT as LONG_TEXT
from domain.text_limits import SHORT_TEXT as SHORT_TEXT
from domain.text_limits import TITLE_TEXT as TITLE_TEXT
from domain.text_limits import VENDOR_TEXT as VENDOR_TEXT
from domain.text_limits import text_problem as text_problem
from domain.text_limits import text_refusals
from domain.validation import FieldRefusal

# At most a hundred billion of a two-decimal currency (10^14 minor units) in any one amount:
# line, total, ceiling, invoice or call-off. Converted at any rate between two currencies the
# ECB publishes (at most about 1:25,000, IDR per GBP), that is still under 2.5 * 10^18, below
# bigint's 9.2 * 10^18; budget sums are computed as numeric.
MAX_AMOUNT_MINOR = 10**14
MAX_QUANTITY = 10**9  # also fits a Postgres integer
MAX_LINES = 100
MAX_MILESTONES = 50
# The whole requisition as the workflow carries it (JSON with non-ASCII escaped, as Temporal's
# converter writes it): a PO's view holds it once, so its payloads stay far below 2 MB.
MAX_REQUISITION_BYTES = 256 * 1024

# Every text field of a requisition, its longest length, and whether it may span lines.
REQUISITION_TEXT: dict[str, tuple[int, bool]] = {
    "requester": (SHORT_TEXT, False),
    "title": (TITLE_TEXT, False),
    "cost_center": (SHORT_TEXT, False),
    "vendor": (VENDOR_TEXT, False),
    "currency": (3, False),
    "contract": (SHORT_TEXT, False),
    "project": (SHORT_TEXT, False),
    "gl_account": (SHORT_TEXT, False),
    "asset_tag": (SHORT_TEXT, False),
    "sla_terms": (LONG_TEXT, True),
    "business_case_ref": (SHORT_TEXT, False),
    "dpia_ref": (SHORT_TEXT, False),
    "least_privilege_statement": (LONG_TEXT, True),
    "itsm_ticket": (SHORT_TEXT, False),
    "change_ticket": (SHORT_TEXT, False),
    "emergency_justification": (LONG_TEXT, True),
    "incident_ref": (SHORT_TEXT, False),
}
LINE_TEXTS: dict[str, tuple[int, bool]] = {
    "description": (LINE_TEXT, False),
    "tax_code": (SHORT_TEXT, False),
    "catalog_sku": (SHORT_TEXT, False),
}


def amount_problem(minor: int) -> str | None:
    """Why an amount in minor units is out of range, or None."""
    if minor > MAX_AMOUNT_MINOR:
        return f"is above the largest amount poflow takes ({MAX_AMOUNT_MINOR} minor units)"
    return None


def intake_refusals(requisition: Requisition) -> tuple[FieldRefusal, ...]:
    """Every limit the requisition breaks (rules ``lines_at_most``, ``milestones_at_most``,
    ``text_length``, ``text_characters``, ``quantity_in_range``, ``amount_in_range``, the
    terms' ``entries_at_most`` (``domain.terms.limits``), and ``requisition_size`` when no
    other); messages never repeat the offending text."""
    refusals = [
        *_milestone_count(requisition),
        *_texts(requisition),
        *_amounts(requisition),
        *terms_limit_refusals(requisition.terms),
    ]
    if not refusals:
        refusals.extend(_size(requisition))
    return tuple(refusals)


def line_refusals(lines: tuple[LineItem, ...], prefix: str = "lines") -> Iterator[FieldRefusal]:
    """The limits on lines (their count, texts, quantities and amounts), for requisitions and
    the lines of a change order alike."""
    if len(lines) > MAX_LINES:
        yield FieldRefusal(
            "lines_at_most", prefix, f"{len(lines)} lines; a PO holds at most {MAX_LINES}."
        )
        return
    for index, line in enumerate(lines):
        where = f"{prefix}[{index}]"
        for name, (longest, multiline) in LINE_TEXTS.items():
            yield from text_refusals(f"{where}.{name}", getattr(line, name), longest, multiline)
        if line.quantity > MAX_QUANTITY:
            yield FieldRefusal(
                "quantity_in_range",
                f"{where}.quantity",
                f"Line {index + 1} has a quantity above {MAX_QUANTITY}.",
            )
            continue
        yield from _amount(f"{where}.unit_price_minor", line.unit_price_minor)
        yield from _amount(f"{where}.total_minor", line.total_minor)
    if len(lines) > 1:
        yield from _amount(f"{prefix}.total_minor", sum(line.total_minor for line in lines))


def _milestone_count(req: Requisition) -> Iterator[FieldRefusal]:
    if len(req.milestones) > MAX_MILESTONES:
        yield FieldRefusal(
            "milestones_at_most",
            "milestones",
            f"{len(req.milestones)} milestones; a PO holds at most {MAX_MILESTONES}.",
        )


def _texts(req: Requisition) -> Iterator[FieldRefusal]:
    for name, (longest, multiline) in REQUISITION_TEXT.items():
        yield from text_refusals(name, getattr(req, name), longest, multiline)
    for index, milestone in enumerate(req.milestones[:MAX_MILESTONES]):
        yield from text_refusals(f"milestones[{index}]", milestone, LINE_TEXT, False)


def _amounts(req: Requisition) -> Iterator[FieldRefusal]:
    yield from line_refusals(req.lines)
    if req.blanket_ceiling_minor is not None:
        yield from _amount("blanket_ceiling_minor", req.blanket_ceiling_minor)


def _size(req: Requisition) -> Iterator[FieldRefusal]:
    size = len(json.dumps(asdict(req), default=str, ensure_ascii=True))
    if size > MAX_REQUISITION_BYTES:
        yield FieldRefusal(
            "requisition_size",
            "requisition",
            f"The requisition takes {size} bytes; it may take at most {MAX_REQUISITION_BYTES}.",
        )


def _amount(field: str, minor: int) -> Iterator[FieldRefusal]:
    problem = amount_problem(minor)
    if problem is not None:
        yield FieldRefusal("amount_in_range", field, f"{field} {problem}.")
