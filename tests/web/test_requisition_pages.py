"""The requester's pages on the real app and worker: the requisition form with the demo catalog,
its refusals shown next to the fields, one PO per form, and answering a request for information."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import httpx
from sqlalchemy import func, select

from models.purchase_orders.records import PurchaseOrder
from tests.api import e2e
from tests.web.pages import csrf_of, person

stack = e2e.stack


def _key_of(page: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert found, "the form has no idempotency key"
    return found.group(1)


def _storage_form(page: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    """Object storage from Northwind's catalog at its MSA price, as alex would fill the form."""
    start = date.today() + timedelta(days=5)
    form: dict[str, str | list[str]] = {
        "csrf_token": csrf_of(page),
        "idempotency_key": _key_of(page),
        "title": "Build cache storage",
        "vendor": "Northwind Cloud Services",
        "contract": "MSA-NW-01",
        "catalog_sku": "NW-OBJ-TB",
        "quantity": "3",
        "service_start": start.isoformat(),
        "service_end": (start + timedelta(days=30)).isoformat(),
        "cost_center": "IT-INFRA",
        "business_case_ref": "BC-2026-501",
    }
    return form | changes


def _error_of(page: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error shown next to {field}"
    return html.unescape(found.group(1))


def _count_for_title(stack: e2e.Stack, title: str) -> int:
    with stack.sessions() as session:
        counted = session.scalar(
            select(func.count()).select_from(PurchaseOrder).where(PurchaseOrder.title == title)
        )
    return counted or 0


async def _new_form(client: httpx.AsyncClient) -> str:
    page = await client.get("/requisitions/new")
    assert page.status_code == 200, page.text
    return page.text


async def test_the_form_offers_the_demo_catalog_grouped_by_vendor_and_msa(
    stack: e2e.Stack,
) -> None:
    page = await _new_form(await person(stack, "alex"))
    assert '<optgroup label="Northwind Cloud Services" data-vendor="Northwind Cloud Services">' in (
        page
    )
    assert 'data-contract="MSA-NW-01"' in page and 'value="MSA-CS-01"' in page
    assert 'value="NW-OBJ-TB"' in page and "21.00 EUR per TB-month" in page
    assert "Litware Security (blocked)" in page
    for field in ("title", "unit_price", "service_start", "dpia_ref", "incident_ref"):
        assert f'<label for="{field}">' in page
    assert 'name="risk_flags" value="handles_pii"' in page


async def test_a_catalog_requisition_becomes_a_po_and_its_page_opens(stack: e2e.Stack) -> None:
    alex = await person(stack, "alex")
    page = await _new_form(alex)
    sent = await alex.post("/requisitions", data=_storage_form(page))
    assert sent.status_code == 303, sent.text
    number = sent.headers["location"].removeprefix("/po/")
    po = await stack.pending(number)
    assert (po["requester"], po["amount_minor"], po["current_approvers"]) == (
        "alex",
        6_300,
        ["priya"],
    )
    line = po["detail"]["requisition"]["lines"][0]
    assert (line["catalog_sku"], line["description"]) == (
        "NW-OBJ-TB",
        "Object storage, per TB-month",
    )
    opened = await alex.get(sent.headers["location"])
    assert opened.status_code == 200 and f"Requisition submitted: {number}" in opened.text


async def test_a_refusal_shows_each_message_by_its_field_and_keeps_the_values(
    stack: e2e.Stack,
) -> None:
    alex = await person(stack, "alex")
    page = await _new_form(alex)
    refused = await alex.post(
        "/requisitions",
        data=_storage_form(
            page,
            title="Refused storage",
            vendor="Litware Security",
            risk_flags=["handles_pii", "critical_service"],
            itsm_ticket="RITM0010042",
            unit_price="19.50",
        ),
    )
    assert refused.status_code == 422
    text = refused.text
    assert "blocked; choose an approved vendor" in _error_of(text, "vendor")
    assert "MSA-NW-01 is an MSA with Northwind Cloud Services" in _error_of(text, "contract")
    assert "needs a DPIA reference" in _error_of(text, "dpia_ref")
    assert 'aria-describedby="dpia_ref-hint dpia_ref-error" aria-invalid="true"' in text
    assert 'role="alert"' in text
    assert 'value="Refused storage"' in text and 'value="RITM0010042"' in text
    assert 'value="19.50"' in text
    assert 'value="handles_pii" checked' in text and 'value="critical_service" checked' in text
    assert 'value="Litware Security" selected' in text
    assert _key_of(text) == _key_of(page)  # nothing stored: the same form may be sent again
    assert _count_for_title(stack, "Refused storage") == 0


async def test_a_control_character_or_a_quantity_out_of_range_is_refused_on_its_field(
    stack: e2e.Stack,
) -> None:
    before = await stack.submit("alex", e2e.storage_body())
    alex = await person(stack, "alex")
    page = await _new_form(alex)
    refused = await alex.post(
        "/requisitions",
        data=_storage_form(page, title="Build\x00cache", quantity=str(10**20)),
    )
    assert refused.status_code == 422
    assert "control character U+0000" in _error_of(refused.text, "title")
    assert "quantity above" in _error_of(refused.text, "quantity")
    assert _key_of(refused.text) == _key_of(page)
    after = await stack.submit("alex", e2e.storage_body())
    assert int(after.removeprefix("PO-")) == int(before.removeprefix("PO-")) + 1


async def test_an_amount_that_is_not_money_is_shown_on_its_field(stack: e2e.Stack) -> None:
    alex = await person(stack, "alex")
    page = await _new_form(alex)
    refused = await alex.post(
        "/requisitions",
        data=_storage_form(page, catalog_sku="", description="Storage", unit_price="21.005"),
    )
    assert refused.status_code == 422
    assert "more decimals than EUR allows" in _error_of(refused.text, "unit_price")
    assert "Choose a GL account" in _error_of(refused.text, "gl_account")


async def test_only_requesters_open_the_form(stack: e2e.Stack) -> None:
    ines = await person(stack, "ines")
    assert (await ines.get("/requisitions/new")).status_code == 403
    assert (await ines.get("/my-requests")).status_code == 403
    alex = await person(stack, "alex")
    page = await _new_form(alex)
    posted = await ines.post("/requisitions", data=_storage_form(page))
    assert posted.status_code == 403


async def test_a_form_sent_twice_makes_one_po(stack: e2e.Stack) -> None:
    alex = await person(stack, "alex")
    page = await _new_form(alex)
    form = _storage_form(page, title="Sent twice")
    first = await alex.post("/requisitions", data=form)
    second = await alex.post("/requisitions", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert _count_for_title(stack, "Sent twice") == 1
    assert _key_of(await _new_form(alex)) != _key_of(page)


async def test_alex_answers_a_request_for_information_from_my_requests(stack: e2e.Stack) -> None:
    alex = await person(stack, "alex")
    sent = await alex.post("/requisitions", data=_storage_form(await _new_form(alex)))
    number = sent.headers["location"].removeprefix("/po/")
    await stack.pending(number)
    listed = await alex.get("/my-requests")
    assert listed.status_code == 200 and f'href="/po/{number}"' in listed.text

    asked = await stack.post(
        "priya",
        f"/api/purchase-orders/{number}/decisions",
        {"action": "request_information", "comment": "Which pipelines use it?"},
    )
    assert asked.status_code == 200, asked.text
    await stack.po_when(number, lambda po: po["status"] == "information_requested")
    page = (await alex.get("/my-requests")).text
    assert "Which pipelines use it?" in page
    path = f"/my-requests/{number}/answer"
    assert f'action="{path}"' in page

    blank = await alex.post(path, data={"csrf_token": csrf_of(page), "answer": "  "})
    assert blank.status_code == 422 and "An answer is required" in blank.text
    answered = await alex.post(
        path, data={"csrf_token": csrf_of(page), "answer": "The monorepo's CI"}
    )
    assert answered.status_code == 303 and answered.headers["location"] == "/my-requests"
    po = await stack.pending(number)
    assert po["detail"]["information_request"] is None
    after = await alex.get("/my-requests")
    assert f"Answer sent: {number}" in after.text
    again = await alex.post(path, data={"csrf_token": csrf_of(page), "answer": "again"})
    assert again.status_code == 409 and "No information was requested." in again.text
