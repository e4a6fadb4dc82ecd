"""Budget reports for finance, procurement, auditors and admins: budget vs reserved vs committed
vs actual vs available (JSON and CSV), a line's drill-down, burn-downs, the monthly commitment
report, alerts and the year-end forecast. Read-only; computed from the ledger on each request.
The undelivered report lists what the POs could not send.

A missing ``fiscal_year`` (or ``period``) means today's; a period outside 1..12 is refused with
422, an unknown cost center, GL account or PO with 404."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import RuntimeDep, SessionDep, require_role
from api.params import Int32
from api.report_csv import budget_csv
from api.report_params import REPORT_READERS, UNDELIVERED_READERS, report_of, report_period
from api.schemas.forecasts import backtest_out
from api.schemas.reports import (
    AlertOut,
    BudgetReportOut,
    BurnDownPointOut,
    CenterBurnDownOut,
    CommitmentLineOut,
    CommitmentReportOut,
    EntryOut,
    FiguresOut,
    ForecastLineOut,
    ForecastOut,
    ForecastReportOut,
    LineDetailOut,
    PoBurnDownOut,
    PoOnLineOut,
    UndeliveredOut,
)
from models.budgets.alert_report import alert_report
from models.budgets.burndown import center_burn_down, po_burn_down
from models.budgets.commitment_report import commitment_report
from models.budgets.drilldown import line_detail
from models.budgets.forecast import forecast_report
from models.budgets.reports import budget_report
from models.people.records import User
from models.purchase_orders.undelivered_report import undelivered_report

router = APIRouter(prefix="/api/reports", tags=["reports"])
Reader = Annotated[User, Depends(require_role(*REPORT_READERS))]
FiscalYear = Annotated[Int32 | None, Query(description="Fiscal year; today's when left out.")]
CenterCode = Annotated[
    str | None, Query(description="Cost center code; it and its descendants. All when left out.")
]


@router.get("/budget")
def budget(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: FiscalYear = None,
    cost_center: CenterCode = None,
) -> BudgetReportOut:
    """Per cost center x GL x period: budget in force, reserved, committed, actual, available
    (budget - reserved - committed - actual); a cost center includes its descendants."""
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    currency = runtime.settings.base_currency
    report = report_of(lambda: budget_report(session, year, currency, cost_center))
    return BudgetReportOut.of(report)


@router.get("/budget.csv", response_class=Response)
def budget_as_csv(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: FiscalYear = None,
    cost_center: CenterCode = None,
) -> Response:
    """The budget report as CSV (text/csv): decimal amounts such as 1234.56 and a currency."""
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    currency = runtime.settings.base_currency
    report = report_of(lambda: budget_report(session, year, currency, cost_center))
    name = f"budget-FY{year}{'-' + cost_center if cost_center else ''}.csv"
    return Response(
        budget_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/budget/lines/{cost_center}/{gl_account}/{fiscal_year}/{period}")
def budget_line(
    cost_center: str,
    gl_account: str,
    fiscal_year: Int32,
    period: Int32,
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
) -> LineDetailOut:
    """The POs and the entries without a PO behind one line (descendants included)."""
    at = report_period(runtime.settings, date.today(), fiscal_year, period)
    detail = report_of(
        lambda: line_detail(session, cost_center, gl_account, at.fiscal_year, at.period)
    )
    return LineDetailOut(
        cost_center=detail.cost_center,
        gl_account=detail.gl_account,
        fiscal_year=detail.fiscal_year,
        period=detail.period,
        currency=runtime.settings.base_currency,
        figures=FiguresOut.of(detail.figures),
        purchase_orders=[PoOnLineOut.model_validate(po) for po in detail.purchase_orders],
        other_entries=[EntryOut.model_validate(entry) for entry in detail.other_entries],
    )


@router.get("/burn-down/cost-centers/{cost_center}")
def cost_center_burn_down(
    cost_center: str,
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: FiscalYear = None,
) -> CenterBurnDownOut:
    """Per period: cumulative budget, cumulative consumption and what remains."""
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    currency = runtime.settings.base_currency
    burn = report_of(lambda: center_burn_down(session, cost_center, year, currency))
    points = [BurnDownPointOut.model_validate(point) for point in burn.points]
    return CenterBurnDownOut(
        cost_center=burn.cost_center, fiscal_year=year, currency=currency, points=points
    )


@router.get("/burn-down/purchase-orders/{po_number}")
def purchase_order_burn_down(po_number: str, _: Reader, session: SessionDep) -> PoBurnDownOut:
    """The PO's open commitment (reserved + committed) after each of its ledger entries."""

    def found() -> PoBurnDownOut:
        burn = po_burn_down(session, po_number)
        if burn is None:
            raise LookupError(f"no ledger entries for purchase order {po_number}")
        return PoBurnDownOut.model_validate(burn)

    return report_of(found)


