"""Each budget line's monthly history of actual spend not tied to a PO, from the ledger: what
a line's forecast is fitted on (a PO's spend is in its open commitment already)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from domain.budget_forecast import PERIODS_PER_YEAR
from models import CostCenter, GlAccount, LedgerEntry

YEARS_OF_HISTORY = 3  # enough for two seasonal cycles and a trend, little enough to stay current


def monthly_history(
    session: Session, fiscal_year: int, elapsed: int, center_ids: list[int]
) -> dict[tuple[str, str], list[int]]:
    """Per (cost center, GL account): the actual not tied to a PO in each period, oldest first,
    from the first period with any (at the latest the year's first) to the last begun in
    ``fiscal_year`` (its ``elapsed``-th), months without any as 0."""
    first_year = fiscal_year - YEARS_OF_HISTORY
    in_range = or_(
        and_(LedgerEntry.fiscal_year >= first_year, LedgerEntry.fiscal_year < fiscal_year),
        and_(LedgerEntry.fiscal_year == fiscal_year, LedgerEntry.period <= elapsed),
    )
    rows = session.execute(
        select(
            CostCenter.code,
            GlAccount.code,
            LedgerEntry.fiscal_year,
            LedgerEntry.period,
            func.sum(LedgerEntry.actual_delta_minor),
        )
        .join(CostCenter, CostCenter.id == LedgerEntry.cost_center_id)
        .join(GlAccount, GlAccount.id == LedgerEntry.gl_account_id)
        .where(LedgerEntry.po_number.is_(None), LedgerEntry.cost_center_id.in_(center_ids))
        .where(in_range)
        .group_by(CostCenter.code, GlAccount.code, LedgerEntry.fiscal_year, LedgerEntry.period)
    ).all()
    months: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for center, gl, year, period, amount in rows:
        months[(center, gl)][_index(year, period)] = int(amount)
    end = _index(fiscal_year, elapsed)
    return {
        line: [amounts.get(i, 0) for i in range(min(min(amounts), _index(fiscal_year, 1)), end + 1)]
        for line, amounts in months.items()
    }


def _index(fiscal_year: int, period: int) -> int:
    return fiscal_year * PERIODS_PER_YEAR + period - 1
