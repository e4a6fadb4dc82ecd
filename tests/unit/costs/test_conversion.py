"""Cost lines converted to the base currency at the rate of their charge date, and tax apart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.costs.conversion import (
    CONVERTED_QUANTUM,
    MissingRate,
    convert_amount,
    convert_lines,
    split_tax,
)
from domain.costs.cost_row import CostRow, FocusValue

SEPT_18 = datetime(2024, 9, 18, 22, tzinfo=UTC)
SEPT_1 = datetime(2024, 9, 1, tzinfo=UTC)


def _line(number: int, currency: str, billed: str, **more: FocusValue) -> CostRow:
    focus: dict[str, FocusValue] = {
        "BillingCurrency": currency,
        "BillingPeriodStart": SEPT_1,
        "ChargePeriodStart": SEPT_18,
        "ChargeCategory": "Usage",
        "BilledCost": Decimal(billed),
        "EffectiveCost": Decimal(billed),
    }
    focus.update(more)
    return CostRow(focus=focus, row_number=number)


class CountingRates:
    """A rate table that records every lookup, like a call to the ECB history would be."""

    def __init__(self, table: dict[tuple[str, date], tuple[Decimal, date]]) -> None:
        self.table = table
        self.calls: list[tuple[str, str, date]] = []

    def __call__(self, currency: str, base: str, on: date) -> tuple[Decimal, date]:
        self.calls.append((currency, base, on))
        return self.table[(currency, on)]


def test_a_line_is_converted_at_its_charge_date_rate_and_keeps_rate_and_rate_date() -> None:
    rates = {("USD", date(2024, 9, 18)): (Decimal("0.898473"), date(2024, 9, 18))}
    [line] = convert_lines([_line(7, "USD", "0.000305367", ListCost=None)], "EUR", rates)
    assert line.amounts["BilledCost"] == Decimal("0.0002743640")
    assert line.amounts["ListCost"] is None
    assert (line.rate, line.rate_date, line.charge_date) == (
        Decimal("0.898473"),
        date(2024, 9, 18),
        date(2024, 9, 18),
    )
    assert (line.row_number, line.currency, line.base_currency) == (7, "USD", "EUR")


def test_a_line_without_charge_period_takes_the_billing_period_start_rate() -> None:
    weekend = date(2024, 9, 1)
    rates = {("USD", weekend): (Decimal("0.9"), date(2024, 8, 30))}
    [line] = convert_lines([_line(1, "USD", "10", ChargePeriodStart=None)], "EUR", rates)
    assert (line.amounts["BilledCost"], line.rate_date) == (
        Decimal("9.0000000000"),
        date(2024, 8, 30),
    )


def test_a_line_in_the_base_currency_keeps_its_amounts_at_rate_one() -> None:
    [line] = convert_lines([_line(1, "EUR", "5.64902E-05")], "EUR", {})
    assert line.rate == 1
    assert line.rate_date == date(2024, 9, 18)
    assert line.amounts["BilledCost"] == Decimal("5.64902E-05")


def test_a_currency_without_a_rate_is_an_error_naming_currency_and_date() -> None:
    with pytest.raises(MissingRate, match="GBP->EUR for 2024-09-18"):
        convert_lines([_line(1, "GBP", "1")], "EUR", {})


def test_a_rate_source_that_fails_becomes_missing_rate() -> None:
    def no_rate(currency: str, base: str, on: date) -> tuple[Decimal, date]:
        raise LookupError(f"no ECB rate {currency}->{base} near {on}")

    with pytest.raises(MissingRate) as raised:
        convert_lines([_line(1, "XYZ", "1")], "EUR", no_rate)
    assert (raised.value.currency, raised.value.on) == ("XYZ", date(2024, 9, 18))


def test_one_rate_per_currency_and_date_is_looked_up_once_per_load() -> None:
    later = datetime(2024, 9, 19, tzinfo=UTC)
    rates = CountingRates(
        {
            ("USD", date(2024, 9, 18)): (Decimal("0.9"), date(2024, 9, 18)),
            ("USD", date(2024, 9, 19)): (Decimal("0.91"), date(2024, 9, 19)),
        }
    )
    rows = [_line(n, "USD", "1") for n in range(5)] + [
        _line(9, "USD", "1", ChargePeriodStart=later)
    ]
    converted = convert_lines(rows, "EUR", rates)
    assert rates.calls == [("USD", "EUR", date(2024, 9, 18)), ("USD", "EUR", date(2024, 9, 19))]
    assert converted[-1].amounts["BilledCost"] == Decimal("0.91")


AMOUNTS = st.decimals(min_value=-(10**9), max_value=10**9, places=9, allow_nan=False)
RATES = st.decimals(min_value=Decimal("0.000001"), max_value=10**4, places=6, allow_nan=False)


@given(st.lists(AMOUNTS, min_size=1, max_size=40), RATES)
def test_converting_then_summing_equals_summing_then_converting_within_the_quantum(
    amounts: list[Decimal], rate: Decimal
) -> None:
    rows = [_line(n, "USD", str(amount)) for n, amount in enumerate(amounts)]
    table = {("USD", date(2024, 9, 18)): (rate, date(2024, 9, 17))}
    converted = convert_lines(rows, "EUR", table)
    summed_after = sum((line.amounts["BilledCost"] or Decimal(0) for line in converted), Decimal(0))
    summed_before = convert_amount(sum(amounts, Decimal(0)), rate)
    # each line is off by at most half a quantum, the converted total by at most half another
    assert abs(summed_after - summed_before) <= CONVERTED_QUANTUM * (len(amounts) + 1) / 2
    assert all((line.rate, line.rate_date) == (rate, date(2024, 9, 17)) for line in converted)


def test_tax_lines_are_kept_apart_per_currency() -> None:
    rows = [
        _line(1, "USD", "100.25"),
        _line(2, "USD", "19.0475", ChargeCategory="Tax"),
        _line(3, "USD", "-5", ChargeCategory="Credit", EffectiveCost=None),
        _line(4, "EUR", "40", ChargeCategory="Purchase"),
        _line(5, "EUR", "7.6", ChargeCategory="Tax"),
    ]
    split = split_tax(rows)
    assert split["USD"].with_tax["BilledCost"] == Decimal("114.2975")
    assert split["USD"].without_tax["BilledCost"] == Decimal("95.25")
    assert split["USD"].without_tax["EffectiveCost"] == Decimal("100.25")
    assert split["EUR"].with_tax["BilledCost"] == Decimal("47.6")
    assert split["EUR"].without_tax["BilledCost"] == Decimal("40")
    assert split["EUR"].without_tax["ListCost"] == 0


def test_tax_sums_keep_every_digit_beyond_the_default_precision() -> None:
    rows = [_line(1, "USD", "123456789012345678.000000001"), _line(2, "USD", "0.000000001")]
    assert split_tax(rows)["USD"].without_tax["BilledCost"] == Decimal(
        "123456789012345678.000000002"
    )
