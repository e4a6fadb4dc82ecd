"""The ledger rules of a PO's commitment: whether a reservation goes over budget, how a
shortfall is told, how a commitment takes over a reservation, and how a change order moves
and reshapes the open commitment. Pure functions; ``models.budgets.commitments`` reads the balances
these need and posts what they decide."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from domain.budget import PeriodAmounts, reduction, reshape, spread
from domain.fiscal import FiscalPeriod
from domain.money import Money
from domain.purchase_order import BudgetMovement


@dataclass(frozen=True)
class PeriodMove:
    """One change to a budget line's period: deltas of reserved and committed, minor units."""

    kind: str  # reserve, commit, release, adjust
    period: FiscalPeriod
    reserved: int = 0
    committed: int = 0
    note: str = ""


@dataclass(frozen=True)
class Shortfall:
    """A period that has less available than a movement asks of it."""

    period: FiscalPeriod
    available_minor: int
    asked_minor: int


@dataclass(frozen=True)
class ReservationDecision:
    """The over-budget decision: the first short period if any, what is available where the
    answer looks (the short period, else the first), and whether the amount may be held."""

    shortfall: Shortfall | None
    available_minor: int
    allowed: bool


def schedule(movement: BudgetMovement, start_month: int) -> PeriodAmounts:
    """The movement's amount over the fiscal periods of its service period."""
    return spread(
        movement.amount_base_minor, movement.service_start, movement.last_day(), start_month
    )


def decide_reservation(
    wanted: Mapping[FiscalPeriod, int],
    available: Mapping[FiscalPeriod, int],
    allow_over_budget: bool,
) -> ReservationDecision:
    """Over budget when any period wants more than it has available; then the amount is held
    only if the policy lets the PO go over budget."""
    short = [period for period in sorted(wanted) if wanted[period] > available[period]]
    focus = short[0] if short else min(wanted)
    shortfall = Shortfall(focus, available[focus], wanted[focus]) if short else None
    return ReservationDecision(shortfall, available[focus], not short or allow_over_budget)


def first_overdrawn(
    added: Mapping[FiscalPeriod, int], available: Mapping[FiscalPeriod, int]
) -> Shortfall | None:
    """The first period that ``added`` would take below zero; periods only relieved are never
    overdrawn (``available`` need hold only the periods that receive more)."""
    for period, amount in sorted(added.items()):
        if amount > 0 and available[period] - amount < 0:
            return Shortfall(period, available[period], amount)
    return None


def shortfall_reason(shortfall: Shortfall, currency: str, cost_center: str, gl_account: str) -> str:
    """The shortfall in words, naming the line, the period, what is available and what is asked."""
    period = shortfall.period
    return (
        f"insufficient budget: {Money(shortfall.available_minor, currency)} available on "
        f"{cost_center}/{gl_account} FY{period.fiscal_year} period "
        f"{period.period}, {Money(shortfall.asked_minor, currency)} asked"
    )


def commitment_moves(
    wanted: Mapping[FiscalPeriod, int], reserved: Mapping[FiscalPeriod, int]
) -> list[PeriodMove]:
    """Commit ``wanted`` and release what the PO held reserved, period by period: the
    commitment takes over the reservation."""
    return [
        PeriodMove("commit", p, reserved=-reserved.get(p, 0), committed=wanted.get(p, 0))
        for p in sorted(set(wanted) | set(reserved))
    ]


def change_order_moves(
    movement: BudgetMovement,
    reserved: Mapping[FiscalPeriod, int],
    committed: Mapping[FiscalPeriod, int],
    start_month: int,
) -> list[PeriodMove]:
    """Move the commitment by the change only: an increase commits the delta (taking over its
    reservation), a decrease releases the difference from the latest periods. Then the open
    commitment is reshaped, net zero, over the service period from ``as_of`` on; a change of
    dates alone (a delay) moves the commitment between periods and nothing else."""
    change = movement.change_minor
    if change > 0:
        increase = schedule(replace(movement, amount_base_minor=change), start_month)
        moves = commitment_moves(increase, reserved)
    else:
        moves = [
            PeriodMove("release", p, committed=-amount, note="change order decrease")
            for p, amount in sorted(reduction(committed, -change).items())
        ]
    open_after = dict(committed)
    for move in moves:
        open_after[move.period] = open_after.get(move.period, 0) + move.committed
    last = movement.last_day()
    first = min(max(movement.service_start, movement.as_of or movement.service_start), last)
    target = spread(sum(open_after.values()), first, last, start_month)
    return moves + [
        PeriodMove("adjust", p, committed=amount, note="commitment moved")
        for p, amount in sorted(reshape(open_after, target).items())
    ]
