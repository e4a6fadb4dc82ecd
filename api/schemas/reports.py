"""Response bodies of the budget reports. Amounts are integer minor units of ``currency`` (the
base currency), never floats; the CSV export writes them as decimal strings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from api.schemas.forecasts import BacktestOut
from domain.budget import LineBalance
from models.budgets.reports import AccountYear, BudgetReport, CenterReport, PeriodFigures

_FROM_OBJECTS = ConfigDict(from_attributes=True)


class FiguresOut(BaseModel):
    """available = budget - reserved - committed - actual; percent consumed rounded down."""

    budget_minor: int
    reserved_minor: int
    committed_minor: int
    actual_minor: int
    available_minor: int
    percent_consumed: int | None

    @classmethod
    def of(cls, balance: LineBalance) -> FiguresOut:
        return cls(
            budget_minor=balance.budget_minor,
            reserved_minor=balance.reserved_minor,
            committed_minor=balance.committed_minor,
            actual_minor=balance.actual_minor,
            available_minor=balance.available_minor,
            percent_consumed=balance.percent_consumed(),
        )


class PeriodOut(BaseModel):
    period: int
    figures: FiguresOut
    alert_percent: int | None

    @classmethod
    def of(cls, period: PeriodFigures) -> PeriodOut:
        return cls(
            period=period.period,
            figures=FiguresOut.of(period.figures),
            alert_percent=period.alert_percent,
        )


class AccountOut(BaseModel):
    gl_account: str
    gl_name: str
    periods: list[PeriodOut]
    total: FiguresOut

    @classmethod
    def of(cls, year: AccountYear) -> AccountOut:
        return cls(
            gl_account=year.gl_account,
            gl_name=year.gl_name,
            periods=[PeriodOut.of(period) for period in year.periods],
            total=FiguresOut.of(year.total),
        )


class CenterOut(BaseModel):
    """A cost center's figures, its descendants' included (depth 0 is a root)."""

    cost_center: str
    name: str
    parent: str | None
    depth: int
    accounts: list[AccountOut]
    total: FiguresOut

    @classmethod
    def of(cls, part: CenterReport) -> CenterOut:
        return cls(
            cost_center=part.center.code,
            name=part.center.name,
            parent=part.center.parent_code,
            depth=part.center.depth,
            accounts=[AccountOut.of(year) for year in part.accounts],
            total=FiguresOut.of(part.total),
        )


class BudgetReportOut(BaseModel):
    fiscal_year: int
    currency: str
    cost_centers: list[CenterOut]

    @classmethod
    def of(cls, report: BudgetReport) -> BudgetReportOut:
        centers = [CenterOut.of(part) for part in report.centers]
        return cls(fiscal_year=report.fiscal_year, currency=report.currency, cost_centers=centers)


class PoOnLineOut(BaseModel):
    model_config = _FROM_OBJECTS
    po_number: str
    cost_center: str
    title: str | None
    vendor: str | None
    status: str | None
    reserved_minor: int
    committed_minor: int
    relieved_minor: int
    released_minor: int
    actual_minor: int


class EntryOut(BaseModel):
    model_config = _FROM_OBJECTS
    entry_id: int
    kind: str
    cost_center: str
    reserved_minor: int
    committed_minor: int
    actual_minor: int
    reference: str | None
    note: str
    posted_by: str
    created_at: datetime


class LineDetailOut(BaseModel):
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    currency: str
    figures: FiguresOut
    purchase_orders: list[PoOnLineOut]
    other_entries: list[EntryOut]


class BurnDownPointOut(BaseModel):
    model_config = _FROM_OBJECTS
    period: int
    budget_cumulative_minor: int
    consumed_cumulative_minor: int
    remaining_minor: int


class CenterBurnDownOut(BaseModel):
    cost_center: str
    fiscal_year: int
    currency: str
    points: list[BurnDownPointOut]


class PoBurnStepOut(BaseModel):
    """One ledger entry of the PO; open = reserved + committed after it."""

    model_config = _FROM_OBJECTS
    entry_id: int
    at: datetime
    kind: str
    fiscal_year: int
    period: int
    open_change_minor: int
    actual_minor: int
    open_after_minor: int
    invoiced_after_minor: int
    reference: str | None
    note: str


class PoBurnDownOut(BaseModel):
    model_config = _FROM_OBJECTS
    po_number: str
    currency: str
    steps: list[PoBurnStepOut]


class CommitmentLineOut(BaseModel):
    """open_commitment = new + increased + moved - released - relieved."""

    model_config = _FROM_OBJECTS
    cost_center: str
    gl_account: str
    new_minor: int
    increased_minor: int
    moved_minor: int
    released_minor: int
    relieved_minor: int
    actual_minor: int
    open_commitment_minor: int
    open_reservation_minor: int


class CommitmentReportOut(BaseModel):
    fiscal_year: int
    period: int
    currency: str
    lines: list[CommitmentLineOut]
    total: CommitmentLineOut


class AlertOut(BaseModel):
    model_config = _FROM_OBJECTS
    alert_id: int
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    threshold_percent: int
    consumed_minor: int
    budget_minor: int
    currency: str
    raised_at: datetime
    notified_at: datetime | None


class ForecastOut(BaseModel):
    """forecast = actual + open commitment + projected + adjustment, projected being the
    ``method``'s projection of the spend not tied to a PO over the remaining periods (run rate
    x remaining periods for ``run_rate``); variance = budget - forecast (negative: heading over
    budget); forecast_low/high: the 80 % band."""

    model_config = _FROM_OBJECTS
    budget_minor: int
    actual_minor: int
    open_commitment_minor: int
    run_rate_minor: int
    remaining_periods: int
    projected_run_minor: int
    adjustment_minor: int
    forecast_minor: int
    forecast_low_minor: int
    forecast_high_minor: int
    variance_minor: int
    method: str
    method_reason: str


class ForecastLineOut(BaseModel):
    """A line's forecast and its backtest (null when too little history to hold any out)."""

    cost_center: str
    gl_account: str
    forecast: ForecastOut
    backtest: BacktestOut | None
    accuracy: str


class ForecastReportOut(BaseModel):
    fiscal_year: int
    today: date
    elapsed_periods: int
    currency: str
    lines: list[ForecastLineOut]
    total: ForecastOut


class UndeliveredOut(BaseModel):
    """A message (``what`` = message) or ticket update (``ticket_update``) that could not go out
    after its retries; the PO went on without it. ``key`` is its idempotency key."""

    model_config = _FROM_OBJECTS
    po_number: str
    po_status: str
    what: str
    recipient: str
    subject: str
    reason: str
    at: datetime
    key: str
