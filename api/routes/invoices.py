"""Invoices vendors deliver as documents: a cXML InvoiceDetailRequest or a UBL 2.1 / PEPPOL BIS
invoice posted as XML by finance, recorded on the PO it names and stored with its lines; and
the stored invoices, listed or one by one (docs/invoices.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from api.deps import RuntimeDep, SessionDep, TemporalDep, require_role
from api.errors import RefusalRoute, Refused
from api.params import RowId
from api.schemas.decisions import REFUSAL_RESPONSES
from api.schemas.invoices import VendorInvoiceOut
from domain.catalog import Role
from models.people.records import User
from models.purchase_orders.vendor_invoices import invoice_by_id, invoices_of
from services.invoice_intake import take_invoice_document

router = APIRouter(prefix="/api/invoices", tags=["invoices"], route_class=RefusalRoute)
Finance = Annotated[User, Depends(require_role(Role.FINANCE))]
Reader = Annotated[
    User, Depends(require_role(Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN))
]
# A few hundred lines; the two-line samples are about 6 KB. Below the app's request limit.
MAX_DOCUMENT_BYTES = 262_144
XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})
_XML_BODY: dict[str, Any] = {"schema": {"type": "string", "maxLength": MAX_DOCUMENT_BYTES}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    **REFUSAL_RESPONSES,
    200: {"model": VendorInvoiceOut, "description": "The same document, taken before"},
    415: {"description": "Not application/xml nor text/xml (`unsupported_media_type`)"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": _XML_BODY, "text/xml": _XML_BODY},
        }
    },
)
async def deliver_invoice(
    request: Request,
    response: Response,
    user: Finance,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> VendorInvoiceOut:
    """Take an invoice document (cXML or UBL, told by its root element): 201 once it is
    recorded on its PO and stored; 200 with the stored invoice for the same document again;
    409 `duplicate_invoice` for another document under the vendor's invoice number; 422 with
    the document's rule, `unknown_po`, `vendor_mismatch` or `currency_mismatch`; the PO's own
    refusals (403 `segregation_of_duties`, 409 `not_issued`). Nothing is stored when refused."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type not in XML_MEDIA_TYPES:
        raise Refused(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "an invoice document is posted as application/xml or text/xml",
            rule="unsupported_media_type",
        )
    raw = await request.body()
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise Refused(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"an invoice document may hold at most {MAX_DOCUMENT_BYTES} bytes",
            rule="body_too_large",
        )
    taken = await take_invoice_document(runtime.sessions, temporal, user, raw)
    if not taken.new:
        response.status_code = status.HTTP_200_OK
    return VendorInvoiceOut.model_validate(taken.invoice)


@router.get("")
def list_invoices(
    _: Reader,
    session: SessionDep,
    po: Annotated[str | None, Query(max_length=40, description="A PO number")] = None,
) -> list[VendorInvoiceOut]:
    """The stored invoices (of one PO with ``po``) with their lines, in the order received."""
    return [VendorInvoiceOut.model_validate(row) for row in invoices_of(session, po)]


@router.get("/{invoice_id}")
def show_invoice(invoice_id: RowId, _: Reader, session: SessionDep) -> VendorInvoiceOut:
    """One stored invoice with its lines."""
    row = invoice_by_id(session, invoice_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no stored invoice {invoice_id}")
    return VendorInvoiceOut.model_validate(row)
