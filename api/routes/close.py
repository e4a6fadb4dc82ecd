"""The month-end close over JSON and CSV: finance, admins and auditors read the closes, each
with its journals, export attempts and GL differences, and download a journal as CSV; finance
and admins start a period's close and decide on its accrual journal (never the one who started
it: 403 ``segregation_of_duties``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status

from api.deps import RuntimeDep, SessionDep, TemporalDep, require_role
from api.errors import RefusalRoute
from api.idempotency import IdempotencyHeader
from api.schemas.close import (
    CloseDecisionIn,
    CloseDecisionOut,
    CloseDetailOut,
    CloseRunOut,
    CloseStartedOut,
    CloseStartIn,
)
from domain.catalog import Role
from models.close.ledger import accrued
from models.close.reports import close_detail, close_runs_listed
from models.people.records import User
from services.close import decide_close, start_close
from services.close_csv import journal_csv

router = APIRouter(prefix="/api/close", tags=["close"], route_class=RefusalRoute)
Reader = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN, Role.AUDITOR))]
Closer = Annotated[User, Depends(require_role(Role.FINANCE, Role.ADMIN))]
Period = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Kind = Annotated[str, Path(pattern="^(accrual|reversal)$")]
NOT_CLOSED: dict[int | str, dict[str, Any]] = {404: {"description": "the period was never closed"}}


@router.get("")
def closes(_: Reader, session: SessionDep) -> list[CloseRunOut]:
    """Every period's close, newest first, with its status and who approved it."""
    return [CloseRunOut.of(row) for row in close_runs_listed(session)]


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def start(body: CloseStartIn, user: Closer, runtime: RuntimeDep) -> CloseStartedOut:
    """Start the period's close (it waits for the period's end and grace); starting it again
    changes nothing and says so (``started`` false)."""
    started = await start_close(
        runtime.temporal, runtime.settings, user, body.period, body.grace_days
    )
    return CloseStartedOut(period=body.period, started=started)


@router.get("/{period}", responses=NOT_CLOSED)
def close(period: Period, _: Reader, session: SessionDep, runtime: RuntimeDep) -> CloseDetailOut:
    """The period's close: its run, journals, export attempts and GL differences, and what the
    month's budget lines hold as accrued (memo entries: cloud actuals already count the usage)."""
    detail = close_detail(session, period)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{period} was never closed")
    in_ledger = accrued(session, period, runtime.settings.fiscal_year_start_month)
    return CloseDetailOut.of(detail, in_ledger)


@router.get(
    "/{period}/journals/{kind}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **NOT_CLOSED},
)
def journal_file(period: Period, kind: Kind, _: Reader, session: SessionDep) -> Response:
    """The journal as CSV (amounts as decimals), as the ERP was sent it."""
    detail = close_detail(session, period)
    journal = next((j for j in detail.journals if j.kind == kind), None) if detail else None
    if journal is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no {kind} journal of {period}")
    return Response(
        journal_csv(journal),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{journal.journal_id}.csv"'},
    )


@router.post(
    "/{period}/decision",
    responses={
        403: {"description": "who started the close, or someone it does not wait on (`rule`)"},
        409: {"description": "the close is not awaiting approval"},
    },
)
async def decide(
    period: Period,
    body: CloseDecisionIn,
    user: Closer,
    temporal: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> CloseDecisionOut:
    """Approve or reject the period's accrual journal; the answer is the close as it stands
    (an approved journal goes on to the ledger and the ERP)."""
    view = await decide_close(temporal, user, period, body.approve, body.comment, idempotency_key)
    return CloseDecisionOut(period=view.period, status=view.status, decided_by=user.username)
