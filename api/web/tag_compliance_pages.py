"""The tag-compliance page, ``/costs/tag-compliance?period=YYYY-MM``: per provider, billing
account and team, the compliant shares of cost and resources, untagged and misclassified spend,
and the resources that break the tag policy with what is wrong and who owns them; each table as
CSV (``/costs/tag-compliance.csv?period=...&by=provider|account|team``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from api.deps import SessionDep
from api.tag_compliance_views import (
    COMPLIANCE_READERS,
    compliance_csv,
    read_compliance,
    read_resources_to_fix,
)
from api.web.render import render
from api.web.session import page_role
from models.costs.lines import cost_lines
from models.costs.tag_compliance import Dimension
from models.people.records import User

router = APIRouter(include_in_schema=False)
ComplianceReader = Annotated[User, Depends(page_role(*COMPLIANCE_READERS))]
Period = Annotated[str, Query(max_length=7)]
SHOWN_RESOURCES = 100


@router.get("/costs/tag-compliance", response_class=HTMLResponse)
async def compliance_page(
    request: Request, user: ComplianceReader, session: SessionDep, period: Period = ""
) -> HTMLResponse:
    """Without a period, the newest period holding cost lines."""
    if not period:
        newest = session.scalar(select(func.max(cost_lines.c.billing_period_start)))
        period = newest.strftime("%Y-%m") if newest else ""
    report = await run_in_threadpool(read_compliance, session, period) if period else None
    resources = await run_in_threadpool(read_resources_to_fix, session, period) if report else []
    context = {
        "title": "Tag compliance",
        "period": period,
        "report": report,
        "dimensions": list(Dimension),
        "resources": resources[:SHOWN_RESOURCES],
        "more_resources": max(0, len(resources) - SHOWN_RESOURCES),
    }
    return render(request, "costs/tag_compliance.html", context, user)


@router.get("/costs/tag-compliance.csv", response_class=Response)
def compliance_csv_download(
    _: ComplianceReader, session: SessionDep, period: Period, by: Dimension = Dimension.PROVIDER
) -> Response:
    report = read_compliance(session, period, (by,))
    return Response(
        compliance_csv(report, by),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="tag-compliance-{period}-{by}.csv"'},
    )
