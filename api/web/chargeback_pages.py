"""The chargeback pages for cost readers: ``/costs/chargeback?period=YYYY-MM`` (the month's
newest statement, or ``&version=``): per business unit and cost center what each consumed, by
which rule, at which rate, and what it is charged; the month's unit costs and rates; the
charges between legal entities lacking a transfer-pricing markup; links to the CSV and FOCUS
exports. ``/costs/chargeback/{period}/charges/{id}`` lists the cost lines behind a charge."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse

from api.cost_access import SPEND_READERS
from api.deps import SessionDep
from api.web.render import render
from api.web.session import page_role
from models.costs.allocation_runs import allocated_lines
from models.costs.rates import internal_rates
from models.costs.statements import (
    StatementLine,
    statement_charge,
    statement_lines,
    statement_of,
)
from models.costs.unit_costs import unit_costs_in_force
from models.people.records import User
from services.costs.allocation import allocation_period

router = APIRouter(include_in_schema=False)
Reader = Annotated[User, Depends(page_role(*SPEND_READERS))]
LINES_SHOWN = 200


@router.get("/costs/chargeback", response_class=HTMLResponse)
def chargeback_page(
    request: Request,
    user: Reader,
    session: SessionDep,
    period: str | None = None,
    version: int | None = None,
) -> HTMLResponse:
    month = allocation_period(period) if period else date.today().replace(day=1)
    statement = statement_of(session, month, version)
    lines = statement_lines(session, statement.id) if statement else []
    now = datetime.now(UTC)
    context = {
        "title": f"Chargeback {month:%Y-%m}",
        "period": f"{month:%Y-%m}",
        "statement": statement,
        "units": [(unit, list(rows)) for unit, rows in groupby(lines, _unit)],
        "total_minor": sum(line.amount_minor for line in lines),
        "lacking": (
            statement_lines(session, statement.id, lacking_transfer_markup=True)
            if statement
            else []
        ),
        "unit_costs": unit_costs_in_force(session, month, now),
        "rates": internal_rates(session, month, now),
    }
    return render(request, "costs/chargeback.html", context, user)


def _unit(line: StatementLine) -> tuple[str, str]:
    return line.business_unit, line.business_unit_name


@router.get("/costs/chargeback/{period}/charges/{charge_id}", response_class=HTMLResponse)
def charge_page(
    request: Request,
    period: str,
    charge_id: int,
    user: Reader,
    session: SessionDep,
    version: int | None = None,
) -> HTMLResponse:
    statement = statement_of(session, allocation_period(period), version)
    charge = statement_charge(session, statement.id, charge_id) if statement else None
    if statement is None or charge is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no charge {charge_id}")
    lines = allocated_lines(
        session, statement.allocation_run_id, charge.cost_center, rule=charge.rule,
        limit=LINES_SHOWN,
    )  # fmt: skip
    context = {
        "title": f"Charge {charge_id}",
        "period": period,
        "statement": statement,
        "charge": charge,
        "lines": lines,
        "limited": len(lines) == LINES_SHOWN,
    }
    return render(request, "costs/charge_lines.html", context, user)
