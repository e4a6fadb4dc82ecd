"""What a match finds: per line, matched or its variances; for the invoice, a duplicate; and
the policy version and tolerance rule it used, pinned on the invoice."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.matching.tolerances import MatchMode, Tolerance


class VarianceKind(StrEnum):
    PRICE = "price"
    QUANTITY = "quantity"
    NOT_RECEIVED = "not_received"
    TAX = "tax"
    CURRENCY = "currency"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Variance:
    """What is off and the sentence finance reads. ``expected``, ``actual`` and ``difference``
    (actual minus expected, or the part outside the PO or the receipt) are minor units of
    ``currency`` for price and tax, quantities (``currency`` None) for quantity and
    not_received, and None for currency and duplicate, whose facts are in the explanation."""

    kind: VarianceKind
    explanation: str
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class LineMatch:
    po_line: int
    mode: MatchMode
    variances: tuple[Variance, ...] = ()

    @property
    def matched(self) -> bool:
        return not self.variances


@dataclass(frozen=True)
class InvoiceMatch:
    """The result of matching an invoice, naming the policy version and the tolerance it used.
    Matched when no line has a variance and the invoice is no duplicate (``variances``)."""

    policy_name: str
    policy_version: int
    tolerance: Tolerance
    lines: tuple[LineMatch, ...]
    variances: tuple[Variance, ...] = ()

    @property
    def matched(self) -> bool:
        return not self.variances and all(line.matched for line in self.lines)

    def all_variances(self) -> tuple[Variance, ...]:
        return self.variances + tuple(v for line in self.lines for v in line.variances)
