"""Allocating a period's cost by the allocation model in force, and the driver tables its
shared keys read. A run is the period's next version (earlier runs stay, superseded), so a
re-run after a virtual tag is added or a driver corrected leaves the earlier result beside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from models.budgets.org import CostCenter, ItService
from models.costs.allocating import allocate
from models.costs.allocation_records import AllocationDriver, AllocationRun
from models.costs.document_store import document_in_force
from models.people.records import User
from services.costs.accounts import period_start
from services.costs.refusals import CostRefused


def allocation_period(period: str | date) -> date:
    """``YYYY-MM`` (or a date in the month) as the month's first day; refused otherwise."""
    if isinstance(period, date):
        return period.replace(day=1)
    return period_start(period).date()


def run_allocation(
    session: Session,
    period: str | date,
    by_user: User,
    at: datetime | None = None,
    *,
    start_month: int,
) -> AllocationRun:
    """Allocate ``period`` by the allocation model in force at ``at`` (now by default) as the
    period's next run, by ``by_user``; its ledger pools read the month's fiscal period on the
    calendar starting in ``start_month``. Refused when no model is in force. The caller
    commits."""
    month = allocation_period(period)
    model = document_in_force(session, DocumentKind.ALLOCATION_MODEL, at or datetime.now(UTC))
    if model is None:
        raise CostRefused("no_allocation_model", "no allocation model is in force")
    return allocate(session, month, model, by_user.id, start_month=start_month)


def record_drivers(
    session: Session,
    period: str | date,
    driver: str,
    quantities: Mapping[str, str | Decimal],
    by_user: User,
) -> int:
    """Replace the driver table ``driver`` of ``period``: a quantity (not negative) per target,
    a cost center's code or an IT service's code; refused, storing nothing, on an unknown
    target or a bad quantity. The rows stored."""
    month = allocation_period(period)
    if not driver.strip() or len(driver) > 80:
        raise CostRefused("invalid_request", "a driver is named, in at most 80 characters")
    known = set(session.scalars(select(CostCenter.code))) | set(
        session.scalars(select(ItService.code))
    )
    unknown = sorted(set(quantities) - known)
    if unknown:
        raise CostRefused("unknown_cost_center", f"no cost center or IT service {unknown[0]!r}")
    parsed = {target: _quantity(target, value) for target, value in quantities.items()}
    session.execute(
        delete(AllocationDriver).where(
            AllocationDriver.period == month, AllocationDriver.driver == driver
        )
    )
    session.add_all(
        AllocationDriver(
            period=month, driver=driver, target=target, quantity=quantity, uploaded_by_id=by_user.id
        )
        for target, quantity in parsed.items()
    )
    session.flush()
    return len(parsed)


def _quantity(target: str, value: str | Decimal) -> Decimal:
    try:
        quantity = Decimal(value)
    except InvalidOperation as error:
        raise CostRefused("invalid_request", f"{target}: {value!r} is not a number") from error
    if not quantity.is_finite() or quantity < 0:
        raise CostRefused("invalid_request", f"{target}: a quantity is a number, not negative")
    return quantity
