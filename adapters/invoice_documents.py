"""An invoice document of either format poflow reads, told apart by its root element: ``cXML``
is a cXML InvoiceDetailRequest, UBL 2.1's ``Invoice`` a UBL / PEPPOL BIS invoice. Anything else
is refused (``unsupported_document``) before either reader validates it."""

from __future__ import annotations

from adapters.cxml_invoices import read_cxml_invoice
from adapters.inbound_xml import parse_untrusted
from adapters.ubl_invoices import read_ubl_invoice
from domain.inbound_invoices import InboundInvoice, InvoiceDocumentRefused

UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
READERS = {"cXML": read_cxml_invoice, UBL_INVOICE: read_ubl_invoice}


def read_invoice_document(raw: bytes) -> InboundInvoice:
    """The invoice ``raw`` carries, read by the reader of its format; ``InvoiceDocumentRefused``
    naming the rule otherwise."""
    root = parse_untrusted(raw).tag
    reader = READERS.get(root) if isinstance(root, str) else None
    if reader is None:
        raise InvoiceDocumentRefused(
            "unsupported_document",
            f"the root element {root!s:.80} is neither cXML nor a UBL 2.1 Invoice",
        )
    return reader(raw)
