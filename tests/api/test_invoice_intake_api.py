"""Invoice documents through the JSON API on the whole stack: a cXML InvoiceDetailRequest and a
UBL 2.1 invoice for an issued PO are stored with their lines and recorded on the PO; each
delivered twice is stored and recorded once; the same number in the other format is refused as
a duplicate; documents that break their DTD or schema, name no PO of their vendor, or come from
the PO's own requester are refused and nothing is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.catalog import Role
from models.db import unit_of_work
from models.people.accounts import find_user, issue_api_token, upsert_user
from tests.api import e2e
from tests.api.e2e import Json, Stack, issued_storage

stack = e2e.stack
DATA = Path(__file__).parents[1] / "data" / "invoices"
CXML = (DATA / "contoso-invoice.cxml.xml").read_text(encoding="utf-8")
UBL = (DATA / "contoso-invoice.ubl.xml").read_text(encoding="utf-8")
# The samples' Contoso invoice, re-cut for Northwind's storage PO (e2e.storage_body, 21.00 EUR a
# TB-month): 4 and 2 TB-months, 19 % VAT on each line, 126.00 net, 23.94 VAT, 149.94 payable.
FIGURES = {
    'quantity="60"': 'quantity="4"',
    'unitCode="C62">60<': 'unitCode="C62">4<',
    "499.00": "21.00",
    "29940.00": "84.00",
    "5688.60": "15.96",
    "1350.00": "21.00",
    "2700.00": "42.00",
    "513.00": "7.98",
    "32640.00": "126.00",
    "6201.60": "23.94",
    "38841.60": "149.94",
    "Contoso Software GmbH": "Northwind Cloud Services GmbH",
}


def invoice_document(sample: str, po_number: str, invoice_number: str, **changes: str) -> bytes:
    """``sample`` as Northwind's invoice ``invoice_number`` for ``po_number``, then ``changes``
    (each text replaced by another, present in the sample)."""
    document = sample.replace("PO-1010", po_number).replace("CS-INV-2026-1187", invoice_number)
    for old, new in FIGURES.items():  # each format holds some (a figure missed would not add up)
        document = document.replace(old, new)
    for old, new in changes.items():
        assert old in document, f"{old!r} is not in the sample"
        document = document.replace(old, new)
    return document.encode()


async def deliver(
    stack: Stack, user: str, document: bytes, media_type: str = "application/xml"
) -> tuple[int, Json]:
    headers = stack.auth(user, **{"Content-Type": media_type})
    response = await stack.http.post("/api/invoices", content=document, headers=headers)
    return response.status_code, response.json()


async def stored_for(stack: Stack, po_number: str) -> list[Json]:
    response = await stack.get("ines", "/api/invoices", po=po_number)
    assert response.status_code == 200, response.text
    listed: list[Json] = response.json()
    return listed


async def test_invoices_in_both_formats_are_stored_once_with_lines_and_recorded(
    stack: Stack,
) -> None:
    number = await issued_storage(stack, 20)  # 420.00 EUR
    first, second = f"NW-{number}-A", f"NW-{number}-B"
    cxml = invoice_document(CXML, number, first)

    code, stored = await deliver(stack, "felix", cxml)
    assert code == 201, stored
    assert (stored["format"], stored["po_number"], stored["invoice_number"]) == (
        "cxml",
        number,
        first,
    )
    assert (stored["net_minor"], stored["tax_minor"], stored["total_minor"]) == (
        12_600,
        2_394,
        14_994,
    )
    assert [
        (line["po_line"], line["quantity"], line["unit_price_minor"], line["tax_minor"])
        for line in stored["lines"]
    ] == [("1", "4", 2_100, 1_596), ("2", "2", 2_100, 798)]

    # Delivered twice: the same document, then the network's resend in a new envelope.
    code, again = await deliver(stack, "felix", cxml, "text/xml; charset=utf-8")
    assert (code, again["id"]) == (200, stored["id"])
    resent = cxml.replace(b"1764490500.4821@", b"1764577200.0007@")
    code, again = await deliver(stack, "fiona", resent)
    assert (code, again["id"], again["delivered_by"]) == (200, stored["id"], "felix")

    # The same number in the other format is another document under a number already taken.
    code, refused = await deliver(stack, "felix", invoice_document(UBL, number, first))
    assert (code, refused["rule"]) == (409, "duplicate_invoice")
    assert f"id {stored['id']}" in refused["detail"]

    ubl = invoice_document(UBL, number, second)
    code, stored_ubl = await deliver(stack, "felix", ubl)
    assert code == 201 and stored_ubl["format"] == "ubl", stored_ubl
    assert [line["tax_minor"] for line in stored_ubl["lines"]] == [None, None]
    code, again = await deliver(stack, "felix", ubl)
    assert (code, again["id"]) == (200, stored_ubl["id"])

    listed = await stored_for(stack, number)
    assert [(i["invoice_number"], i["format"], len(i["lines"])) for i in listed] == [
        (first, "cxml", 2),
        (second, "ubl", 2),
    ]
    one = (await stack.get("ines", f"/api/invoices/{stored['id']}")).json()
    assert one == listed[0]
    po = await stack.po_when(number, lambda po: len(po["detail"]["invoices"]) == 2)
    recorded = [(i["invoice_number"], i["amount_minor"]) for i in po["detail"]["invoices"]]
    assert recorded == [(first, 12_600), (second, 12_600)]  # once each, net of VAT
    assert po["status"] == "issued"


@pytest.mark.parametrize(
    ("sample", "old", "new"),
    [
        (CXML, "<PaymentTerm", "<InvoiceDetailShipping/><PaymentTerm"),
        (UBL, "<cbc:IssueDate>2026-11-30", "<cbc:IssueDate>30.11.2026"),
    ],
    ids=["cxml-dtd-invalid", "ubl-xsd-invalid"],
)
async def test_an_invalid_document_is_refused_and_nothing_is_stored(
    stack: Stack, sample: str, old: str, new: str
) -> None:
    number = await stack.submit("alex", e2e.storage_body(1))
    document = invoice_document(sample, number, f"NW-{number}-X", **{old: new})
    code, refused = await deliver(stack, "felix", document)
    assert (code, refused["rule"]) == (422, "schema_invalid"), refused
    assert await stored_for(stack, number) == []


async def test_documents_naming_no_po_of_their_vendor_are_refused(stack: Stack) -> None:
    number = await stack.submit("alex", e2e.storage_body(1))
    valid = invoice_document(UBL, number, f"NW-{number}-Y")
    code, refused = await deliver(stack, "felix", valid.replace(number.encode(), b"PO-999999"))
    assert (code, refused["rule"]) == (422, "unknown_po")
    other_vendor = invoice_document(
        UBL, number, f"NW-{number}-Y", **{"Northwind Cloud Services GmbH": "Fabrikam Consulting"}
    )
    code, refused = await deliver(stack, "felix", other_vendor)
    assert (code, refused["rule"]) == (422, "vendor_mismatch")
    code, refused = await deliver(stack, "felix", valid, "application/json")
    assert (code, refused["rule"]) == (415, "unsupported_media_type")
    code, refused = await deliver(stack, "felix", valid + b"<!--" + b"x" * 300_000 + b"-->")
    assert (code, refused["rule"]) == (413, "body_too_large")
    code, refused = await deliver(stack, "alex", valid)
    assert (code, refused["rule"]) == (403, "role_required")  # finance delivers invoices
    assert await stored_for(stack, number) == []


@pytest.fixture
async def requester_in_finance(stack: Stack) -> AsyncIterator[str]:
    """A requester who also works in finance, deactivated afterwards (other tests count the
    active finance users)."""
    with unit_of_work(stack.sessions) as session:
        manager = find_user(session, "priya")
        user = upsert_user(session, "rhea", roles=[Role.REQUESTER, Role.FINANCE], manager=manager)
        user.active = True
        stack.tokens["rhea"] = issue_api_token(session, user, label="invoice intake test")
    try:
        yield "rhea"
    finally:
        with unit_of_work(stack.sessions) as session:
            found = find_user(session, "rhea")
            assert found is not None
            found.active = False


async def test_the_requester_of_the_po_may_not_deliver_its_invoice(
    stack: Stack, requester_in_finance: str
) -> None:
    number = await issued_storage(stack, 2, requester=requester_in_finance)
    document = invoice_document(CXML, number, f"NW-{number}-R")
    code, refused = await deliver(stack, requester_in_finance, document)
    assert (code, refused["rule"]) == (403, "segregation_of_duties")
    assert await stored_for(stack, number) == []
    po = (await stack.get("ines", f"/api/purchase-orders/{number}")).json()
    assert po["detail"]["invoices"] == []
