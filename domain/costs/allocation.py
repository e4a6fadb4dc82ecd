"""Splitting a period's cost into the currency's minor units (cents for EUR, yen for JPY, fils
for BHD): every piece rounded so the pieces sum exactly to the whole rounded to the minor unit
(largest remainder), and a pool split by weights the same way.

Pure and deterministic, in exact integer arithmetic: the same amounts and weights give the same
minor units, ties going to the earlier piece, so a re-run of an allocation allocates the same
amounts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from domain.money import minor_digits

# Digits of precision for the Decimal steps, far above any amount's or sum's, so none rounds.
_EXACT = 200


def currency_digits(currency: str) -> int:
    """The decimals of ``currency``'s minor unit (``domain.money.minor_digits``); two for the
    lines of a cost file that names no currency (an empty code), kept apart as their own."""
    return minor_digits(currency) if currency else 2


def as_minor(amount: Decimal, currency: str) -> int:
    """An allocated amount (whole minor units already) as an integer of them."""
    return int(amount.scaleb(currency_digits(currency)))


def of_minor(minor: int, currency: str) -> Decimal:
    """``minor`` units of ``currency`` as an amount (JPY has none below the yen)."""
    return Decimal(minor).scaleb(-currency_digits(currency))


def in_minor(amounts: Sequence[Decimal], currency: str) -> list[int]:
    """Each amount (in units of ``currency``) as whole minor units, summing exactly to the sum
    of ``amounts`` rounded half-even to the minor unit: each is rounded down, and the units left
    over go one each to the largest remainders (the earlier piece first on a tie). Credits
    too."""
    digits = currency_digits(currency)
    with localcontext() as exact:
        exact.prec = _EXACT  # every product and sum below is exact
        numerators, denominator = _integers([amount.scaleb(digits) for amount in amounts])
        whole = sum(amounts, Decimal(0)).scaleb(digits)
        total = int(whole.quantize(Decimal(1), ROUND_HALF_EVEN))
    return _largest_remainder(numerators, denominator, total)


def split_minor(pool: int, weights: Sequence[Decimal]) -> list[int]:
    """``pool`` minor units split in proportion to ``weights`` (none negative, their sum above
    zero); the parts sum exactly to ``pool``."""
    if any(weight < 0 for weight in weights) or sum(weights, Decimal(0)) <= 0:
        raise ValueError("a pool is split by weights that are not negative and sum above zero")
    with localcontext() as exact:
        exact.prec = _EXACT
        scaled, _ = _integers(list(weights))
    return _largest_remainder([pool * weight for weight in scaled], sum(scaled), pool)


def _largest_remainder(numerators: list[int], denominator: int, total: int) -> list[int]:
    """``numerator / denominator`` each rounded down, then ``total`` reached by adding one to
    the largest remainders, the earlier first on a tie."""
    floors = [numerator // denominator for numerator in numerators]
    remainders = [n - f * denominator for n, f in zip(numerators, floors, strict=True)]
    by_remainder = sorted(range(len(floors)), key=lambda i: (-remainders[i], i))
    for index in by_remainder[: total - sum(floors)]:
        floors[index] += 1
    return floors


def _integers(values: list[Decimal]) -> tuple[list[int], int]:
    """The values as integers over one power of ten: ``(numerators, denominator)``."""
    places = max((-int(v.as_tuple().exponent) for v in values if v.is_finite()), default=0)
    scale = max(places, 0)
    return [int(v.scaleb(scale)) for v in values], 10**scale
