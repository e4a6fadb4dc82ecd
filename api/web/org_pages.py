"""Pages of the org and asset reports and of shadow IT: past months restated per business
unit, the fixed assets with their schedules, and shadow IT per month with its CSV. They read
the same queries as the JSON API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api.cost_access import COST_READERS, SPEND_READERS
from api.deps import RuntimeDep, SessionDep
from api.month_params import MONTH_PATTERN, month_range
from api.report_params import REPORT_READERS
from api.shadow_it_csv import shadow_it_csv
from api.web.render import render
from api.web.session import page_role
from models import FixedAsset
from models.budgets.depreciation import asset_books, asset_schedule
from models.budgets.restatement import restate
from models.costs.shadow_it import shadow_it
from models.people.records import User

router = APIRouter(include_in_schema=False)
ReportReader = Annotated[User, Depends(page_role(*REPORT_READERS))]
CostReader = Annotated[User, Depends(page_role(*COST_READERS))]
SpendReader = Annotated[User, Depends(page_role(*SPEND_READERS))]
FromMonth = Annotated[str | None, Query(alias="from", pattern=MONTH_PATTERN)]
ToMonth = Annotated[str | None, Query(alias="to", pattern=MONTH_PATTERN)]


@router.get("/reports/restatement", response_class=HTMLResponse)
def restatement_page(
    request: Request,
    user: ReportReader,
    session: SessionDep,
    runtime: RuntimeDep,
    first: FromMonth = None,
    last: ToMonth = None,
    as_of: Annotated[date | None, Query()] = None,
) -> HTMLResponse:
    first, last = _months(first, last)
    start, end = month_range(first, last)
    day = as_of or datetime.now(UTC).date()
    rows = restate(
        session, start, end, as_of=day, start_month=runtime.settings.fiscal_year_start_month
    )
    context = {"title": "Restatement", "rows": rows, "first": first, "last": last, "as_of": day}
    return render(request, "reports/restatement.html", context, user)


@router.get("/reports/assets", response_class=HTMLResponse)
def assets_page(
    request: Request, user: ReportReader, session: SessionDep, tag: str | None = None
) -> HTMLResponse:
    asset = session.scalar(select(FixedAsset).where(FixedAsset.tag == tag)) if tag else None
    if tag and asset is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {tag}")
    context = {
        "title": "Fixed assets",
        "books": asset_books(session),
        "asset": asset,
        "schedule": asset_schedule(session, asset) if asset else [],
    }
    return render(request, "reports/assets.html", context, user)


@router.get("/costs/shadow-it", response_class=HTMLResponse)
def shadow_it_page(
    request: Request,
    user: SpendReader,
    session: SessionDep,
    first: FromMonth = None,
    last: ToMonth = None,
) -> HTMLResponse:
    first, last = _months(first, last)
    start, end = month_range(first, last)
    context = {
        "title": "Shadow IT",
        "rows": shadow_it(session, start, end),
        "first": first,
        "last": last,
    }
    return render(request, "costs/shadow_it.html", context, user)


@router.get("/costs/shadow-it.csv", response_class=Response)
def shadow_it_download(
    _: SpendReader, session: SessionDep, first: FromMonth = None, last: ToMonth = None
) -> Response:
    first, last = _months(first, last)
    start, end = month_range(first, last)
    return Response(
        shadow_it_csv(shadow_it(session, start, end)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="shadow-it-{first}-{last}.csv"'},
    )


def _months(first: str | None, last: str | None) -> tuple[str, str]:
    """The range asked for; this month and the two before it unless told."""
    today = datetime.now(UTC).date()
    index = today.year * 12 + today.month - 1 - 2
    default_first = f"{index // 12:04d}-{index % 12 + 1:02d}"
    start = first or (last if last else default_first)
    return start, last or (first if first else f"{today:%Y-%m}")
