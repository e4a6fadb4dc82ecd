"""Matching an invoice under an approval policy: the policy's ``invoice_matching`` section
chooses 2-way or 3-way by the PO's service type and the tolerance rule by its vendor and service
type; every line is checked, and the result names the policy version it used."""

from domain.matching.checks import (
    currency_variance,
    price_variance,
    quantity_variance,
    receipt_variance,
    tax_variance,
)
from domain.matching.duplicates import duplicate_variance
from domain.matching.lines import InvoiceToMatch, LineToMatch
from domain.matching.results import InvoiceMatch, LineMatch, Variance
from domain.matching.tolerances import MatchMode, Tolerance
from domain.policy import Policy


def match_invoice(policy: Policy, invoice: InvoiceToMatch) -> InvoiceMatch:
    rules = policy.invoice_matching
    mode = rules.mode_for(invoice.service_type)
    tolerance = rules.tolerance_for(invoice.vendor, invoice.service_type)
    lines = tuple(
        _match_line(line, mode, tolerance, policy.base_currency, invoice) for line in invoice.lines
    )
    duplicate = duplicate_variance(invoice)
    return InvoiceMatch(
        policy.name, policy.version, tolerance, lines, () if duplicate is None else (duplicate,)
    )


def _match_line(
    line: LineToMatch,
    mode: MatchMode,
    tolerance: Tolerance,
    base_currency: str,
    invoice: InvoiceToMatch,
) -> LineMatch:
    found: list[Variance | None] = [
        currency_variance(line),
        price_variance(line, tolerance, base_currency, invoice.po_rate),
        quantity_variance(line, tolerance),
        receipt_variance(line) if mode is MatchMode.THREE_WAY else None,
        tax_variance(line),
    ]
    variances = tuple(variance for variance in found if variance is not None)
    return LineMatch(line.invoice.po_line, mode, variances)
