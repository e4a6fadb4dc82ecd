"""The unit cost of an IT service for a month: its cost pools over the quantity consumed.

A pool's cost is what its lines cost after commitment discounts, amortised (FOCUS
``EffectiveCost``) and at list price (``ListCost``); the difference is what discounts saved. The
unused part of a commitment (lines of ``CommitmentDiscountStatus`` ``Unused``) is cost no one
consumed, so it stays in the pool and raises the unit cost. A unit cost is kept to
``UNIT_PLACES`` decimal places, half to even; a month with no quantity has no unit cost."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

UNIT_PLACES = Decimal("0.000001")
FIXED = "fixed"
VARIABLE = "variable"


@dataclass(frozen=True)
class PoolCost:
    """What one pool's lines cost in the month (base currency, exact)."""

    name: str
    part: str  # fixed or variable
    effective: Decimal
    list_price: Decimal
    unused_commitment: Decimal
    lines: int


@dataclass(frozen=True)
class UnitCost:
    """A service's month: pools summed, quantity consumed and the cost of one unit."""

    service: str
    unit: str
    currency: str
    quantity: Decimal | None
    pools: tuple[PoolCost, ...]

    @property
    def effective(self) -> Decimal:
        return sum((pool.effective for pool in self.pools), Decimal(0))

    @property
    def list_price(self) -> Decimal:
        return sum((pool.list_price for pool in self.pools), Decimal(0))

    @property
    def fixed(self) -> Decimal:
        return sum((p.effective for p in self.pools if p.part == FIXED), Decimal(0))

    @property
    def variable(self) -> Decimal:
        return self.effective - self.fixed

    @property
    def savings(self) -> Decimal:
        """What commitment and negotiated discounts took off the list price."""
        return self.list_price - self.effective

    @property
    def unused_commitment(self) -> Decimal:
        return sum((pool.unused_commitment for pool in self.pools), Decimal(0))

    @property
    def per_unit(self) -> Decimal | None:
        """Effective cost of one unit; None when nothing was consumed."""
        return per_unit(self.effective, self.quantity)

    @property
    def list_per_unit(self) -> Decimal | None:
        return per_unit(self.list_price, self.quantity)

    @property
    def fixed_per_unit(self) -> Decimal | None:
        return per_unit(self.fixed, self.quantity)

    @property
    def variable_per_unit(self) -> Decimal | None:
        return per_unit(self.variable, self.quantity)


def per_unit(amount: Decimal, quantity: Decimal | None) -> Decimal | None:
    """``amount`` over ``quantity`` to ``UNIT_PLACES``; None for no or zero quantity."""
    if not quantity:
        return None
    return (amount / quantity).quantize(UNIT_PLACES, rounding=ROUND_HALF_EVEN)
