"""Money as integer minor units and an ISO 4217 currency code; never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 currencies whose minor unit is not two digits; all others have two.
_MINOR_DIGITS = {
    "BHD": 3,
    "CLP": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
}

# The currencies the ECB publishes a daily reference rate for (plus EUR itself): the only ones a
# PO can be converted from, so the only ones a requisition may use.
RATE_CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CHF",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "GBP",
        "HKD",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JPY",
        "KRW",
        "MXN",
        "MYR",
        "NOK",
        "NZD",
        "PHP",
        "PLN",
        "RON",
        "SEK",
        "SGD",
        "THB",
        "TRY",
        "USD",
        "ZAR",
    ]
)


class CurrencyError(ValueError):
    """A currency code that is not three capital letters, or two amounts in different currencies."""


def minor_digits(currency: str) -> int:
    """How many decimal places the currency's minor unit has (JPY 0, EUR 2, KWD 3)."""
    check_currency(currency)
    return _MINOR_DIGITS.get(currency, 2)


def check_currency(currency: str) -> str:
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise CurrencyError(f"currency must be an ISO 4217 code such as EUR, got {currency!r}")
    return currency


@dataclass(frozen=True)
class Money:
    """An amount in minor units (cents for EUR) of one currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("Money.minor must be an int of minor units")
        check_currency(self.currency)

    @classmethod
    def parse(cls, amount: str | Decimal, currency: str) -> Money:
        """Read a decimal amount such as "1234.50"; refuses more decimals than the currency has."""
        value = Decimal(amount)
        scaled = value.scaleb(minor_digits(currency))
        if scaled != scaled.to_integral_value():
            raise ValueError(
                f"{amount} has more decimals than {currency} allows ({minor_digits(currency)})"
            )
        return cls(int(scaled), currency)

    def as_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-minor_digits(self.currency))

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __str__(self) -> str:
        return f"{self.as_decimal():,.{minor_digits(self.currency)}f} {self.currency}"

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyError(f"cannot combine {self.currency} with {other.currency}")


def convert(amount: Money, rate: Decimal, to_currency: str) -> Money:
    """Convert at ``rate`` (units of ``to_currency`` per unit of the amount's currency).

    Rounds half to even at the target currency's minor unit.
    """
    if rate <= 0:
        raise ValueError("an exchange rate must be positive")
    target = amount.as_decimal() * rate
    quantum = Decimal(1).scaleb(-minor_digits(to_currency))
    rounded = target.quantize(quantum, rounding=ROUND_HALF_EVEN)
    return Money(int(rounded.scaleb(minor_digits(to_currency))), to_currency)
