"""The cXML OrderRequest adapter against the supplier simulator over real HTTP on loopback: the
document says what the PO says, breaks no rule of the DTD, and makes one order per PO revision,
even when the supplier times out after committing and the activity retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from lxml import etree

from adapters.erp_cxml import (
    DOCTYPE,
    CxmlDocumentInvalid,
    CxmlErp,
    CxmlRefused,
    parse_cxml,
    serialized,
)
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.cxml import CxmlSupplier, cxml_simulator_app
from domain.erp_messages import ErpOrder

SECRET = "cxml-shared-secret"
HEADER = "Request/OrderRequest/OrderRequestHeader"


@pytest.fixture
def supplier() -> Iterator[tuple[CxmlSupplier, str]]:
    held = CxmlSupplier(shared_secret=SECRET)
    sock = loopback_socket()
    with served(cxml_simulator_app(held), sock):
        yield held, f"{url_of(sock)}/cxml"


def _adapter(url: str, secret: str = SECRET, timeout_seconds: float = 10.0) -> CxmlErp:
    return CxmlErp(
        url, "poflow-buyer", "AN01000000001", "poflow-buyer", secret,
        timeout_seconds=timeout_seconds,
    )  # fmt: skip


def _order(
    revision: int = 1, currency: str = "EUR", lines: list[dict[str, object]] | None = None
) -> ErpOrder:
    if lines is None:
        lines = [
            {"description": "Developer suite", "quantity": 3, "unit_price_minor": 4_000_050,
             "sku": "DEV-SUITE"},
            {"description": "Onboarding workshop", "quantity": 1, "unit_price_minor": 99},
        ]  # fmt: skip
    return ErpOrder(
        f"PO-7001:{revision}", "PO-7001", revision, "Contoso Software", currency, 12_000_249,
        "IT-APPS", "6110", list(lines), project="PRJ-42", tax_code="VAT19",
    )  # fmt: skip


def _element(document: etree._Element, path: str) -> etree._Element:
    found = document.find(path)
    assert found is not None, f"{path} is missing"
    return found


def test_the_order_request_says_what_the_po_says(supplier: tuple[CxmlSupplier, str]) -> None:
    held, url = supplier
    receipt = _adapter(url).create_purchase_order(_order())
    [stored] = held.orders.values()
    assert receipt.created and receipt.erp_reference == stored["erp_reference"]
    raw: bytes = stored["document"]
    assert DOCTYPE.encode() in raw.split(b"<cXML", 1)[0]
    document = parse_cxml(raw)
    assert document.get("payloadID") == "PO-7001.1@poflow"
    assert _element(document, "Header/Sender/Credential").findtext("SharedSecret") == SECRET
    header = _element(document, HEADER)
    assert (header.get("orderID"), header.get("type"), header.get("orderVersion")) == (
        "PO-7001", "new", "1",
    )  # fmt: skip
    total = _element(header, "Total/Money")
    assert (total.text, total.get("currency")) == ("120002.49", "EUR")  # never a float
    extrinsics = {e.get("name"): e.text for e in header.iterfind("Extrinsic")}
    assert extrinsics == {
        "CostCenter": "IT-APPS", "GLAccount": "6110", "Project": "PRJ-42", "TaxCode": "VAT19",
    }  # fmt: skip
    assert header.find("DocumentReference") is None
    lines = [
        (item.get("lineNumber"), item.get("quantity"), item.findtext("ItemID/SupplierPartID"),
         item.findtext("ItemDetail/Description"), item.findtext("ItemDetail/UnitPrice/Money"))
        for item in document.iterfind("Request/OrderRequest/ItemOut")
    ]  # fmt: skip
    assert lines == [
        ("1", "3", "DEV-SUITE", "Developer suite", "40000.50"),
        ("2", "1", "", "Onboarding workshop", "0.99"),
    ]


@pytest.mark.parametrize(
    ("currency", "unit_price_minor", "text"),
    [("JPY", 150_000, "150000"), ("KWD", 1_234_567, "1234.567"), ("EUR", 5, "0.05")],
)
def test_amounts_are_decimal_strings_in_the_currency_s_minor_unit(
    currency: str, unit_price_minor: int, text: str
) -> None:
    line = {"description": "Licence", "quantity": 1, "unit_price_minor": unit_price_minor}
    document = _adapter("http://127.0.0.1:9").order_request(
        _order(currency=currency, lines=[line]), datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    )
    assert _element(document, "Request/OrderRequest/ItemOut/ItemDetail/UnitPrice/Money").text == (
        text
    )
    assert _element(document, HEADER).get("orderDate") == "2025-03-01T09:30:00+00:00"


def test_a_document_that_breaks_the_dtd_is_never_sent(
    supplier: tuple[CxmlSupplier, str],
) -> None:
    held, url = supplier
    with pytest.raises(CxmlDocumentInvalid, match="ItemOut"):
        _adapter(url).create_purchase_order(_order(lines=[]))  # OrderRequest needs ItemOut+
    assert held.requests_received == 0


def test_the_supplier_refuses_a_document_that_breaks_the_dtd(
    supplier: tuple[CxmlSupplier, str],
) -> None:
    held, url = supplier
    document = _adapter(url).order_request(_order(), datetime.now(UTC))
    header = _element(document, HEADER)
    header.remove(_element(header, "Total"))
    answer = httpx.post(url, content=serialized(document), headers={"Content-Type": "text/xml"})
    status = _element(parse_cxml(answer.content), "Response/Status")
    assert status.get("code") == "400" and "Total" in (status.text or "")
    assert held.orders == {}


def test_a_wrong_shared_secret_is_refused(supplier: tuple[CxmlSupplier, str]) -> None:
    held, url = supplier
    with pytest.raises(CxmlRefused) as refused:
        _adapter(url, secret="wrong").create_purchase_order(_order())
    assert refused.value.code == 401 and not refused.value.retryable
    assert held.orders == {}


def test_a_resend_creates_nothing_and_a_new_revision_updates_the_order(
    supplier: tuple[CxmlSupplier, str],
) -> None:
    held, url = supplier
    adapter = _adapter(url)
    first = adapter.create_purchase_order(_order())
    again = adapter.create_purchase_order(_order())
    assert first.created and not again.created and again.erp_reference == first.erp_reference
    assert len(held.orders) == 1
    revised = adapter.create_purchase_order(_order(revision=2))
    assert revised.created and revised.erp_reference == first.erp_reference
    update = held.orders["PO-7001.2@poflow"]
    assert (update["type"], update["order_id"], update["order_version"]) == (
        "update",
        "PO-7001",
        "2",
    )
    reference = _element(parse_cxml(update["document"]), f"{HEADER}/DocumentReference")
    assert reference.get("payloadID") == "PO-7001.1@poflow"
    assert len(held.orders) == 2


def test_a_retry_after_a_timeout_past_the_commit_finds_the_first_order(
    supplier: tuple[CxmlSupplier, str],
) -> None:
    held, url = supplier
    held.stall_after_commit = 3.0
    with pytest.raises(httpx.TimeoutException):
        _adapter(url, timeout_seconds=0.5).create_purchase_order(_order())
    [first] = held.orders.values()  # committed, but the answer never came
    retried = _adapter(url).create_purchase_order(_order())
    assert not retried.created and retried.erp_reference == first["erp_reference"]
    assert len(held.orders) == 1 and held.requests_received == 2


def test_an_answer_that_is_not_cxml_raises_the_http_error(
    supplier: tuple[CxmlSupplier, str],
) -> None:
    held, url = supplier
    with pytest.raises(httpx.HTTPStatusError) as failed:
        _adapter(f"{url}/elsewhere").create_purchase_order(_order())
    assert failed.value.response.status_code == 404 and held.orders == {}
