"""Taking in an invoice document a vendor delivered (cXML or UBL): read and validated, checked
against the invoices already stored and against the PO it names, recorded on that PO through
its workflow's invoice Update (its rules: finance, segregation of duties, an issued PO), and
only then stored with its lines. The same document again answers with the stored invoice and
changes nothing; another document under a vendor's invoice number already taken is refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from anyio.to_thread import run_sync
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from adapters.invoice_documents import read_invoice_document
from domain.inbound_invoices import InboundInvoice, InvoiceDocumentRefused
from domain.invoice_intake import invoice_request, po_refusal, text_refusal
from domain.purchase_order import PoView
from domain.temporal_names import PoUpdate
from models.db import unit_of_work
from models.people.records import User
from models.purchase_orders.records import PurchaseOrder
from models.purchase_orders.vendor_invoices import (
    Digests,
    VendorInvoice,
    invoice_by_key,
    store_invoice,
)
from services.refusals import RefusalKind, RuleRefused
from services.updates import not_running, run_update


class InvoiceRefused(RuleRefused):
    """A document that cannot be taken as it is: unreadable, invalid, or naming no PO of its
    vendor and currency (422, whatever its rule)."""

    @property
    def kind(self) -> RefusalKind:
        return RefusalKind.INVALID


@dataclass(frozen=True)
class TakenInvoice:
    invoice: VendorInvoice
    new: bool  # False: the same document was taken before


async def take_invoice_document(
    sessions: sessionmaker[Session], temporal: Client, user: User, raw: bytes
) -> TakenInvoice:
    """Store the invoice ``raw`` carries and record it on its PO; ``RuleRefused`` naming the
    rule, with nothing stored, when any step refuses it."""
    invoice = _read(raw)
    content = content_digest(invoice)
    stored = await run_sync(_stored, sessions, invoice)
    if stored is not None:
        return TakenInvoice(_same_invoice_or_refused(stored, content), new=False)
    po = await run_sync(_po_for, sessions, invoice)
    await run_update(
        temporal.get_workflow_handle(po.workflow_id),
        PoUpdate.RECORD_INVOICE,
        invoice_request(invoice, user.username),
        PoView,
        missing=not_running(po.po_number),
        update_id=f"{PoUpdate.RECORD_INVOICE}:document-{content}",
    )
    digests = Digests(document=hashlib.sha256(raw).hexdigest(), content=content)
    kept = await run_sync(_store, sessions, invoice, digests, user.username)
    return TakenInvoice(_same_invoice_or_refused(kept, content), new=True)


def content_digest(invoice: InboundInvoice) -> str:
    """What makes two deliveries the same document: everything read from it (a supplier
    network's resend with a new payloadID or timestamp is the same invoice; the other format,
    another amount or date is not)."""
    return hashlib.sha256(repr(invoice).encode()).hexdigest()


def _read(raw: bytes) -> InboundInvoice:
    try:
        invoice = read_invoice_document(raw)
    except InvoiceDocumentRefused as refused:
        raise InvoiceRefused(refused.rule, refused.message) from None
    too_long = text_refusal(invoice)
    if too_long is not None:
        raise InvoiceRefused(too_long.rule, too_long.message)
    if invoice.po_number is None:
        raise InvoiceRefused("po_number_required", "the invoice names no purchase order")
    return invoice


def _stored(sessions: sessionmaker[Session], invoice: InboundInvoice) -> VendorInvoice | None:
    with unit_of_work(sessions) as session:
        return invoice_by_key(session, invoice.duplicate_key)


def _same_invoice_or_refused(stored: VendorInvoice, content: str) -> VendorInvoice:
    """``stored`` when it was read to the same content; ``duplicate_invoice`` otherwise."""
    if stored.content_sha256 != content:
        raise RuleRefused(
            "duplicate_invoice",
            f"invoice {stored.invoice_number} of {stored.vendor_name} is already stored "
            f"(id {stored.id}, {stored.format} on {stored.po_number}) from another document",
        )
    return stored


def _po_for(sessions: sessionmaker[Session], invoice: InboundInvoice) -> PurchaseOrder:
    """The PO the invoice names, once it is with the invoice's vendor and in its currency."""
    with unit_of_work(sessions) as session:
        po = session.get(PurchaseOrder, invoice.po_number)
    if po is None:
        raise InvoiceRefused("unknown_po", f"no purchase order {invoice.po_number}")
    refusal = po_refusal(invoice, po.vendor, po.currency)
    if refusal is not None:
        raise InvoiceRefused(refusal.rule, refusal.message)
    return po


def _store(
    sessions: sessionmaker[Session], invoice: InboundInvoice, digests: Digests, actor: str
) -> VendorInvoice:
    with unit_of_work(sessions) as session:
        return store_invoice(session, invoice, digests, actor)
