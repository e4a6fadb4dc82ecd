"""Recording, listing and deleting dated forecast adjustments, and reading them per line for a
forecast."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.forecast_method import DatedAdjustment
from models import CostCenter, GlAccount
from models.audit.trail import append_audit_entry
from models.budgets.report_scope import UnknownCostCenter
from models.forecasts.records import AdjustmentKind, ForecastAdjustment


class UnknownGlAccount(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no GL account {code}")


@dataclass(frozen=True)
class AdjustmentLine:
    """A recorded adjustment as the API and the pages show it."""

    adjustment_id: int
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    amount_minor: int
    currency: str
    kind: AdjustmentKind
    note: str
    created_by: str


@dataclass(frozen=True)
class NewAdjustment:
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    amount_minor: int
    currency: str
    kind: AdjustmentKind
    note: str


def record_adjustment(
    session: Session, new: NewAdjustment, created_by: str, at: datetime
) -> AdjustmentLine:
    """Stores ``new`` on its line, in the audit trail too; UnknownCostCenter or UnknownGlAccount
    when a code is not known. The caller has checked the period (1..12) and the currency."""
    center = session.scalar(select(CostCenter.id).where(CostCenter.code == new.cost_center))
    if center is None:
        raise UnknownCostCenter(new.cost_center)
    gl = session.scalar(select(GlAccount.id).where(GlAccount.code == new.gl_account))
    if gl is None:
        raise UnknownGlAccount(new.gl_account)
    row = ForecastAdjustment(
        cost_center_id=center,
        gl_account_id=gl,
        fiscal_year=new.fiscal_year,
        period=new.period,
        amount_minor=new.amount_minor,
        currency=new.currency,
        kind=new.kind,
        note=new.note,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    line = AdjustmentLine(row.id, new.cost_center, new.gl_account, *_figures(row))
    _audit(session, line, created_by, at, "planned")
    return line


def adjustments_of_year(
    session: Session, fiscal_year: int, center_ids: Iterable[int] | None = None
) -> list[AdjustmentLine]:
    """The year's adjustments by cost center, GL account and period; only ``center_ids``'
    when given."""
    query = (
        select(ForecastAdjustment, CostCenter.code, GlAccount.code)
        .join(CostCenter, CostCenter.id == ForecastAdjustment.cost_center_id)
        .join(GlAccount, GlAccount.id == ForecastAdjustment.gl_account_id)
        .where(ForecastAdjustment.fiscal_year == fiscal_year)
        .order_by(CostCenter.code, GlAccount.code, ForecastAdjustment.period, ForecastAdjustment.id)
    )
    if center_ids is not None:
        query = query.where(ForecastAdjustment.cost_center_id.in_(list(center_ids)))
    return [
        AdjustmentLine(row.id, center, gl, *_figures(row))
        for row, center, gl in session.execute(query).all()
    ]


def delete_adjustment(session: Session, adjustment_id: int, by: str, at: datetime) -> bool:
    """Deletes the adjustment, the audit trail keeping what it was; False when there is none
    with that id."""
    row = session.get(ForecastAdjustment, adjustment_id)
    if row is None:
        return False
    center = session.get_one(CostCenter, row.cost_center_id).code
    gl = session.get_one(GlAccount, row.gl_account_id).code
    _audit(session, AdjustmentLine(row.id, center, gl, *_figures(row)), by, at, "deleted")
    session.delete(row)
    session.flush()
    return True


def _audit(session: Session, line: AdjustmentLine, by: str, at: datetime, what: str) -> None:
    figures = {
        "cost_center": line.cost_center,
        "gl_account": line.gl_account,
        "fiscal_year": line.fiscal_year,
        "period": line.period,
        "amount_minor": line.amount_minor,
        "currency": line.currency,
        "kind": str(line.kind),
        "note": line.note,
    }
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by,
            action=f"forecast_adjustment.{what}",
            entity_type="forecast_adjustment",
            entity_id=f"forecast adjustment {line.adjustment_id}",
            idempotency_key=f"forecast-adjustment:{line.adjustment_id}:{what}",
            before=figures if what == "deleted" else None,
            after=figures if what == "planned" else None,
        ),
    )


def by_line(lines: Iterable[AdjustmentLine]) -> dict[tuple[str, str], list[DatedAdjustment]]:
    """The adjustments per (cost center, GL account), as the forecast arithmetic takes them."""
    grouped: dict[tuple[str, str], list[DatedAdjustment]] = defaultdict(list)
    for line in lines:
        grouped[(line.cost_center, line.gl_account)].append(
            DatedAdjustment(line.fiscal_year, line.period, line.amount_minor)
        )
    return grouped


def _figures(
    row: ForecastAdjustment,
) -> tuple[int, int, int, str, AdjustmentKind, str, str]:
    return (
        row.fiscal_year,
        row.period,
        row.amount_minor,
        row.currency,
        AdjustmentKind(row.kind),
        row.note,
        row.created_by,
    )
