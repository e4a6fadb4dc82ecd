"""Opening a cost center with a first budget: the line for this month and the months after it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.fiscal import fiscal_period
from models import BudgetLine, CostCenter, GlAccount, User


def open_cost_center(
    session: Session,
    code: str,
    owner: User,
    gl_code: str,
    monthly_minor: int,
    *,
    months: int = 1,
    reserve_at: str = "creation",
    name: str | None = None,
) -> CostCenter:
    """A cost center owned by ``owner`` with ``monthly_minor`` EUR minor units on ``gl_code``
    for this month and the ``months - 1`` after it. Flushed, not committed."""
    gl = session.scalar(select(GlAccount).where(GlAccount.code == gl_code))
    if gl is None:
        raise LookupError(f"no GL account {gl_code}")
    center = CostCenter(code=code, name=name or code, owner_id=owner.id, reserve_at=reserve_at)
    session.add(center)
    session.flush()
    today = date.today()
    for offset in range(months):
        index = today.month - 1 + offset
        period = fiscal_period(date(today.year + index // 12, index % 12 + 1, 1), 1)
        session.add(
            BudgetLine(
                cost_center_id=center.id,
                gl_account_id=gl.id,
                fiscal_year=period.fiscal_year,
                period=period.period,
                amount_minor=monthly_minor,
                currency="EUR",
                created_by_id=owner.id,
            )
        )
    session.flush()
    return center
