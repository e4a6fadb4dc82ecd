from decimal import Decimal

import pytest

from domain.money import CurrencyError, Money, convert, minor_digits


def test_amounts_are_kept_in_minor_units_of_their_currency() -> None:
    assert Money.parse("1234.50", "EUR") == Money(123450, "EUR")
    assert Money.parse("1500", "JPY") == Money(1500, "JPY")
    assert Money.parse("1.234", "KWD") == Money(1234, "KWD")


def test_an_amount_with_more_decimals_than_the_currency_has_is_refused() -> None:
    with pytest.raises(ValueError, match="more decimals than EUR allows"):
        Money.parse("10.005", "EUR")
    with pytest.raises(ValueError, match="JPY"):
        Money.parse("10.5", "JPY")


def test_money_refuses_floats_and_bad_currency_codes() -> None:
    with pytest.raises(TypeError):
        Money(10.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(CurrencyError):
        Money(100, "eur")
    with pytest.raises(CurrencyError):
        Money(100, "EURO")


def test_adding_different_currencies_is_refused() -> None:
    assert Money(100, "EUR") + Money(250, "EUR") == Money(350, "EUR")
    with pytest.raises(CurrencyError, match="EUR with USD"):
        _ = Money(100, "EUR") + Money(100, "USD")


def test_conversion_rounds_half_to_even_at_the_target_minor_unit() -> None:
    # 0.05 USD at 0.5 EUR/USD is 0.025 EUR: half-even rounds to 0.02, not 0.03.
    assert convert(Money(5, "USD"), Decimal("0.5"), "EUR") == Money(2, "EUR")
    assert convert(Money(15, "USD"), Decimal("0.5"), "EUR") == Money(8, "EUR")
    assert convert(Money(100_000, "USD"), Decimal("0.9234"), "EUR") == Money(92_340, "EUR")
    assert convert(Money(123_45, "EUR"), Decimal("162.37"), "JPY") == Money(20_045, "JPY")


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        convert(Money(100, "USD"), Decimal(0), "EUR")


def test_money_prints_with_its_minor_digits() -> None:
    assert str(Money(123456789, "EUR")) == "1,234,567.89 EUR"
    assert str(Money(1500, "JPY")) == "1,500 JPY"
    assert minor_digits("KWD") == 3
