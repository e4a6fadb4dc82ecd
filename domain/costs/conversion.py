"""Cost lines in the base currency, and tax kept apart.

A line's amounts are converted at the ECB reference rate of its charge date: the date of
`ChargePeriodStart`, or of `BillingPeriodStart` when the line has no charge period. The rate and
the day it was published are kept on the result. Rates are given to this module (a callable such
as `EcbRates.rate`, or a mapping); it never reads them itself.

Precision: the product amount * rate is computed exactly (a 60-digit context, more than any
source amount times a six-decimal rate needs) and stored quantised to `CONVERTED_PLACES` (10)
decimal places, ROUND_HALF_EVEN. So a converted amount is within half of 1E-10 of the exact
product, and a sum of n converted lines is within n * 0.5E-10 of the exact converted sum. A line
already in the base currency keeps its own amounts, unquantised, at rate 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from domain.costs.cost_row import CostRow

CONVERTED_PLACES = 10
CONVERTED_QUANTUM = Decimal(1).scaleb(-CONVERTED_PLACES)
# The cost columns that are converted and summed; quantities and unit prices are not money totals.
COST_COLUMNS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
TAX_CATEGORY = "Tax"

# rate(from_currency, to_currency, on) -> (rate, the day the rate was published)
RateLookup = Callable[[str, str, date], tuple[Decimal, date]]
# (from_currency, charge date) -> (rate, rate date), for rates loaded beforehand
RateTable = Mapping[tuple[str, date], tuple[Decimal, date]]


class MissingRate(LookupError):
    """No exchange rate for a line's currency on its charge date; names both."""

    def __init__(self, currency: str, on: date, base_currency: str) -> None:
        self.currency = currency
        self.on = on
        super().__init__(f"no exchange rate {currency}->{base_currency} for {on.isoformat()}")


@dataclass(frozen=True)
class ConvertedLine:
    """A line's cost columns in the base currency. `amounts` holds each of COST_COLUMNS the line
    gave (a column the source left empty stays `None`); `rate` is base-currency units per unit of
    `currency`, published on `rate_date`, for the line's `charge_date`."""

    row_number: int
    currency: str
    base_currency: str
    charge_date: date
    rate: Decimal
    rate_date: date
    amounts: dict[str, Decimal | None]


@dataclass
class RateCache:
    """Looks each (currency, charge date) up once per load, from a callable or a mapping.

    An error from the rate source (or a rate that is not positive) becomes `MissingRate`."""

    base_currency: str
    source: RateLookup | RateTable
    _seen: dict[tuple[str, date], tuple[Decimal, date]] = field(default_factory=dict)

    def rate(self, currency: str, on: date) -> tuple[Decimal, date]:
        if currency == self.base_currency:
            return Decimal(1), on
        key = (currency, on)
        if key not in self._seen:
            self._seen[key] = self._look_up(currency, on)
        return self._seen[key]

    def _look_up(self, currency: str, on: date) -> tuple[Decimal, date]:
        try:
            if callable(self.source):
                found = self.source(currency, self.base_currency, on)
            else:
                found = self.source[(currency, on)]
        except LookupError as missing:
            raise MissingRate(currency, on, self.base_currency) from missing
        if found[0] <= 0:
            raise MissingRate(currency, on, self.base_currency)
        return found


def charge_date(row: CostRow) -> date:
    """The day a line's rate is taken on: its charge period's start, else its billing period's."""
    for column in ("ChargePeriodStart", "BillingPeriodStart"):
        moment = row.focus.get(column)
        if isinstance(moment, datetime):
            return moment.date()
    raise ValueError(f"row {row.row_number} has neither ChargePeriodStart nor BillingPeriodStart")


def line_currency(row: CostRow) -> str:
    currency = row.focus.get("BillingCurrency")
    if not isinstance(currency, str) or not currency:
        raise ValueError(f"row {row.row_number} has no BillingCurrency")
    return currency


_EXACT = Context(prec=60)


def convert_amount(amount: Decimal, rate: Decimal) -> Decimal:
    """amount * rate, quantised to CONVERTED_PLACES decimals, half to even."""
    product = _EXACT.multiply(amount, rate)  # a shared context: no local one for each amount
    return product.quantize(CONVERTED_QUANTUM, rounding=ROUND_HALF_EVEN, context=_EXACT)


def convert_line(row: CostRow, rates: RateCache) -> ConvertedLine:
    """The line's cost columns in `rates.base_currency`; MissingRate if its currency has none."""
    currency, on = line_currency(row), charge_date(row)
    rate, rate_date = rates.rate(currency, on)
    amounts: dict[str, Decimal | None] = {}
    for column in COST_COLUMNS:
        value = row.focus.get(column)
        amount = value if isinstance(value, Decimal) else None
        if amount is not None and currency != rates.base_currency:
            amount = convert_amount(amount, rate)
        amounts[column] = amount
    return ConvertedLine(
        row.row_number, currency, rates.base_currency, on, rate, rate_date, amounts
    )


def convert_lines(
    rows: Iterable[CostRow], base_currency: str, source: RateLookup | RateTable
) -> list[ConvertedLine]:
    """Every line converted, with one rate lookup per (currency, charge date)."""
    rates = RateCache(base_currency, source)
    return [convert_line(row, rates) for row in rows]


def is_tax(row: CostRow) -> bool:
    """A line is tax when its FOCUS ChargeCategory is "Tax"."""
    return row.focus.get("ChargeCategory") == TAX_CATEGORY


@dataclass(frozen=True)
class TaxSplit:
    """One currency's totals per cost column, with tax lines and without them."""

    with_tax: dict[str, Decimal]
    without_tax: dict[str, Decimal]


def split_tax(rows: Iterable[CostRow]) -> dict[str, TaxSplit]:
    """Per BillingCurrency, each cost column summed over all lines (`with_tax`) and over the
    lines that are not tax (`without_tax`); an empty cell counts as zero. Sums are exact (a
    60-digit context, not the default 28)."""
    totals: dict[str, TaxSplit] = {}
    with localcontext(Context(prec=60)):
        for row in rows:
            currency = line_currency(row)
            if currency not in totals:
                totals[currency] = TaxSplit(_zeros(), _zeros())
            _add(totals[currency].with_tax, row)
            if not is_tax(row):
                _add(totals[currency].without_tax, row)
    return totals


def _zeros() -> dict[str, Decimal]:
    return dict.fromkeys(COST_COLUMNS, Decimal(0))


def _add(sums: dict[str, Decimal], row: CostRow) -> None:
    for column in COST_COLUMNS:
        value = row.focus.get(column)
        if isinstance(value, Decimal):
            sums[column] += value
