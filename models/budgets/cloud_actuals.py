"""Cloud actuals: the ``actual`` ledger entries booked from loaded cost data (keyed
``cost-load:<load>:...``, see models/costs/actuals.py), told apart from the invoices booked
against POs so the budget reports can show both next to the commitments."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import FromClause, func, select
from sqlalchemy.orm import Session

from models import LedgerEntry
from models.budgets.report_scope import hierarchy

# Every entry a cost load books or reverses carries this prefix in its idempotency key.
CLOUD_ACTUALS_KEY = "cost-load:"

Line = tuple[int, int, int]  # cost_center_id, gl_account_id, period


def cloud_actuals(
    session: Session, fiscal_year: int, center_ids: Iterable[int], *, rolled_up: bool = True
) -> dict[Line, int]:
    """Per (cost center, GL, period) of the year: the cloud actuals of the center and, when
    ``rolled_up``, of all its descendants; lines with none are left out."""
    ids = list(center_ids)
    entries = (
        select(
            LedgerEntry.cost_center_id,
            LedgerEntry.gl_account_id,
            LedgerEntry.period,
            LedgerEntry.actual_delta_minor,
        )
        .where(
            LedgerEntry.fiscal_year == fiscal_year,
            LedgerEntry.kind == "actual",
            LedgerEntry.idempotency_key.startswith(CLOUD_ACTUALS_KEY, autoescape=True),
        )
        .subquery("cloud")
    )
    source: FromClause = entries
    center = entries.c.cost_center_id
    if rolled_up:
        tree = hierarchy()
        center = tree.c.ancestor_id
        source = entries.join(tree, tree.c.descendant_id == entries.c.cost_center_id)
    rows = session.execute(
        select(
            center,
            entries.c.gl_account_id,
            entries.c.period,
            func.sum(entries.c.actual_delta_minor),
        )
        .select_from(source)
        .where(center.in_(ids))
        .group_by(center, entries.c.gl_account_id, entries.c.period)
    ).all()
    return {(c, gl, period): int(amount) for c, gl, period, amount in rows if amount}
