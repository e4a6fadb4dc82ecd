"""Exploring cost data over JSON: sums grouped by any dimension, the lines behind them page by
page, and the loads with their reports. Filters are query parameters (``period=2024-09``,
``from``/``to`` dates, ``service=...``, ``tag.<key>=...``; a name repeated accepts any of its
values). A bad filter, group-by, cursor or limit is refused with 422 naming its rule; a reader
neither a cost reader nor a cost-center owner with 403 ``cost_reader_required``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from api.cost_access import COST_READERS, ReaderScope, unprocessable
from api.deps import SessionDep, require_role
from api.errors import RefusalRoute
from api.schemas.costs import LineOut, LinePageOut, LoadDetailOut, LoadOut, SummaryOut
from models.costs.explore import line_page, summary
from models.costs.explore_query import BadCostQuery, parse_query
from models.costs.keyset import after
from models.costs.load_views import load_detail, loads
from models.people.records import User

router = APIRouter(prefix="/api/costs", tags=["costs"], route_class=RefusalRoute)
LoadReader = Annotated[User, Depends(require_role(*COST_READERS))]
GroupBy = Annotated[
    str | None,
    Query(
        description="Comma-separated dimensions: source, provider, billing_account, "
        "sub_account, service, region, charge_category, cost_center, resource, day, tag.<key>."
    ),
]
PAGING = ("cursor", "limit")


@router.get("/summary")
def cost_summary(
    request: Request, scope: ReaderScope, session: SessionDep, group_by: GroupBy = None
) -> SummaryOut:
    """Billed, effective, list and contracted cost (billing currency) and billed and effective
    cost (base currency), each with and without tax, per group and billing currency."""
    try:
        query = parse_query(request.query_params.multi_items(), group_by)
        return SummaryOut.of(summary(session, query, scope))
    except BadCostQuery as bad:
        raise unprocessable(bad) from bad


@router.get("/lines")
def cost_lines(
    request: Request,
    scope: ReaderScope,
    session: SessionDep,
    cursor: str | None = None,
    limit: int = 100,
) -> LinePageOut:
    """The lines the filters select, in a stable order, ``limit`` (1..1000) at a time."""
    try:
        query = parse_query(request.query_params.multi_items(), None, ignore=PAGING)
        page = line_page(session, query, scope, after(cursor), limit)
    except BadCostQuery as bad:
        raise unprocessable(bad) from bad
    return LinePageOut(
        lines=[LineOut.of(row) for row in page.lines],
        next_cursor=page.next_key.cursor() if page.next_key else None,
    )


@router.get("/loads")
def cost_loads(_: LoadReader, session: SessionDep) -> list[LoadOut]:
    """The newest 200 loads with status and progress."""
    return [LoadOut.of(load) for load in loads(session)]


@router.get("/loads/{load_id}")
def cost_load(load_id: int, _: LoadReader, session: SessionDep) -> LoadDetailOut:
    """A load with its quality report, quarantined rows and reconciliation; 404 when unknown."""
    detail = load_detail(session, load_id)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no cost load {load_id}")
    return LoadDetailOut.of_detail(detail)
