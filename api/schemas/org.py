"""Bodies of the org, fixed-asset and shadow-IT API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.body import RequestBody


class OrgVersionIn(RequestBody):
    """A version of the org from ``effective_from``: the hierarchy and/or the people, as CSV
    (``hierarchy_csv``: ``cost_center,parent``, and for a cost center to create
    ``name,owner,legal_entity``; ``people_csv``: ``person,cost_center,manager``) or as a SCIM
    2.0 ListResponse of users (``scim``, enterprise extension)."""

    effective_from: date
    format: Literal["csv", "scim"] = "csv"
    hierarchy_csv: str | None = Field(default=None, max_length=5_000_000)
    people_csv: str | None = Field(default=None, max_length=5_000_000)
    scim: dict[str, Any] | None = None
    note: str = Field(default="", max_length=500)


class OrgVersionOut(BaseModel):
    effective_from: date
    source: str
    moved: dict[str, list[str | None]]
    created: list[str]


class CenterPlace(BaseModel):
    code: str
    parent: str | None
    business_unit: str


class HierarchyOut(BaseModel):
    as_of: date
    version_from: date | None
    cost_centers: list[CenterPlace]


class HeadcountOut(BaseModel):
    period: str
    headcount: dict[str, int]


class RestatedOut(BaseModel):
    month: str
    measure: str
    business_unit: str
    currency: str
    original_minor: int
    restated_minor: int


class CsvIn(RequestBody):
    csv: str = Field(min_length=1, max_length=20_000_000)


class AssetRegisterIn(CsvIn):
    """An asset register (columns in docs/org-and-assets.md)."""


class DepreciationIn(RequestBody):
    through: str = Field(pattern=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$")
    capex_gl: str | None = Field(default=None, max_length=40)


class DepreciationOut(BaseModel):
    assets_registered: list[str]
    assets: int
    entries_posted: int
    booked_minor: int
    currency: str


class AssetOut(BaseModel):
    tag: str
    description: str
    po_number: str | None
    cost_center: str
    gl_account: str
    cost_minor: int
    salvage_minor: int
    currency: str
    method: str
    life_months: int
    in_service: date
    booked_minor: int
    book_value_minor: int


class ChargeOut(BaseModel):
    month: str
    charge_minor: int
    book_value_minor: int
    booked: bool


class CardImportOut(BaseModel):
    sha256: str
    transactions: int
    added: int


class ShadowSpendOut(BaseModel):
    month: str
    kind: str
    paid_through: str
    name: str
    detail: str
    reasons: list[str]
    currency: str
    amount_minor: int
