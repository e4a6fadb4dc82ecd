"""Request bodies for what happens to an issued PO: change orders, delays, invoices, call-offs.
Amounts are decimal text in the PO's currency, never floats."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.field_types import Code, MoneyText, MultiLine, SingleLine
from api.schemas.body import RequestBody
from api.schemas.requisitions import LineIn
from domain.intake import LINE_TEXT, LONG_TEXT, MAX_LINES


class ChangeOrderIn(RequestBody):
    reason: MultiLine = Field(max_length=LONG_TEXT)
    lines: list[LineIn] | None = Field(
        default=None, max_length=MAX_LINES, description="Every line, as amended."
    )
    blanket_ceiling: MoneyText | None = None
    shift_days: int = Field(default=0, ge=-3650, le=3650)


class DelayIn(RequestBody):
    days: int = Field(ge=-3650, le=3650, description="Days to move the service period by.")
    reason: MultiLine = Field(max_length=LONG_TEXT)


class InvoiceIn(RequestBody):
    invoice_number: Code
    invoice_date: date
    amount: MoneyText


class CallOffIn(RequestBody):
    description: SingleLine = Field(max_length=LINE_TEXT)
    amount: MoneyText
