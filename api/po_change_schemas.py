"""Request bodies for what happens to an issued PO: change orders, delays, invoices, call-offs.
Amounts are decimal text in the PO's currency, never floats."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.schemas import LineIn, MoneyText, RequestBody


class ChangeOrderIn(RequestBody):
    reason: str = Field(max_length=4000)
    lines: list[LineIn] | None = Field(default=None, description="Every line, as amended.")
    blanket_ceiling: MoneyText | None = None
    shift_days: int = Field(default=0, ge=-3650, le=3650)


class DelayIn(RequestBody):
    days: int = Field(ge=-3650, le=3650, description="Days to move the service period by.")
    reason: str = Field(max_length=4000)


class InvoiceIn(RequestBody):
    invoice_number: str = Field(max_length=80)
    invoice_date: date
    amount: MoneyText


class CallOffIn(RequestBody):
    description: str = Field(max_length=500)
    amount: MoneyText
