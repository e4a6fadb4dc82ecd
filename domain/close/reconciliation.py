"""GL reconciliation: the ledger's actuals per cost center x GL against the ERP's GL export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class GlAmount:
    """An amount on a cost center x GL account, in minor units of ``currency``."""

    cost_center: str
    gl_account: str
    currency: str
    amount_minor: int


@dataclass(frozen=True)
class GlDifference:
    """Where the ledger and the ERP disagree; ``difference_minor`` is ledger minus ERP."""

    cost_center: str
    gl_account: str
    currency: str
    ledger_minor: int
    erp_minor: int

    @property
    def difference_minor(self) -> int:
        return self.ledger_minor - self.erp_minor


def gl_differences(ledger: Iterable[GlAmount], erp: Iterable[GlAmount]) -> list[GlDifference]:
    """Every cost center x GL x currency whose sums differ (one side may be missing, read as
    0), sorted; amounts of the same key on one side are summed."""
    sides: dict[tuple[str, str, str], list[int]] = {}
    for index, amounts in enumerate((ledger, erp)):
        for amount in amounts:
            key = (amount.cost_center, amount.gl_account, amount.currency)
            sides.setdefault(key, [0, 0])[index] += amount.amount_minor
    return [
        GlDifference(center, gl, currency, ours, theirs)
        for (center, gl, currency), (ours, theirs) in sorted(sides.items())
        if ours != theirs
    ]
