"""The rate source knows every currency a requisition may use, on its latest published day."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.ecb_rates import EcbRates
from domain.money import RATE_CURRENCIES


@pytest.mark.parametrize("currency", sorted(RATE_CURRENCIES))
def test_every_currency_a_requisition_may_use_has_a_current_rate(currency: str) -> None:
    rates = EcbRates()
    latest = rates.rate("USD", "EUR", date.today())[1]
    other = "USD" if currency == "EUR" else "EUR"
    rate, day = rates.rate(currency, other, date.today())
    assert rate > 0 and day == latest


def test_a_currency_no_longer_published_has_no_current_rate() -> None:
    with pytest.raises(LookupError):
        EcbRates().rate("RUB", "EUR", date.today())


@pytest.mark.parametrize(("source", "target"), [("XTS", "EUR"), ("EUR", "XTS")])
def test_a_currency_the_ecb_never_published_has_no_rate(source: str, target: str) -> None:
    with pytest.raises(LookupError, match="XTS"):
        EcbRates().rate(source, target, date(2024, 9, 2))
