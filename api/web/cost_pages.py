"""The cost pages: ``/costs`` (filters, group-by, a daily stacked chart, the groups with
drill-down to their resources and lines, CSV export), ``/costs/lines`` (the lines, page by page)
for cost readers and cost-center owners (their subtree only); ``/costs/loads`` (each load with
its progress, refreshing while one loads) and ``/costs/loads/{id}`` (its quality report,
quarantined rows and reconciliation) for cost readers. Filters are the API's query parameters."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from api.cost_access import COST_READERS, scope_of, unprocessable
from api.cost_csv import summary_csv
from api.deps import SessionDep
from api.web.charts import STACK_COLOURS, daily_stacks
from api.web.render import render
from api.web.session import PageUser, page_role
from models.costs.explore import CostGroup, line_page, summary
from models.costs.explore_choices import filter_choices
from models.costs.explore_query import DIMENSIONS, BadCostQuery, CostQuery, parse_query
from models.costs.explore_sql import CostScope
from models.costs.keyset import after
from models.costs.load_views import load_detail, loads
from models.people.records import User

router = APIRouter(include_in_schema=False)
LoadReader = Annotated[User, Depends(page_role(*COST_READERS))]
# Page-only parameters: the second group-by select, paging.
PAGE_ONLY = ("group_by", "then_by", "cursor", "limit")
PAGE_LINES = 100
# The filters the page's form has a field for; any other (a tag, a resource) rides along hidden.
_FORM_FIELDS = frozenset(
    {"period", "from", "to", "source", "cost_center", "provider", "billing_account"}
    | {"sub_account", "service", "region", "charge_category"}
)


def _items(request: Request) -> list[tuple[str, str]]:
    """The filters of the page's query string (an empty form field filters nothing)."""
    return [(k, v) for k, v in request.query_params.multi_items() if v and k not in PAGE_ONLY]


def _query(request: Request, default_group: str | None = "service") -> CostQuery:
    names = [request.query_params.get("group_by") or default_group or ""]
    names.append(request.query_params.get("then_by") or "")
    try:
        return parse_query(_items(request), ",".join(n for n in names if n))
    except BadCostQuery as bad:
        raise unprocessable(bad) from bad


@router.get("/costs", response_class=HTMLResponse)
def costs_page(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    scope = scope_of(session, user)
    query = _query(request)
    result = summary(session, query, scope)
    items = _items(request)
    context = {
        "title": "Costs",
        "summary": result,
        "chart": _chart(session, query, scope),
        "choices": filter_choices(session),
        "dimensions": DIMENSIONS,
        "chosen": dict(items),
        "extra_filters": [(k, v) for k, v in items if k not in _FORM_FIELDS],
        "group_by": query.group_by,
        "rows": [(group, _drill(items, group)) for group in result.groups],
        "csv_query": urlencode([*items, ("group_by", ",".join(query.group_by))]),
        "scoped": scope.center_ids is not None,
    }
    return render(request, "costs/explore.html", context, user)


@router.get("/costs.csv", response_class=Response)
def costs_csv(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The page's table as CSV, every amount exact."""
    result = summary(session, _query(request), scope_of(session, user))
    return Response(
        summary_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="costs.csv"'},
    )


@router.get("/costs/lines", response_class=HTMLResponse)
def lines_page(
    request: Request, user: PageUser, session: SessionDep, cursor: str | None = None
) -> HTMLResponse:
    scope = scope_of(session, user)
    query = _query(request, default_group=None)
    try:
        page = line_page(session, query, scope, after(cursor), PAGE_LINES)
    except BadCostQuery as bad:
        raise unprocessable(bad) from bad
    items = _items(request)
    next_query = urlencode([*items, ("cursor", page.next_key.cursor())]) if page.next_key else None
    context = {
        "title": "Cost lines",
        "lines": page.lines,
        "filters": items,
        "next_query": next_query,
        "back_query": urlencode(items),
    }
    return render(request, "costs/lines.html", context, user)


@router.get("/costs/loads", response_class=HTMLResponse)
def loads_page(request: Request, user: LoadReader, session: SessionDep) -> HTMLResponse:
    shown = loads(session)
    context = {
        "title": "Cost loads",
        "loads": shown,
        "refresh": any(load.status == "loading" for load in shown),
    }
    return render(request, "costs/loads.html", context, user)


@router.get("/costs/loads/{load_id}", response_class=HTMLResponse)
def load_page(
    request: Request, load_id: int, user: LoadReader, session: SessionDep
) -> HTMLResponse:
    detail = load_detail(session, load_id)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no cost load {load_id}")
    context = {
        "title": f"Cost load {load_id}",
        "detail": detail,
        "load": detail.load,
        "refresh": detail.load.status == "loading",
    }
    return render(request, "costs/load.html", context, user)


def _drill(items: list[tuple[str, str]], group: CostGroup) -> dict[str, str]:
    """The links from a group to its resources and to its lines: the page's filters narrowed
    to the group's values (a day as from = to, a group without a value as ``missing``)."""
    narrowed = dict(items)
    missing = [name for name in narrowed.get("missing", "").split(",") if name]
    for dimension, value in group.values.items():
        if value is None:
            missing.append(dimension)
        elif dimension == "day":
            narrowed["from"] = narrowed["to"] = value
        else:
            narrowed[dimension] = value
    if missing:
        narrowed["missing"] = ",".join(dict.fromkeys(missing))
    pairs = list(narrowed.items())
    return {
        "resources": "/costs?" + urlencode([*pairs, ("group_by", "resource")]),
        "lines": "/costs/lines?" + urlencode(pairs),
    }


def _chart(session: Session, query: CostQuery, scope: CostScope) -> Markup | None:
    """Billed cost per day, stacked by the first dimension grouped by (else the service), in
    the billing currency with the most cost; the largest six groups and the rest as "other"."""
    stack = next((d for d in query.group_by if d != "day"), "service")
    daily = summary(session, replace(query, group_by=(stack, "day")), scope)
    totals: dict[str, Decimal] = {}
    for group in daily.groups:
        key = group.currency or ""
        totals[key] = totals.get(key, Decimal(0)) + group.amounts["billed_cost"].with_tax
    if not totals:
        return None
    currency = max(totals, key=lambda c: totals[c])
    by_group: dict[str, dict[str, Decimal]] = {}
    for group in (g for g in daily.groups if (g.currency or "") == currency):
        name, day = group.values[stack] or "(none)", str(group.values["day"])
        amounts = by_group.setdefault(name, {})
        amounts[day] = amounts.get(day, Decimal(0)) + group.amounts["billed_cost"].with_tax
    ranked = sorted(by_group, key=lambda n: -sum(by_group[n].values(), Decimal(0)))
    shown = ranked[: len(STACK_COLOURS) - 1]
    other: dict[str, Decimal] = {}
    for name in ranked[len(shown) :]:
        for day, amount in by_group[name].items():
            other[day] = other.get(day, Decimal(0)) + amount
    stacks = [(name, by_group[name]) for name in shown] + ([("other", other)] if other else [])
    days = sorted({day for _, amounts in stacks for day in amounts})
    title = f"Billed cost per day by {stack.replace('_', ' ')}"
    return daily_stacks(days, stacks, title=title, currency=currency or "?")
