"""What is matched: an invoice's lines, each beside the PO line it claims and what has been
received against that line."""

# No ``from __future__ import annotations``: workflows exchange these dataclasses.

from dataclasses import dataclass
from decimal import Decimal

from domain.catalog import ServiceType


@dataclass(frozen=True)
class InvoiceLine:
    """A line of the invoice: the PO line it bills, its quantity, its unit price and tax in minor
    units of the invoice's currency."""

    po_line: int
    quantity: Decimal
    unit_price_minor: int
    currency: str
    tax_minor: int = 0


@dataclass(frozen=True)
class PoLine:
    """The PO line an invoice line claims: what was ordered at what unit price (minor units of
    the PO's currency), what earlier invoices billed of it, and its tax rate in percent (None:
    the tax is not checked)."""

    quantity: Decimal
    unit_price_minor: int
    currency: str
    invoiced_quantity: Decimal = Decimal(0)
    tax_percent: Decimal | None = None


@dataclass(frozen=True)
class LineToMatch:
    """An invoice line, its PO line, and the quantity received against the PO line so far (None
    when nothing is received; not read in a 2-way match)."""

    invoice: InvoiceLine
    ordered: PoLine
    received_quantity: Decimal | None = None


@dataclass(frozen=True)
class RecordedInvoice:
    """An invoice already recorded from a vendor, for the duplicate check."""

    vendor: str
    invoice_number: str


@dataclass(frozen=True)
class InvoiceToMatch:
    """An invoice against one PO: the PO's vendor and service type choose the tolerance and the
    mode; ``po_rate`` is the rate the PO was converted to the base currency at (base units per
    unit of the PO's currency); ``recorded`` the vendor invoices already recorded."""

    vendor: str
    invoice_number: str
    service_type: ServiceType
    lines: tuple[LineToMatch, ...]
    po_rate: Decimal = Decimal(1)
    recorded: tuple[RecordedInvoice, ...] = ()
