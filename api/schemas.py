"""Request and response bodies of the JSON API.

Money comes in as a decimal string ("1234.50") in the unit of its currency and is kept as integer
minor units; a JSON number is refused, since a float cannot hold every amount exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from api.field_types import Code, MoneyText, MultiLine, SingleLine
from api.problems import Problem
from domain.catalog import Decision, PoStatus, ServiceType
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
from domain.renewal import RenewalAction
from domain.requisition import LineItem, PoType, Requisition, RiskFlag


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
        fields = self.model_dump(exclude={"lines", "blanket_ceiling", "milestones", "risk_flags"})
        return Requisition(
            requester=requester,
            lines=lines,
            blanket_ceiling_minor=minor(self.blanket_ceiling) if self.blanket_ceiling else None,
            milestones=tuple(self.milestones),
            risk_flags=tuple(self.risk_flags),
            **fields,
        )


class RequisitionAccepted(BaseModel):
    po_number: str
    workflow_id: str
    status: PoStatus


class RuleFailureOut(BaseModel):
    rule: str
    field: str
    message: str


class RequisitionRefused(Problem):
    """A 422 of ``POST /api/requisitions``: ``refusals`` names each rule the requisition broke
    (``rule`` is ``requisition_refused``); a body that is not a requisition has ``errors``."""

    refusals: list[RuleFailureOut] | None = None


class RuleRefusal(BaseModel):
    """A decision, cancellation or answer the workflow refused, and the rule it broke."""

    detail: str
    rule: str


# OpenAPI responses of a route whose refusals come from a workflow validator.
REFUSAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": RuleRefusal, "description": "refused by the PO's workflow; `rule` says why"}
    for code in (403, 409, 422)
}


class DecisionIn(RequestBody):
    action: Decision
    comment: MultiLine = Field(default="", max_length=LONG_TEXT)
    forward_to: Code | None = None
    branch: SingleLine | None = Field(default=None, max_length=120)
    extend_hours: int | None = Field(default=None, ge=1)
    extend_minutes: int | None = Field(default=None, ge=1, description="instead of extend_hours")
    on_behalf_of: Code | None = Field(
        default=None, description="Decide for this person under their active delegation to you."
    )

    def extension_minutes(self) -> int | None:
        """The extension asked for, in minutes; None for the tier's own deadline length."""
        if self.extend_minutes is not None:
            return self.extend_minutes
        return self.extend_hours * 60 if self.extend_hours is not None else None


class CancelIn(RequestBody):
    reason: MultiLine = Field(max_length=LONG_TEXT)


class InformationIn(RequestBody):
    answer: MultiLine = Field(max_length=LONG_TEXT)


class RenewalIn(RequestBody):
    action: RenewalAction
    comment: MultiLine = Field(default="", max_length=LONG_TEXT)
    uplift_basis_points: int = Field(default=0, ge=0, le=10_000)


class PoSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    po_number: str
    title: str
    status: PoStatus
    requester: str
    cost_center: str
    vendor: str
    amount_minor: int
    currency: str
    amount_base_minor: int
    base_currency: str
    is_emergency: bool
    current_tier: str | None
    current_approvers: list[str]
    tier_deadline: datetime | None
    policy_version: int | None
    created_at: datetime
    updated_at: datetime


class PoDetail(PoSummary):
    detail: dict[str, Any] = Field(description="The PO as its workflow last projected it.")


class InboxItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    po_number: str
    title: str
    amount_minor: int
    currency: str
    amount_base_minor: int
    base_currency: str
    requester: str
    cost_center: str
    tier: str | None
    deadline: datetime | None
    overdue: bool
    on_behalf_of: str | None


class RecentDecision(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    po_number: str
    title: str
    tier: str
    decision: Decision
    comment: str
    decided_at: datetime
    on_behalf_of: str | None


class Inbox(BaseModel):
    items: list[InboxItem]
    recently_decided: list[RecentDecision]


class PolicyIn(RequestBody):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)
    document: dict[str, Any]
    note: str = Field(default="", max_length=500)


class PolicySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    version: int
    note: str
    created_at: datetime


class PolicyVersion(PolicySummary):
    document: dict[str, Any]


class PolicyCreated(BaseModel):
    name: str
    version: int


class DelegationIn(RequestBody):
    delegate: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    cost_centers: list[str] = Field(default=[], description="Empty: every cost center.")
    max_amount_base: MoneyText | None = Field(
        default=None, description='Up to this amount in the base currency ("25000.00"); none: any.'
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> DelegationIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class DelegationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    delegator: str
    delegate: str
    starts_at: datetime
    ends_at: datetime
    cost_centers: list[str]
    max_amount_base_minor: int | None
    revoked_at: datetime | None
    active: bool
