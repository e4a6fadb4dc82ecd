from datetime import date

import pytest

from domain.fiscal import FiscalPeriod, fiscal_period, fiscal_year_periods, period_start


def test_a_calendar_fiscal_year_maps_months_to_periods() -> None:
    assert fiscal_period(date(2026, 1, 1), 1) == FiscalPeriod(2026, 1)
    assert fiscal_period(date(2026, 12, 31), 1) == FiscalPeriod(2026, 12)


def test_an_april_fiscal_year_is_named_after_the_year_it_ends_in() -> None:
    assert fiscal_period(date(2026, 3, 31), 4) == FiscalPeriod(2026, 12)
    assert fiscal_period(date(2026, 4, 1), 4) == FiscalPeriod(2027, 1)
    assert fiscal_period(date(2026, 11, 23), 4) == FiscalPeriod(2027, 8)


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_period_starts_on_a_day_that_maps_back_to_it(start_month: int) -> None:
    for period in fiscal_year_periods(2027):
        assert fiscal_period(period_start(period, start_month), start_month) == period


def test_a_start_month_outside_1_to_12_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.\.12"):
        fiscal_period(date(2026, 1, 1), 13)