@router.get("/commitments")
def monthly_commitments(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: FiscalYear = None,
    period: Annotated[Int32 | None, Query(description="1..12; today's when left out.")] = None,
    cost_center: CenterCode = None,
) -> CommitmentReportOut:
    """Per cost center x GL: new, increased, moved, released and relieved commitment and actual
    on the period's entries, and the commitment still open on the period."""
    at = report_period(runtime.settings, date.today(), fiscal_year, period)
    currency = runtime.settings.base_currency
    report = report_of(lambda: commitment_report(session, at, currency, cost_center))
    return CommitmentReportOut(
        fiscal_year=at.fiscal_year,
        period=at.period,
        currency=currency,
        lines=[CommitmentLineOut.model_validate(line) for line in report.lines],
        total=CommitmentLineOut.model_validate(report.total),
    )


@router.get("/alerts")
def alerts(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: FiscalYear = None,
    cost_center: CenterCode = None,
) -> list[AlertOut]:
    """Every threshold (80 %, 100 %) a line of the year crossed, with consumed and budget."""
    year = report_period(runtime.settings, date.today(), fiscal_year).fiscal_year
    lines = report_of(lambda: alert_report(session, year, cost_center))
    return [AlertOut.model_validate(line) for line in lines]


@router.get("/forecast")
def forecast(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    fiscal_year: FiscalYear = None,
    cost_center: CenterCode = None,
    today: Annotated[date | None, Query(description="Forecast as of this day.")] = None,
) -> ForecastReportOut:
    """Per cost center x GL: actual + open commitments + the spend not tied to a PO projected
    over the remaining periods (Holt-Winters, Holt or run rate by the history's length; the
    ``method`` and why) + dated adjustments ahead; with an 80 % band and the backtest."""
    as_of = today or date.today()
    year = report_period(runtime.settings, as_of, fiscal_year).fiscal_year
    settings = runtime.settings
    report = report_of(
        lambda: forecast_report(
            session,
            year,
            as_of,
            start_month=settings.fiscal_year_start_month,
            currency=settings.base_currency,
            cost_center=cost_center,
        )
    )
    return ForecastReportOut(
        fiscal_year=year,
        today=as_of,
        elapsed_periods=report.elapsed,
        currency=report.currency,
        lines=[
            ForecastLineOut(
                cost_center=line.cost_center,
                gl_account=line.gl_account,
                forecast=ForecastOut.model_validate(line.forecast),
                backtest=backtest_out(line.backtest),
                accuracy=line.accuracy,
            )
            for line in report.lines
        ],
        total=ForecastOut.model_validate(report.total),
    )


@router.get("/undelivered")
def undelivered(
    _: Annotated[User, Depends(require_role(*UNDELIVERED_READERS))],
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[UndeliveredOut]:
    """The messages and ticket updates that could not go out after their retries, newest first
    (procurement and admins)."""
    return [UndeliveredOut.model_validate(line) for line in undelivered_report(session, limit)]
