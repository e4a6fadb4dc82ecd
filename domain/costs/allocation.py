"""Splitting a period's cost into cents: every piece rounded so the pieces sum exactly to the
whole rounded to the cent (largest remainder), and a pool split by weights the same way.

Pure and deterministic: the same amounts and weights give the same cents, ties going to the
earlier piece, so a re-run of an allocation allocates the same amounts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def in_cents(amounts: Sequence[Decimal | Fraction]) -> list[int]:
    """Each amount (in currency units) as whole cents, the cents summing exactly to the sum of
    ``amounts`` rounded half-even to the cent: each is rounded down, and the cents left over go
    one each to the largest remainders (the earlier piece first on a tie). Credits too."""
    exact = [Fraction(amount) * 100 for amount in amounts]
    total = round(sum(exact, Fraction(0)))  # Fraction rounds half to even
    floors = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for index in by_remainder[: total - sum(floors)]:
        floors[index] += 1
    return floors


def split_cents(pool: int, weights: Sequence[Decimal]) -> list[int]:
    """``pool`` cents split in proportion to ``weights`` (none negative, their sum above zero);
    the parts sum exactly to ``pool``."""
    total = sum(weights, Decimal(0))
    if total <= 0 or any(weight < 0 for weight in weights):
        raise ValueError("a pool is split by weights that are not negative and sum above zero")
    return in_cents(
        [Fraction(pool, 100) * Fraction(weight) / Fraction(total) for weight in weights]
    )
