"""The bodies of the cost-source API: a source's settings, its account mappings and its
invoice totals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.field_types import Code, MoneyText, SingleLine
from api.schemas.body import RequestBody

Name = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")


class SourceIn(RequestBody):
    """A source's settings; ``name`` is taken from the path on PUT. ``column_mapping`` maps a
    FOCUS column to the file's column (csv sources), ``constants`` a FOCUS column to a value the
    file does not hold; ``quality_actions`` a data-quality rule id to ``keep_and_flag`` or
    ``quarantine``; ``location`` is ``{}`` (uploads only), ``{"kind": "folder", "path": ...}``
    or ``{"kind": "s3", "bucket": ..., "prefix": ..., "endpoint_url": ...}``."""

    name: SingleLine | None = Field(default=None, max_length=120)
    format: SingleLine = Field(max_length=40)
    provider: SingleLine = Field(max_length=120)
    billing_accounts: list[Code] = Field(default_factory=list, max_length=500)
    base_currency: SingleLine = Field(default="EUR", max_length=3)
    refresh_cycle_hours: int = Field(default=24, ge=1, le=24 * 31)
    latency_threshold_hours: int = Field(default=72, ge=1, le=24 * 366)
    column_mapping: dict[str, SingleLine] = Field(default_factory=dict, max_length=200)
    constants: dict[str, SingleLine] = Field(default_factory=dict, max_length=200)
    quality_actions: dict[str, SingleLine] = Field(default_factory=dict, max_length=50)
    location: dict[str, SingleLine] = Field(default_factory=dict, max_length=10)
    owners: list[Code] = Field(default_factory=list, max_length=50)
    tag_policy_keys: list[Code] = Field(default_factory=list, max_length=50)


class SourceOut(BaseModel):
    name: str
    format: str
    provider: str
    billing_accounts: list[str]
    base_currency: str
    refresh_cycle_hours: int
    latency_threshold_hours: int
    column_mapping: dict[str, str]
    constants: dict[str, str]
    quality_actions: dict[str, str]
    location: dict[str, str]
    owners: list[str]
    tag_policy_keys: list[str]


class SourceListingOut(BaseModel):
    name: str
    format: str
    provider: str
    last_load_status: str | None
    last_load_at: datetime | None
    last_load_file: str | None
    newest_data: date | None
    stale: bool = Field(description="Its newest data is older than its latency threshold.")


class MappingIn(RequestBody):
    """A billing account or sub-account booked to a cost center and GL account (both required),
    optionally drawing on a PO; or a ``commitment_discount`` (its ``CommitmentDiscountId``, a
    Savings Plan's or reservation's id) naming only the ``contract`` (its reference) whose PO
    in force at a line's charge day the line draws on."""

    account_kind: Literal["billing_account", "sub_account", "commitment_discount"] = (
        "billing_account"
    )
    account_id: SingleLine = Field(max_length=400)
    cost_center: Code | None = None
    gl_account: Code | None = None
    po_number: Code | None = None
    contract: Code | None = None


class MappingOut(BaseModel):
    account_kind: str
    account_id: str
    cost_center: str | None
    gl_account: str | None
    po_number: str | None
    contract: str | None


class InvoiceTotalIn(RequestBody):
    invoice_id: Code
    billing_period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2024-09"])
    currency: SingleLine = Field(max_length=3)
    total: MoneyText
    tax: MoneyText | None = None


class InvoiceTotalOut(BaseModel):
    invoice_id: str
    billing_period: str
    currency: str
    total: str = Field(description="Exact decimal text.")
    tax: str | None
    entered_by: str


class UploadAccepted(BaseModel):
    """The load a file started: follow it on ``follow`` or by its workflow id."""

    source: str
    billing_period: str
    file: str
    sha256: str
    bytes: int
    workflow_id: str
    follow: str
