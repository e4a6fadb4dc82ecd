"""Recording a dated forecast adjustment, shared by the JSON API and the budget report's form:
who may, the base currency, and a clear 4xx for an unknown line."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import status
from sqlalchemy.orm import Session

from api.errors import Refused
from api.report_params import report_of
from api.schemas.forecasts import AdjustmentIn
from domain.catalog import Role
from models.forecasts.adjustments import (
    AdjustmentLine,
    NewAdjustment,
    delete_adjustment,
    record_adjustment,
)

# Finance and FinOps plan spend; only finance (and admins) take a plan back.
PLANNERS = (Role.FINANCE, Role.FINOPS, Role.ADMIN)
REMOVERS = (Role.FINANCE, Role.ADMIN)


def plan_adjustment(
    session: Session, body: AdjustmentIn, base_currency: str, by: str
) -> AdjustmentLine:
    """Stores ``body``; 422 ``currency_not_base`` unless it is in the base currency (as the
    forecast is), 404 naming an unknown cost center or GL account."""
    if body.currency.upper() != base_currency:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"an adjustment is in the base currency {base_currency}, not {body.currency}",
            rule="currency_not_base",
        )
    new = NewAdjustment(**body.model_dump(exclude={"currency"}), currency=base_currency)
    return report_of(lambda: record_adjustment(session, new, by, datetime.now(UTC)))


def remove_adjustment(session: Session, adjustment_id: int, by: str) -> None:
    """Deletes the adjustment; 404 ``unknown_adjustment`` when there is none with that id."""
    if not delete_adjustment(session, adjustment_id, by, datetime.now(UTC)):
        raise Refused(
            status.HTTP_404_NOT_FOUND,
            f"no forecast adjustment {adjustment_id}",
            rule="unknown_adjustment",
        )
