"""Request and response bodies of the budget and ledger API. Amounts come in as decimal
strings of the base currency ("40000.00") and go out as integer minor units."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.field_types import MoneyText
from api.params import Int32
from domain.fiscal import FiscalPeriod
from models.budgets.versions import LineRef


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BudgetLineIn(_Body):
    cost_center: str
    gl_account: str
    fiscal_year: Int32
    period: Int32

    def ref(self) -> LineRef:
        return LineRef(
            self.cost_center, self.gl_account, FiscalPeriod(self.fiscal_year, self.period)
        )


class RevisionIn(_Body):
    amount: MoneyText = Field(description='The new budget of the line: "40000.00".')
    reason: str = Field(max_length=300)


class TransferIn(_Body):
    source: BudgetLineIn
    target: BudgetLineIn
    amount: MoneyText
    reason: str = Field(max_length=300)


class CarryForwardIn(_Body):
    fiscal_year: Int32


class ActualIn(BudgetLineIn):
    amount: MoneyText
    reference: str = Field(max_length=120, description="The source's reference: the key.")
    note: str = Field(default="", max_length=300)


class AdjustmentIn(BudgetLineIn):
    reserved: MoneyText = "0"
    committed: MoneyText = "0"
    actual: MoneyText = "0"
    reason: str = Field(max_length=300)
    po_number: str | None = None
    idempotency_key: str | None = Field(default=None, max_length=150)


class LineOut(BaseModel):
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    version: int
    currency: str
    budget_minor: int
    reserved_minor: int
    committed_minor: int
    actual_minor: int
    available_minor: int


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    period: int
    version: int
    amount_minor: int
    currency: str
    kind: str
    transfer_id: str | None
    reason: str
    created_at: datetime


class HistoryOut(VersionOut):
    author: str


class TransferOut(BaseModel):
    transfer_id: str
    amount_minor: int
    currency: str
    source: VersionOut
    target: VersionOut


class CarryForwardOut(BaseModel):
    fiscal_year: int
    purchase_orders: list[str]
    reserved_minor: int
    committed_minor: int
    moved_minor: int
    currency: str | None


class BookedOut(BaseModel):
    idempotency_key: str
    new: bool
