"""The requisition a requester submits and the answer: the PO it started, or the rules it broke.

Money comes in as a decimal string ("1234.50") in the unit of its currency and is kept as integer
minor units; a JSON number is refused, since a float cannot hold every amount exactly.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from api.field_types import Code, MoneyText, MultiLine, SingleLine
from api.problems import Problem
from api.schemas.body import RequestBody
from api.schemas.terms import PoTermsIn
from domain.catalog import PoStatus, ServiceType
from domain.intake import (
    LINE_TEXT,
    LONG_TEXT,
    MAX_LINES,
    MAX_MILESTONES,
    MAX_QUANTITY,
    TITLE_TEXT,
    VENDOR_TEXT,
)
from domain.money import Money
from domain.requisition import LineItem, PoType, Requisition, RiskFlag


class LineIn(RequestBody):
    description: SingleLine = Field(min_length=1, max_length=LINE_TEXT)
    quantity: int = Field(le=MAX_QUANTITY)
    unit_price: MoneyText = Field(description='Per unit, in the requisition currency: "1234.50".')
    service_start: date
    service_end: date
    tax_code: Code = "standard"
    catalog_sku: Code | None = None


class RequisitionIn(RequestBody):
    """A requisition as the domain knows it, less ``requester``: the caller is the requester."""

    title: SingleLine = Field(min_length=1, max_length=TITLE_TEXT)
    cost_center: Code
    vendor: SingleLine = Field(max_length=VENDOR_TEXT)
    service_type: ServiceType
    currency: str = Field(pattern="^[A-Z]{3}$", description="One the ECB publishes a rate for.")
    lines: list[LineIn] = Field(max_length=MAX_LINES)
    po_type: PoType = PoType.ONE_TIME
    blanket_ceiling: MoneyText | None = None
    contract: Code | None = None
    project: Code | None = None
    gl_account: Code | None = None
    asset_tag: Code | None = None
    sla_terms: MultiLine = Field(default="", max_length=LONG_TEXT)
    milestones: list[Annotated[SingleLine, Field(max_length=LINE_TEXT)]] = Field(
        default=[], max_length=MAX_MILESTONES
    )
    risk_flags: list[RiskFlag] = Field(default=[], max_length=len(RiskFlag))
    business_case_ref: Code | None = None
    dpia_ref: Code | None = None
    least_privilege_statement: MultiLine | None = Field(default=None, max_length=LONG_TEXT)
    itsm_ticket: Code | None = None
    change_ticket: Code | None = None
    emergency: bool = False
    emergency_justification: MultiLine | None = Field(default=None, max_length=LONG_TEXT)
    incident_ref: Code | None = None
    terms: PoTermsIn | None = Field(
        default=None, description="What the PO promises, structured (docs/requisition.md#terms)."
    )

    @model_validator(mode="after")
    def _amounts_fit_currency(self) -> RequisitionIn:
        amounts = [(f"lines[{i}].unit_price", line.unit_price) for i, line in enumerate(self.lines)]
        if self.blanket_ceiling is not None:
            amounts.append(("blanket_ceiling", self.blanket_ceiling))
        for where, amount in amounts:
            try:
                Money.parse(amount, self.currency)
            except ValueError as error:
                raise ValueError(f"{where}: {error}") from error
        return self

    def to_requisition(self, requester: str) -> Requisition:
        def minor(amount: str) -> int:
            return Money.parse(amount, self.currency).minor

        lines = tuple(
            LineItem(
                description=line.description,
                quantity=line.quantity,
                unit_price_minor=minor(line.unit_price),
                service_start=line.service_start,
                service_end=line.service_end,
                tax_code=line.tax_code,
                catalog_sku=line.catalog_sku,
            )
            for line in self.lines
        )
        fields = self.model_dump(
            exclude={"lines", "blanket_ceiling", "milestones", "risk_flags", "terms"}
        )
        return Requisition(
            requester=requester,
            lines=lines,
            blanket_ceiling_minor=minor(self.blanket_ceiling) if self.blanket_ceiling else None,
            milestones=tuple(self.milestones),
            risk_flags=tuple(self.risk_flags),
            terms=self.terms.to_terms() if self.terms is not None else None,
            **fields,
        )


class RequisitionAccepted(BaseModel):
    po_number: str
    workflow_id: str
    status: PoStatus


class FieldRefusalOut(BaseModel):
    rule: str
    field: str
    message: str


class RequisitionRefusedOut(Problem):
    """A 422 of ``POST /api/requisitions``: ``refusals`` names each rule the requisition broke
    (``rule`` is ``requisition_refused``); a body that is not a requisition has ``errors``."""

    refusals: list[FieldRefusalOut] | None = None
