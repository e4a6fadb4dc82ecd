"""A supplier that takes purchase orders as cXML 1.2 OrderRequest documents, exactly once.

Each PO revision is one document whose ``payloadID`` is ``<PO number>.<revision>@poflow``: the
supplier deduplicates on it, so a retried activity after a timeout, even one the supplier hit
after committing, gets the order it made the first time. Revision 1 is ``type="new"``; later
revisions are ``type="update"`` with a ``DocumentReference`` to the revision before. The
document is built with lxml and checked against ``cxml/OrderRequest.dtd`` before it is sent;
amounts are decimal strings from minor units. The supplier answers a cXML ``Response`` whose
``Status`` code 200 or 201 accepts the order and whose content is the supplier's order
reference; ``text="Duplicate"`` says the payloadID was received before. Any other code raises
``CxmlRefused`` with the code and the supplier's text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
from lxml import etree

from adapters import http
from domain.erp_messages import ErpOrder, ErpReceipt
from domain.money import Money

CXML_VERSION = "1.2.014"
DOCTYPE = f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{CXML_VERSION}/cXML.dtd">'
ORDER_REQUEST_DTD = Path(__file__).with_name("cxml") / "OrderRequest.dtd"
DUPLICATE = "Duplicate"  # Status text for a payloadID the supplier received before
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# UNSPSC segment 43 (information technology), for lines that name no classification of their own.
IT_UNSPSC = "43000000"
# Extrinsic name -> ErpOrder attribute; sent on the order header when the PO has a value.
EXTRINSICS = (
    ("CostCenter", "cost_center"),
    ("GLAccount", "gl_account"),
    ("Project", "project"),
    ("AssetTag", "asset_tag"),
    ("TaxCode", "tax_code"),
)


class CxmlDocumentInvalid(ValueError):
    """A document that breaks the OrderRequest DTD; nothing was sent."""


class CxmlRefused(RuntimeError):
    """The supplier answered with a Status code other than 200 or 201."""

    def __init__(self, code: int, text: str, detail: str) -> None:
        super().__init__(f"cXML status {code} {text}: {detail}".rstrip(": "))
        self.code, self.text, self.detail = code, text, detail

    @property
    def retryable(self) -> bool:
        """cXML's 5xx codes are transient; 4xx codes refuse the document itself."""
        return self.code >= 500


@dataclass(frozen=True)
class CxmlErp:
    """``ErpPort`` over cXML: ``url`` is the supplier's OrderRequest endpoint; the identities and
    the shared secret are the ones agreed with the supplier, all in credential ``domain``."""

    url: str
    from_identity: str
    to_identity: str
    sender_identity: str
    shared_secret: str
    domain: str = "NetworkID"
    user_agent: str = "poflow"
    timeout_seconds: float = 10.0

    def create_purchase_order(self, order: ErpOrder) -> ErpReceipt:
        document = self.order_request(order, datetime.now(UTC))
        violations = dtd_violations(document)
        if violations:
            raise CxmlDocumentInvalid(f"{payload_id(order)}: {violations}")
        with http.client(timeout=self.timeout_seconds) as session:
            response = session.post(
                self.url, content=serialized(document), headers={"Content-Type": "text/xml"}
            )
        return _receipt(response, payload_id(order))

    def order_request(self, order: ErpOrder, now: datetime) -> etree._Element:
        """The OrderRequest document for the PO's revision, stamped ``now``."""
        root = etree.Element("cXML", version=CXML_VERSION, payloadID=payload_id(order))
        root.set("timestamp", _timestamp(now))
        root.set(XML_LANG, "en-US")
        root.append(self._header())
        request = etree.SubElement(root, "Request", deploymentMode="production")
        order_request = etree.SubElement(request, "OrderRequest")
        order_request.append(_order_header(order, now))
        for number, line in enumerate(order.lines, start=1):
            order_request.append(_item_out(number, line, order.currency))
        return root

    def _header(self) -> etree._Element:
        header = etree.Element("Header")
        for party, identity in (("From", self.from_identity), ("To", self.to_identity)):
            self._credential(etree.SubElement(header, party), identity)
        sender = etree.SubElement(header, "Sender")
        credential = self._credential(sender, self.sender_identity)
        etree.SubElement(credential, "SharedSecret").text = self.shared_secret
        etree.SubElement(sender, "UserAgent").text = self.user_agent
        return header

    def _credential(self, party: etree._Element, identity: str) -> etree._Element:
        credential = etree.SubElement(party, "Credential", domain=self.domain)
        etree.SubElement(credential, "Identity").text = identity
        return credential


