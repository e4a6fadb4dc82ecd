"""A PO's budget as its page shows it: per period, what it holds and what the line has left."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.decision_card import BudgetFigure
from domain.fiscal import FiscalPeriod
from domain.money import Money
from models import LedgerEntry
from models.budgets.alerts import lines_of_po
from models.budgets.postings import line_balance, po_period_sums


@dataclass(frozen=True)
class PeriodEffect:
    """One period of a PO: what it holds there, and the line's available before and after it."""

    period: FiscalPeriod
    reserved_minor: int
    committed_minor: int
    actual_minor: int
    available_after_minor: int

    @property
    def held_minor(self) -> int:
        return self.reserved_minor + self.committed_minor

    @property
    def available_before_minor(self) -> int:
        return self.available_after_minor + self.held_minor + self.actual_minor


@dataclass(frozen=True)
class PoBudget:
    cost_center: str
    gl_account: str
    currency: str
    periods: list[PeriodEffect]

    @property
    def over_budget(self) -> bool:
        return any(p.available_after_minor < 0 for p in self.periods)

    def figure(self) -> BudgetFigure:
        """The decision card's figure: the line's shortfall over the periods it is short in
        (negative), or else what its tightest period has left after this PO."""
        after = [p.available_after_minor for p in self.periods]
        short = sum(left for left in after if left < 0)
        left = short if short < 0 else min(after, default=0)
        return BudgetFigure(self.cost_center, self.gl_account, Money(left, self.currency))


def po_budget(session: Session, po_number: str) -> PoBudget | None:
    """The PO's budget lines and its effect on each; None before it touched a budget."""
    lines = lines_of_po(session, po_number)
    if lines is None:
        return None
    acct, periods = lines
    held = po_period_sums(session, po_number)
    currency = session.scalar(
        select(LedgerEntry.currency).where(LedgerEntry.po_number == po_number).limit(1)
    )
    effects = [
        PeriodEffect(
            period,
            *held.get(period, (0, 0, 0)),
            available_after_minor=line_balance(session, acct, period).available_minor,
        )
        for period in sorted(periods)
    ]
    return PoBudget(acct.cost_center, acct.gl_account, currency or "EUR", effects)
