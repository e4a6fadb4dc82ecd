"""A small organisation for budget tests: a finance user, two cost centers and a GL account of
their own (unique codes, so tests that commit do not meet), budgeted for two fiscal years
(FY2031 and FY2032 unless told; a test that reads a whole year takes a year of its own)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.fiscal import FiscalPeriod
from domain.purchase_order import BudgetMovement
from models import BudgetLine, CostCenter, GlAccount, User
from models.budgets.cost_centers import open_cost_center
from models.budgets.versions import LineRef
from models.people.accounts import find_user, upsert_user

YEAR = 2031
MONTHLY = 1_000_000  # 10,000.00 EUR a period


@dataclass(frozen=True)
class BudgetOrg:
    finance: User
    source: str  # cost center code
    target: str
    gl: str
    year: int = YEAR

    def line(self, center: str, period: int, year: int | None = None) -> LineRef:
        return LineRef(center, self.gl, FiscalPeriod(year or self.year, period))

    def movement(self, po_number: str, amount: int, start: date, days: int = 1) -> BudgetMovement:
        """A PO on the source cost center over ``days`` days from ``start``."""
        return BudgetMovement(
            po_number=po_number,
            revision=1,
            cost_center=self.source,
            gl_account=self.gl,
            service_start=start,
            service_end=start + timedelta(days=days - 1),
            amount_base_minor=amount,
            base_currency="EUR",
            idempotency_key=f"{po_number}:{uuid.uuid4().hex[:6]}",
        )


def budget_org(
    session: Session, monthly: int = MONTHLY, target_monthly: int = 0, year: int = YEAR
) -> BudgetOrg:
    """Cost centers ``source`` (``monthly`` a period) and ``target`` (``target_monthly``, no
    lines when 0) on one GL account, for every period of ``year`` and the next."""
    tag = uuid.uuid4().hex[:6]
    finance = upsert_user(session, f"finance-{tag}", roles=[Role.FINANCE])
    gl = GlAccount(code=f"GL-{tag}", name="Cloud services")
    session.add(gl)
    centers = {}
    for name in ("SRC", "DST"):
        centers[name] = CostCenter(code=f"{name}-{tag}", name=name, owner_id=finance.id)
        session.add(centers[name])
    session.flush()
    for name, amount in (("SRC", monthly), ("DST", target_monthly)):
        if amount:
            _budget(session, centers[name], gl, finance, amount, year)
    return BudgetOrg(finance, centers["SRC"].code, centers["DST"].code, gl.code, year)


def _budget(
    session: Session, center: CostCenter, gl: GlAccount, author: User, amount: int, first: int
) -> None:
    for year in (first, first + 1):
        for period in range(1, 13):
            session.add(
                BudgetLine(
                    cost_center_id=center.id,
                    gl_account_id=gl.id,
                    fiscal_year=year,
                    period=period,
                    version=1,
                    amount_minor=amount,
                    currency="EUR",
                    created_by_id=author.id,
                )
            )
    session.flush()


def demo_cost_center(
    session: Session,
    gl_code: str,
    monthly: int,
    *,
    months: int = 1,
    reserve_at: str = "creation",
    owner: str = "priya",
) -> str:
    """A cost center of its own in the demo organisation, owned by ``owner``, with ``monthly``
    on ``gl_code`` for this month and the ``months - 1`` after it; its code. Flushed, not
    committed."""
    person = find_user(session, owner)
    assert person is not None
    code = f"CC-{reserve_at[:3].upper()}-{uuid.uuid4().hex[:5]}"
    open_cost_center(session, code, person, gl_code, monthly, months=months, reserve_at=reserve_at)
    return code
