"""Cost centers and their fiscal policy: when their POs book budget."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep, require_role
from api.schemas.body import RequestBody
from domain.catalog import Role
from models.budgets.fiscal_policy import set_reserve_at
from models.people.admin import cost_centers
from models.people.records import User

router = APIRouter(prefix="/api/cost-centers", tags=["budgets"])
FinanceOrAdmin = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN))]


class CostCenterOut(BaseModel):
    code: str
    name: str
    owner: str
    parent: str | None
    active: bool
    reserve_at: str


class FiscalPolicyIn(RequestBody):
    reserve_at: Literal["creation", "invoice"]


@router.get("")
def list_cost_centers(_: CurrentUser, session: SessionDep) -> list[CostCenterOut]:
    """Every cost center with its owner, parent and fiscal policy."""
    return [CostCenterOut(**vars(center)) for center in cost_centers(session)]


@router.put("/{code}/fiscal-policy")
def set_fiscal_policy(
    code: str, body: FiscalPolicyIn, user: FinanceOrAdmin, session: SessionDep
) -> CostCenterOut:
    """``creation``: POs reserve at creation and commit at issue; ``invoice``: the budget is
    checked, and only invoices book (actual cost). Applies to postings from now on."""
    if not set_reserve_at(session, code, body.reserve_at, by=user, at=datetime.now(UTC)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no cost center {code}")
    return next(CostCenterOut(**vars(c)) for c in cost_centers(session) if c.code == code)
