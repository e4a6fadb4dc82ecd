"""A duplicate invoice: the same invoice number from the same vendor, already recorded. Vendors
compare by normalised name (``domain.vendor_names``), numbers by their letters and digits in any
case, so ``INV-2026/001`` and ``inv 2026001`` are one number."""

import re

from domain.matching.lines import InvoiceToMatch
from domain.matching.results import Variance, VarianceKind
from domain.vendor_names import normalised_vendor_name


def invoice_number_key(number: str) -> str:
    """What two spellings of one invoice number share: its letters and digits, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper()


def duplicate_variance(invoice: InvoiceToMatch) -> Variance | None:
    vendor = normalised_vendor_name(invoice.vendor)
    number = invoice_number_key(invoice.invoice_number)
    for recorded in invoice.recorded:
        if (
            normalised_vendor_name(recorded.vendor) == vendor
            and invoice_number_key(recorded.invoice_number) == number
        ):
            explanation = (
                f"invoice {invoice.invoice_number} from {invoice.vendor} is already recorded "
                f"as {recorded.invoice_number} from {recorded.vendor}"
            )
            return Variance(VarianceKind.DUPLICATE, explanation)
    return None
