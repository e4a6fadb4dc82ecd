"""The allocation pages for cost readers and FinOps: ``/costs/allocations`` (the periods
allocated, each with its newest run), ``/costs/allocations/{period}`` (the
newest run, or ``?version=``: per business unit, cost center and service, each amount with its
rule and a link to its lines, and what stayed unallocated) and
``/costs/allocations/{period}/lines`` (the cost lines and ledger entries behind one cost
center's amounts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse

from api.cost_access import SPEND_READERS
from api.deps import SessionDep
from api.web.render import render
from api.web.session import page_role
from models.costs.allocation_runs import allocated_entries, allocated_lines, newest_runs
from models.people.records import User
from services.costs.allocation_report import AllocationReport, allocation_report

router = APIRouter(include_in_schema=False)
Reader = Annotated[User, Depends(page_role(*SPEND_READERS))]
Version = Annotated[int | None, Query(ge=1, le=2_147_483_647)]
PAGE_LINES = 100


@router.get("/costs/allocations", response_class=HTMLResponse)
def allocations_page(request: Request, user: Reader, session: SessionDep) -> HTMLResponse:
    context = {"title": "Allocation", "runs": newest_runs(session)}
    return render(request, "costs/allocations.html", context, user)


@router.get("/costs/allocations/{period}", response_class=HTMLResponse)
def allocation_page(
    request: Request, period: str, user: Reader, session: SessionDep, version: Version = None
) -> HTMLResponse:
    report = _report(session, period, version)
    context = {"title": f"Allocation of {period}", "period": period, "report": report}
    return render(request, "costs/allocation.html", context, user)


@router.get("/costs/allocations/{period}/lines", response_class=HTMLResponse)
def allocated_lines_page(
    request: Request,
    period: str,
    user: Reader,
    session: SessionDep,
    cost_center: str | None = None,
    rule: str | None = None,
    version: Version = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    report = _report(session, period, version)
    found = allocated_lines(
        session, report.run.id, cost_center, rule=rule, limit=PAGE_LINES + 1, offset=offset
    )
    entries = allocated_entries(
        session, report.run.id, cost_center, rule=rule, limit=PAGE_LINES + 1, offset=offset
    )
    context = {
        "title": f"Lines allocated to {cost_center or 'nobody'} in {period}",
        "period": period,
        "report": report,
        "cost_center": cost_center,
        "rule": rule,
        "lines": found[:PAGE_LINES],
        "entries": entries[:PAGE_LINES],
        "next_offset": offset + PAGE_LINES if max(len(found), len(entries)) > PAGE_LINES else None,
    }
    return render(request, "costs/allocated_lines.html", context, user)


def _report(session: SessionDep, period: str, version: int | None) -> AllocationReport:
    report = allocation_report(session, period, version)
    if report is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no allocation of {period} yet")
    return report
