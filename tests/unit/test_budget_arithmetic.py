"""Budget arithmetic: spreading a PO over fiscal periods by days, invoice relief, decreases,
reshaping a commitment, and alert thresholds. Pure functions, no database."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.budget import LineBalance, crossed, reduction, relief, reshape, spread
from domain.fiscal import FiscalPeriod, fiscal_period

JAN, FEB, MAR, APR = (FiscalPeriod(2026, n) for n in (1, 2, 3, 4))
PROPERTIES = settings(max_examples=200, deadline=None, database=None)


def test_a_spread_splits_by_days_and_adds_up_exactly() -> None:
    # 31 days of January, 28 of February: 59 days.
    assert spread(5_900, date(2026, 1, 1), date(2026, 2, 28), 1) == {JAN: 3_100, FEB: 2_800}
    # 100 * 31 / 59 = 52.54 and 100 * 28 / 59 = 47.46: the larger remainder takes the cent.
    assert spread(100, date(2026, 1, 1), date(2026, 2, 28), 1) == {JAN: 53, FEB: 47}


def test_a_one_day_service_period_puts_everything_on_its_period() -> None:
    day = date(2026, 5, 20)
    assert spread(12_345, day, day, 4) == {fiscal_period(day, 4): 12_345}


def test_an_april_fiscal_year_splits_march_and_april_across_two_fiscal_years() -> None:
    shares = spread(3_000, date(2026, 3, 17), date(2026, 4, 15), 4)
    assert shares == {FiscalPeriod(2026, 12): 1_500, FiscalPeriod(2027, 1): 1_500}


def test_a_tie_gives_the_odd_unit_to_the_earlier_period() -> None:
    shares = spread(1, date(2026, 3, 17), date(2026, 4, 15), 4)
    assert shares == {FiscalPeriod(2026, 12): 1, FiscalPeriod(2027, 1): 0}


def test_a_calendar_fiscal_year_is_crossed_at_new_year() -> None:
    shares = spread(6_200, date(2026, 12, 1), date(2027, 1, 31), 1)
    assert shares == {FiscalPeriod(2026, 12): 3_100, FiscalPeriod(2027, 1): 3_100}


def test_a_year_long_service_period_touches_twelve_periods_of_two_fiscal_years() -> None:
    shares = spread(365_000, date(2026, 7, 1), date(2027, 6, 30), 4)
    assert len(shares) == 12
    assert shares[FiscalPeriod(2027, 4)] == 31_000  # July 2026
    assert shares[FiscalPeriod(2028, 3)] == 30_000  # June 2027
    assert sum(shares.values()) == 365_000


def test_nothing_to_spread_is_zero_on_every_period() -> None:
    assert spread(0, date(2026, 1, 10), date(2026, 2, 10), 1) == {JAN: 0, FEB: 0}


def test_a_service_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot end before it starts"):
        spread(100, date(2026, 2, 1), date(2026, 1, 31), 1)


def test_relief_takes_the_invoice_period_first_then_the_earliest() -> None:
    open_by_period = {JAN: 100, FEB: 100, MAR: 100}
    assert relief(open_by_period, 150, FEB) == {FEB: 100, JAN: 50}
    assert relief(open_by_period, 250, MAR) == {MAR: 100, JAN: 100, FEB: 50}


def test_relief_of_an_invoice_outside_the_commitment_starts_at_the_earliest_period() -> None:
    assert relief({FEB: 100, MAR: 100}, 120, APR) == {FEB: 100, MAR: 20}


def test_relief_never_takes_more_than_is_open() -> None:
    assert relief({JAN: 100, FEB: 40}, 1_000, FEB) == {FEB: 40, JAN: 100}
    assert relief({JAN: 0, FEB: -5}, 50, JAN) == {}


def test_a_decrease_comes_off_the_latest_periods_first() -> None:
    assert reduction({JAN: 100, FEB: 100, MAR: 50}, 120) == {MAR: 50, FEB: 70}
    assert reduction({JAN: 100, FEB: 100}, 500) == {FEB: 100, JAN: 100}
    assert reduction({JAN: 100}, 0) == {}


def test_reshape_lists_the_moves_from_current_to_target_and_nets_to_zero() -> None:
    moves = reshape({JAN: 100, FEB: 100}, {FEB: 50, MAR: 150})
    assert moves == {JAN: -100, FEB: -50, MAR: 150}
    assert sum(moves.values()) == 0
    assert reshape({JAN: 10, FEB: 20}, {FEB: 20, JAN: 10}) == {}


def test_a_line_balance_is_budget_less_reserved_committed_and_actual() -> None:
    balance = LineBalance(1_000, 100, 200, 300)
    assert balance.consumed_minor == 600
    assert balance.available_minor == 400
    assert balance.percent_consumed() == 60
    assert LineBalance(0, 0, 0, 0).percent_consumed() is None


def test_thresholds_are_crossed_when_consumption_reaches_them() -> None:
    assert crossed(LineBalance(1_000, 799, 0, 0), [80, 100]) == []
    assert crossed(LineBalance(1_000, 400, 300, 100), [100, 80]) == [80]
    assert crossed(LineBalance(1_000, 0, 600, 400), [80, 100]) == [80, 100]
    assert crossed(LineBalance(1_000, 0, 0, 1_500), [80, 100]) == [80, 100]


def test_a_line_without_budget_crosses_every_threshold_once_it_consumes_anything() -> None:
    assert crossed(LineBalance(0, 0, 0, 0), [80, 100]) == []
    assert crossed(LineBalance(0, 1, 0, 0), [100, 80]) == [80, 100]


def _days_by_period(start: date, end: date, start_month: int) -> Counter[FiscalPeriod]:
    """The oracle: count the days one by one."""
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return Counter(fiscal_period(day, start_month) for day in days)


service_periods = st.tuples(
    st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(0, 800)
).map(lambda drawn: (drawn[0], drawn[0] + timedelta(days=drawn[1])))


@PROPERTIES
@given(
    amount=st.integers(0, 10**12),
    service=service_periods,
    start_month=st.integers(1, 12),
)
def test_spread_is_exact_non_negative_and_proportional_to_days(
    amount: int, service: tuple[date, date], start_month: int
) -> None:
    start, end = service
    shares = spread(amount, start, end, start_month)
    days = _days_by_period(start, end, start_month)
    total_days = sum(days.values())
    assert set(shares) == set(days)
    assert sum(shares.values()) == amount
    for period, part in shares.items():
        assert part >= 0
        # |part - amount * days / total| < 1, in integers
        assert abs(part * total_days - amount * days[period]) < total_days


open_amounts = st.dictionaries(
    st.builds(FiscalPeriod, st.integers(2026, 2028), st.integers(1, 12)),
    st.integers(-100, 10_000),
    max_size=12,
)


@PROPERTIES
@given(open_by_period=open_amounts, amount=st.integers(0, 50_000), month=st.integers(1, 12))
def test_relief_and_reduction_never_take_more_than_is_open(
    open_by_period: dict[FiscalPeriod, int], amount: int, month: int
) -> None:
    open_total = sum(max(part, 0) for part in open_by_period.values())
    for taken in (
        relief(open_by_period, amount, FiscalPeriod(2027, month)),
        reduction(open_by_period, amount),
    ):
        assert sum(taken.values()) == min(amount, open_total)
        assert all(0 < part <= open_by_period[period] for period, part in taken.items())
