"""The ledger rules of a PO's commitment, without a database: the over-budget decision, the
shortfall's wording, a commitment taking over its reservation, and a change order's moves."""

from __future__ import annotations

from datetime import date

from domain.commitments import (
    PeriodMove,
    Shortfall,
    change_order_moves,
    commitment_moves,
    decide_reservation,
    first_overdrawn,
    shortfall_reason,
)
from domain.fiscal import FiscalPeriod
from domain.purchase_order import BudgetMovement

JAN, FEB, MAR = (FiscalPeriod(2026, n) for n in (1, 2, 3))


def _movement(**changes: object) -> BudgetMovement:
    fields: dict[str, object] = {
        "po_number": "PO-1",
        "revision": 2,
        "cost_center": "CC-IT",
        "gl_account": "6100",
        "service_start": date(2026, 1, 1),
        "service_end": date(2026, 3, 31),
        "amount_base_minor": 0,
        "base_currency": "EUR",
        "idempotency_key": "po-1:change:2",
    }
    return BudgetMovement(**(fields | changes))  # type: ignore[arg-type]


def test_a_reservation_within_every_period_is_held_and_looks_at_the_first_period() -> None:
    decision = decide_reservation({JAN: 100, FEB: 100}, {JAN: 500, FEB: 100}, False)
    assert decision.shortfall is None
    assert decision.allowed
    assert decision.available_minor == 500


def test_the_first_short_period_is_named_and_nothing_is_held_unless_over_budget_is_allowed() -> (
    None
):
    wanted, available = {JAN: 100, FEB: 300, MAR: 300}, {JAN: 500, FEB: 200, MAR: 0}
    refused = decide_reservation(wanted, available, False)
    assert refused.shortfall == Shortfall(FEB, 200, 300)
    assert refused.available_minor == 200
    assert not refused.allowed
    assert decide_reservation(wanted, available, True).allowed


def test_a_shortfall_names_the_line_the_period_and_both_amounts() -> None:
    reason = shortfall_reason(Shortfall(FiscalPeriod(2027, 4), 12_345, 50_000), "EUR", "CC", "61")
    assert reason == (
        "insufficient budget: 123.45 EUR available on CC/61 FY2027 period 4, 500.00 EUR asked"
    )


def test_only_a_period_that_receives_more_than_it_has_is_overdrawn() -> None:
    assert first_overdrawn({JAN: -500, FEB: 100}, {FEB: 100}) is None
    assert first_overdrawn({JAN: 50, FEB: 150, MAR: 900}, {JAN: 50, FEB: 100, MAR: 0}) == (
        Shortfall(FEB, 100, 150)
    )


def test_a_commitment_takes_over_the_reservation_period_by_period() -> None:
    assert commitment_moves({JAN: 300, FEB: 200}, {JAN: 300, MAR: 40}) == [
        PeriodMove("commit", JAN, reserved=-300, committed=300),
        PeriodMove("commit", FEB, reserved=0, committed=200),
        PeriodMove("commit", MAR, reserved=-40, committed=0),
    ]


def test_an_increase_commits_the_delta_and_reshapes_nothing_when_already_in_shape() -> None:
    # 90 days: January 31, February 28, March 31; 9,000 spread as 3,100 / 2,800 / 3,100.
    committed = {JAN: 3_100, FEB: 2_800, MAR: 3_100}
    movement = _movement(amount_base_minor=18_000, change_minor=9_000)
    moves = change_order_moves(movement, {JAN: 3_100, FEB: 2_800, MAR: 3_100}, committed, 1)
    assert moves == [
        PeriodMove("commit", JAN, reserved=-3_100, committed=3_100),
        PeriodMove("commit", FEB, reserved=-2_800, committed=2_800),
        PeriodMove("commit", MAR, reserved=-3_100, committed=3_100),
    ]


def test_a_decrease_releases_from_the_latest_period_then_spreads_what_is_left() -> None:
    committed = {JAN: 3_100, FEB: 2_800, MAR: 3_100}
    movement = _movement(amount_base_minor=4_500, change_minor=-4_500)
    moves = change_order_moves(movement, {}, committed, 1)
    assert moves[:2] == [
        PeriodMove("release", FEB, committed=-1_400, note="change order decrease"),
        PeriodMove("release", MAR, committed=-3_100, note="change order decrease"),
    ]
    # 4,500 left over 90 days is 1,550 / 1,400 / 1,550: January gives 1,550 to March.
    assert moves[2:] == [
        PeriodMove("adjust", JAN, committed=-1_550, note="commitment moved"),
        PeriodMove("adjust", MAR, committed=1_550, note="commitment moved"),
    ]


def test_a_delay_only_moves_the_commitment_between_periods_net_zero() -> None:
    committed = {JAN: 3_100, FEB: 2_800, MAR: 3_100}
    movement = _movement(as_of=date(2026, 3, 1), amount_base_minor=9_000)
    moves = change_order_moves(movement, {}, committed, 1)
    assert moves == [
        PeriodMove("adjust", JAN, committed=-3_100, note="commitment moved"),
        PeriodMove("adjust", FEB, committed=-2_800, note="commitment moved"),
        PeriodMove("adjust", MAR, committed=5_900, note="commitment moved"),
    ]
    assert sum(move.committed for move in moves) == 0
