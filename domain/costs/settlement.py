"""Reconciling a load's invoices and booking its actuals: the rules and what the activities
answer the cost-load workflow.

An invoice's lines are compared with its total to the currency's minor unit (to the cent for
EUR): a difference smaller than half a minor unit is no difference. A difference is explained by
the first cause whose amount, to the minor unit, is the whole of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from domain.money import minor_digits

MATCHED = "matched"
NO_INVOICE = "no_invoice"  # no total entered or imported, and no PO invoice of that number
TIMING = "timing"  # lines charged outside the billing period
TAX = "tax"  # the tax lines, or the invoice's tax the lines lack
CREDITS = "credits"  # the credit lines the invoice nets elsewhere
TAGGING = "tagging"  # lines quarantined, or lines no cost center takes
UNEXPLAINED = "unexplained"
CLASSIFICATIONS = (MATCHED, NO_INVOICE, TIMING, TAX, CREDITS, TAGGING, UNEXPLAINED)


@dataclass(frozen=True)
class InvoiceLines:
    """What an invoice's cost lines add up to (billing currency, the source's precision).

    ``total`` and ``tax``: the lines that are not tax, and the tax lines. The other amounts are
    parts of them: lines charged outside the billing period, credit lines, lines of no cost
    center; ``quarantined`` is the cost of rows of the invoice kept out of the lines."""

    currency: str
    total: Decimal
    tax: Decimal = Decimal(0)
    outside_period: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)
    unallocated: Decimal = Decimal(0)
    quarantined: Decimal = Decimal(0)


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` in whole minor units of ``currency``, rounded once, half to even."""
    scaled = amount.scaleb(minor_digits(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def classify(
    lines: InvoiceLines, invoice_total: Decimal | None, invoice_tax: Decimal | None
) -> str:
    """The classification of an invoice's difference (invoice total less all its lines)."""
    if invoice_total is None:
        return NO_INVOICE
    difference = to_minor(invoice_total - lines.total - lines.tax, lines.currency)
    if difference == 0:
        return MATCHED
    causes = (
        (TIMING, -lines.outside_period),  # the invoice leaves out charges of other periods
        (TAX, -lines.tax),  # the invoice is net of the tax lines
        (TAX, (invoice_tax or Decimal(0)) - lines.tax),  # the lines lack the invoice's tax
        (CREDITS, -lines.credits),  # the invoice leaves the credits out
        (TAGGING, lines.quarantined),  # the invoice bills rows kept out of the lines
        (TAGGING, -lines.unallocated),  # the invoice bills only allocated lines (a PO's)
    )
    for classification, amount in causes:
        explained = to_minor(amount, lines.currency)
        if explained != 0 and explained == difference:
            return classification
    return UNEXPLAINED


@dataclass(frozen=True)
class ReconciliationSummary:
    """Per classification, how many invoices of the loads; per billing currency, the sum of
    their differences in minor units (invoices with no total count no difference)."""

    load_ids: tuple[int, ...]
    counts: dict[str, int] = field(default_factory=dict)
    differences_minor: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ActualsSummary:
    """What booking the loads' actuals posted, in base-currency minor units: the entries
    appended, the actuals booked and the previous loads' actuals reversed; the lines of no cost
    center or GL account (unallocated) and of no base amount (unconverted), not booked."""

    load_ids: tuple[int, ...]
    currency: str
    entries_posted: int = 0
    booked_minor: int = 0
    reversed_minor: int = 0
    unallocated_lines: int = 0
    unallocated_minor: int = 0
    unconverted_lines: int = 0
