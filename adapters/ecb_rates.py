"""European Central Bank reference rates, from the history ``currencyconverter`` ships."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from currency_converter import CurrencyConverter, RateNotFoundError


class EcbRates:
    """Rates on a date, falling back to the closest earlier published day (weekends, holidays).
    No rate (a currency the ECB never published, or none near the date) is a LookupError."""

    @cached_property
    def _converter(self) -> CurrencyConverter:
        return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)

    def rate(self, from_currency: str, to_currency: str, on: date) -> tuple[Decimal, date]:
        if from_currency == to_currency:
            return Decimal(1), on
        unknown = sorted({from_currency, to_currency} - self._converter.currencies)
        if unknown:
            raise LookupError(f"no ECB rate {from_currency}->{to_currency}: {unknown[0]} unknown")
        day = min(on, self._last_published())
        for _ in range(10):
            try:
                value = self._converter.convert(1, from_currency, to_currency, date=day)
                return Decimal(str(value)).quantize(Decimal("0.000001")), day
            except RateNotFoundError:
                day -= timedelta(days=1)
        raise LookupError(f"no ECB rate {from_currency}->{to_currency} near {on}")

    def _last_published(self) -> date:
        bounds = self._converter.bounds["USD"]
        last: date = bounds.last_date
        return last
