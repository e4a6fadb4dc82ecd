"""What the budget report's cost-center page shows of forecast adjustments: the year's
adjustments of the center and below, and whether the reader may plan or delete one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.forecast_input import PLANNERS, REMOVERS
from models import GlAccount
from models.budgets.report_scope import centers_in_scope
from models.forecasts.adjustments import adjustments_of_year
from models.forecasts.records import AdjustmentKind
from models.people.records import User


def adjustments_context(
    session: Session, user: User, fiscal_year: int, cost_center: str
) -> dict[str, Any]:
    """The page's ``adjustments``, ``gl_accounts`` for the form, ``kinds``, ``can_plan`` and
    ``can_remove``; UnknownCostCenter for an unknown center."""
    ids = [center.id for center in centers_in_scope(session, cost_center)]
    return {
        "adjustments": adjustments_of_year(session, fiscal_year, ids),
        "gl_accounts": session.scalars(select(GlAccount.code).order_by(GlAccount.code)).all(),
        "kinds": list(AdjustmentKind),
        "can_plan": bool(user.role_names & set(PLANNERS)),
        "can_remove": bool(user.role_names & set(REMOVERS)),
    }
