"""A supplier taking cXML OrderRequest documents over HTTP, for tests and the demo.

``POST /cxml`` takes the document as ``text/xml``. It is parsed without fetching the DTD its
DOCTYPE names and without expanding entities; a Sender whose SharedSecret is not the agreed one
is answered with Status 401, a document that breaks ``adapters/cxml/OrderRequest.dtd`` with 400
and the validator's messages. An accepted document is answered with Status 200 whose content is
the supplier's order reference, one per orderID, so an update keeps the reference of the order it
changes. A payloadID received before is answered with the order it made then and Status text
``Duplicate``. ``stall_after_commit`` makes the next new order commit and then answer only after
that many seconds, as a supplier that times out after committing does.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from lxml import etree

from adapters.erp_cxml import (
    CXML_VERSION,
    DUPLICATE,
    XML_LANG,
    dtd_violations,
    parse_cxml,
    serialized,
)

_HEADER = "Request/OrderRequest/OrderRequestHeader"


@dataclass
class CxmlSupplier:
    """What the simulated supplier holds: each accepted document by payloadID, and its own order
    reference for each orderID."""

    shared_secret: str
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    stall_after_commit: float = 0.0
    requests_received: int = 0
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(70_001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, document: etree._Element, raw: bytes) -> tuple[dict[str, Any], bool]:
        """Record a valid OrderRequest, or return what its payloadID recorded before."""
        key = str(document.get("payloadID"))
        with self._lock:
            self.requests_received += 1
            if key in self.orders:
                return self.orders[key], False
            order = _order_of(document, raw)
            order_id = order["order_id"]
            if order_id not in self.references:
                self.references[order_id] = f"ERP-PO-{next(self._numbers)}"
            order["erp_reference"] = self.references[order_id]
            self.orders[key] = order
            return order, True


def cxml_simulator_app(supplier: CxmlSupplier) -> FastAPI:
    """The supplier's cXML endpoint over ``supplier``."""
    app = FastAPI(title="cXML supplier simulator")

    @app.post("/cxml")
    async def order_request(request: Request) -> Response:
        raw = await request.body()
        try:
            document = parse_cxml(raw)
        except etree.XMLSyntaxError as error:
            return _answer(400, "Bad Request", f"not well-formed XML: {error}")
        secret = document.findtext("Header/Sender/Credential/SharedSecret")
        if secret != supplier.shared_secret:
            return _answer(401, "Unauthorized", "the Sender's SharedSecret is not the agreed one")
        violations = dtd_violations(document)
        if violations:
            return _answer(400, "Bad Request", violations)
        order, created = supplier.accept(document, raw)
        if created and supplier.stall_after_commit:
            stall, supplier.stall_after_commit = supplier.stall_after_commit, 0.0
            await asyncio.sleep(stall)
        return _answer(200, "OK" if created else DUPLICATE, order["erp_reference"])

    return app


def _order_of(document: etree._Element, raw: bytes) -> dict[str, Any]:
    header = document.find(_HEADER)
    total = document.find(f"{_HEADER}/Total/Money")
    assert header is not None and total is not None  # the DTD requires both
    return {
        "payload_id": document.get("payloadID"),
        "order_id": header.get("orderID"),
        "order_version": header.get("orderVersion"),
        "type": header.get("type", "new"),
        "total": total.text,
        "currency": total.get("currency"),
        "extrinsics": {e.get("name"): e.text for e in header.iterfind("Extrinsic")},
        "lines": [_line_of(item) for item in document.iterfind("Request/OrderRequest/ItemOut")],
        "document": raw,
    }


def _line_of(item: etree._Element) -> dict[str, Any]:
    return {
        "line_number": item.get("lineNumber"),
        "quantity": item.get("quantity"),
        "supplier_part_id": item.findtext("ItemID/SupplierPartID"),
        "description": item.findtext("ItemDetail/Description"),
        "unit_price": item.findtext("ItemDetail/UnitPrice/Money"),
    }


def _answer(code: int, text: str, detail: str) -> Response:
    """A cXML Response; HTTP 200 carries it whatever its Status code says."""
    root = etree.Element("cXML", version=CXML_VERSION, payloadID=f"{time.time_ns()}@supplier")
    root.set("timestamp", datetime.now(UTC).isoformat(timespec="seconds"))
    status = etree.SubElement(etree.SubElement(root, "Response"), "Status")
    status.set("code", str(code))
    status.set("text", text)
    status.set(XML_LANG, "en")
    status.text = detail
    return Response(serialized(root), media_type="text/xml")
