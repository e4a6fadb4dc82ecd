"""Request bodies for what happens to an issued PO: change orders, delays, invoices, call-offs,
receipts. Amounts are decimal text in the PO's currency, never floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import Code, MoneyText, MultiLine, QuantityText, SingleLine
from api.schemas.body import RequestBody
from api.schemas.requisitions import LineIn
from domain.intake import LINE_TEXT, LONG_TEXT, MAX_LINES
from domain.receipts import ReceiptKind, ReceiptSource


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


class ReceiptIn(RequestBody):
    kind: ReceiptKind
    line: int = Field(ge=1, le=MAX_LINES, description="The PO line's number, from 1.")
    quantity: QuantityText = Field(description="Part or all of the line's quantity.")
    received_on: date
    milestone: SingleLine | None = Field(default=None, max_length=LINE_TEXT)
    note: MultiLine = Field(default="", max_length=LONG_TEXT)


class ReceiptOut(BaseModel):
    """A receipt as ``po_receipts`` holds it; the quantity as exact decimal text."""

    model_config = ConfigDict(from_attributes=True)

    receipt_number: int
    line_number: int
    kind: ReceiptKind
    quantity: Decimal
    milestone: str | None
    received_on: date
    note: str
    source: ReceiptSource
    received_by: str
    recorded_at: datetime


class ReceiptsOut(BaseModel):
    po_number: str
    receipts: list[ReceiptOut]
    received_by_line: dict[int, Decimal] = Field(
        description="The quantity received so far per PO line number."
    )
