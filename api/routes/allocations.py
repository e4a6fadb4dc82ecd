"""Allocation over JSON: a period's newest run (or ``?version=``) per cost center, business
unit, IT service and rule with what stayed unallocated; the cost lines and the ledger entries
behind an amount; running
the model in force (admins, finance, FinOps); uploading a driver table. A period is
``YYYY-MM``; a bad one is refused with 422 ``invalid_period``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from api.cost_access import SPEND_READERS
from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute
from api.schemas.allocations import (
    AllocatedEntryOut,
    AllocatedLineOut,
    AllocationOut,
    DriversIn,
    DriversStored,
)
from domain.catalog import Role
from models.costs.allocation_runs import allocated_entries, allocated_lines
from models.people.records import User
from services.costs.allocation import record_drivers, run_allocation
from services.costs.allocation_report import AllocationReport, allocation_report

router = APIRouter(prefix="/api/allocations", tags=["costs"], route_class=RefusalRoute)
Reader = Annotated[User, Depends(require_role(*SPEND_READERS))]
Allocator = Annotated[User, Depends(require_role(Role.ADMIN, Role.FINANCE, Role.FINOPS))]
Version = Annotated[int | None, Query(ge=1, le=2_147_483_647)]
CostCenter = Annotated[str | None, Query(description="none: what stayed unallocated")]
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/{period}")
def get_allocation(
    period: str, _: Reader, session: SessionDep, version: Version = None
) -> AllocationOut:
    """The period's newest run, or its ``version``; 404 when there is none."""
    return AllocationOut.of(_report(session, period, version))


@router.post("/{period}", status_code=status.HTTP_201_CREATED)
def run(period: str, user: Allocator, session: SessionDep, runtime: RuntimeDep) -> AllocationOut:
    """Allocate the period by the model in force, as its next version (409
    ``no_allocation_model`` when none is in force)."""
    start_month = runtime.settings.fiscal_year_start_month
    done = run_allocation(session, period, user, start_month=start_month)
    return AllocationOut.of(_report(session, period, done.version))


@router.get("/{period}/lines")
def get_allocated_lines(
    period: str,
    _: Reader,
    session: SessionDep,
    cost_center: CostCenter = None,
    rule: str | None = None,
    version: Version = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> list[AllocatedLineOut]:
    """The cost lines behind what the run gave ``cost_center`` (of one ``rule`` if named)."""
    report = _report(session, period, version)
    found = allocated_lines(
        session, report.run.id, cost_center, rule=rule, limit=limit, offset=offset
    )
    return [AllocatedLineOut.of(line) for line in found]


@router.get("/{period}/entries")
def get_allocated_entries(
    period: str,
    _: Reader,
    session: SessionDep,
    cost_center: CostCenter = None,
    rule: str | None = None,
    version: Version = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> list[AllocatedEntryOut]:
    """The ledger entries behind what the run gave ``cost_center`` from its ledger pools (of
    one ``rule`` if named): depreciation charges, labour and other actuals."""
    report = _report(session, period, version)
    found = allocated_entries(
        session, report.run.id, cost_center, rule=rule, limit=limit, offset=offset
    )
    return [AllocatedEntryOut.of(entry) for entry in found]


@router.post("/{period}/drivers/{driver}", status_code=status.HTTP_201_CREATED)
def upload_drivers(
    period: str, driver: str, body: DriversIn, user: Allocator, session: SessionDep
) -> DriversStored:
    """Replace the period's driver table ``driver`` (``headcount`` for headcount keys)."""
    rows = record_drivers(session, period, driver, body.quantities, user)
    return DriversStored(period=period, driver=driver, rows=rows)


def _report(session: SessionDep, period: str, version: int | None) -> AllocationReport:
    report = allocation_report(session, period, version)
    if report is None:
        which = f"version {version}" if version else "run"
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no allocation {which} of {period}")
    return report
