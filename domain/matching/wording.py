"""The figures of a variance's explanation as finance reads them: money with its currency
("1,050.00 EUR"), quantities without trailing zeros, percents, and the tolerance applied."""

from decimal import ROUND_HALF_UP, Decimal

from domain.matching.tolerances import Tolerance
from domain.money import Money


def money(minor: int, currency: str) -> str:
    return str(Money(minor, currency))


def quantity(value: Decimal) -> str:
    """``Decimal("2.50")`` as "2.5", ``Decimal("10")`` as "10"."""
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def share(over: Decimal, of: Decimal) -> str:
    """``over`` as a percent of ``of``, two decimals ("5.00 %"); "" when ``of`` is zero."""
    if of == 0:
        return ""
    return f"{(over * 100 / of).quantize(Decimal('0.01'), ROUND_HALF_UP)} %"


def price_limits(tolerance: Tolerance, base_currency: str) -> str:
    """ "tolerance 2 % and 20.00 EUR": the price limits the rule gives."""
    limits = []
    if tolerance.price_percent is not None:
        limits.append(f"{quantity(tolerance.price_percent)} %")
    if tolerance.price_amount_minor is not None:
        limits.append(money(tolerance.price_amount_minor, base_currency))
    return "tolerance " + " and ".join(limits) if limits else "no price limit"


def quantity_limits(tolerance: Tolerance) -> str:
    """ "tolerance 10 % and 1": the quantity limits the rule gives."""
    limits = []
    if tolerance.quantity_percent is not None:
        limits.append(f"{quantity(tolerance.quantity_percent)} %")
    if tolerance.quantity_units is not None:
        limits.append(quantity(tolerance.quantity_units))
    return "tolerance " + " and ".join(limits) if limits else "no quantity limit"