def payload_id(order: ErpOrder, revision: int | None = None) -> str:
    """The document's payloadID: PO number and revision, so a resend carries the same one."""
    return f"{order.po_number}.{order.revision if revision is None else revision}@poflow"


def dtd_violations(document: etree._Element, dtd_file: Path = ORDER_REQUEST_DTD) -> str | None:
    """What in ``document`` breaks the DTD (the OrderRequest's unless told), or ``None`` when
    it is valid."""
    # A DTD object keeps its error log; one per check keeps concurrent checks apart.
    dtd = etree.DTD(str(dtd_file))
    if dtd.validate(document):
        return None
    entries = cast("Iterable[Any]", dtd.error_log)  # lxml-stubs do not declare it iterable
    return "; ".join(str(entry.message) for entry in entries)


def parse_cxml(raw: bytes) -> etree._Element:
    """Parse a cXML document without fetching its DTD or expanding entities."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(raw, parser)


def serialized(document: etree._Element) -> bytes:
    """The document as sent: XML declaration, the cXML DOCTYPE line, UTF-8."""
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", doctype=DOCTYPE)


def _order_header(order: ErpOrder, now: datetime) -> etree._Element:
    header = etree.Element("OrderRequestHeader", orderID=order.po_number)
    header.set("orderDate", _timestamp(now))
    header.set("type", "new" if order.revision == 1 else "update")
    header.set("orderVersion", str(order.revision))
    _money(etree.SubElement(header, "Total"), order.amount_minor, order.currency)
    if order.revision > 1:
        previous = payload_id(order, order.revision - 1)
        etree.SubElement(header, "DocumentReference", payloadID=previous)
    for name, attribute in EXTRINSICS:
        value = getattr(order, attribute)
        if value:
            etree.SubElement(header, "Extrinsic", name=name).text = str(value)
    return header


def _item_out(number: int, line: dict[str, Any], currency: str) -> etree._Element:
    item = etree.Element("ItemOut", quantity=str(line["quantity"]), lineNumber=str(number))
    if line.get("requested_delivery_date"):
        item.set("requestedDeliveryDate", str(line["requested_delivery_date"]))
    item_id = etree.SubElement(item, "ItemID")
    # A non-catalog line has no supplier part number; cXML still wants the element.
    part = line.get("sku") or line.get("catalog_sku") or ""
    etree.SubElement(item_id, "SupplierPartID").text = str(part)
    detail = etree.SubElement(item, "ItemDetail")
    _money(etree.SubElement(detail, "UnitPrice"), int(line["unit_price_minor"]), currency)
    description = etree.SubElement(detail, "Description")
    description.set(XML_LANG, "en")
    description.text = str(line["description"])
    etree.SubElement(detail, "UnitOfMeasure").text = str(line.get("unit_of_measure") or "EA")
    classification = etree.SubElement(detail, "Classification", domain="UNSPSC")
    classification.text = str(line.get("unspsc") or IT_UNSPSC)
    return item


def _money(parent: etree._Element, minor: int, currency: str) -> None:
    amount = Money(minor, currency).as_decimal()
    etree.SubElement(parent, "Money", currency=currency).text = format(amount, "f")


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _receipt(response: httpx.Response, sent_payload_id: str) -> ErpReceipt:
    try:
        status = parse_cxml(response.content).find("Response/Status")
    except etree.XMLSyntaxError:
        status = None
    if status is None:
        response.raise_for_status()
        raise CxmlRefused(response.status_code, "no cXML Response", response.text[:200])
    code_text, text = status.get("code", ""), status.get("text", "")
    code, detail = int(code_text) if code_text.isdigit() else 0, (status.text or "").strip()
    if code not in (200, 201):
        raise CxmlRefused(code, text, detail)
    # A supplier that names no order of its own is referred to by the document it accepted.
    return ErpReceipt(detail or sent_payload_id, created=text != DUPLICATE)
