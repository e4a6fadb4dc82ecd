"""After issue through the JSON API: a change order, a delay, invoices by accounts payable, and
the refusals each endpoint gives (role gates, the workflow's rules, malformed money)."""

from __future__ import annotations

from datetime import date

from tests.api import e2e
from tests.api.e2e import Json, Stack, issued_storage, storage_body

stack = e2e.stack


async def _post(stack: Stack, user: str, number: str, what: str, body: Json) -> tuple[int, Json]:
    response = await stack.post(user, f"/api/purchase-orders/{number}/{what}", body)
    return response.status_code, response.json()


async def test_a_change_order_a_delay_and_invoices_through_the_api(stack: Stack) -> None:
    number = await issued_storage(stack, 10)  # 10 TB-months at 21.00 EUR
    lines = (await stack.get("alex", f"/api/purchase-orders/{number}")).json()["detail"][
        "requisition"
    ]["lines"]
    line = {
        "description": lines[0]["description"],
        "quantity": 11,
        "unit_price": "21.00",
        "service_start": lines[0]["service_start"],
        "service_end": lines[0]["service_end"],
    }
    code, changed = await _post(
        stack, "alex", number, "change-orders", {"reason": "one more TB", "lines": [line]}
    )
    assert code == 200, changed
    assert changed["revision"] == 2 and changed["amount_base_minor"] == 23_100

    code, delayed = await _post(stack, "alex", number, "delay", {"days": 31, "reason": "late"})
    assert code == 200 and delayed["revision"] == 3
    assert delayed["requisition"]["lines"][0]["service_start"] > line["service_start"]

    code, refused = await _post(
        stack, "alex", number, "call-offs", {"description": "x", "amount": "1.00"}
    )
    assert (code, refused["rule"]) == (409, "not_blanket")

    invoice = {
        "invoice_number": "NW-1",
        "invoice_date": date.today().isoformat(),
        "amount": "100.00",
    }
    code, _ = await _post(stack, "alex", number, "invoices", invoice)
    assert code == 403  # finance records invoices
    code, bad = await _post(stack, "felix", number, "invoices", invoice | {"amount": "1.005"})
    assert code == 422 and "1.005" in str(bad["detail"])
    code, booked = await _post(stack, "felix", number, "invoices", invoice)
    assert code == 200 and booked["invoices"][0]["relieved_base_minor"] == 10_000
    code, again = await _post(stack, "felix", number, "invoices", invoice)
    assert (code, again["rule"]) == (409, "duplicate_invoice")
    rest = invoice | {"invoice_number": "NW-2", "amount": "131.00"}
    assert (await _post(stack, "felix", number, "invoices", rest))[0] == 200
    closed = await stack.po_when(number, lambda p: p["status"] == "closed")
    assert closed["status"] == "closed"


async def test_a_change_order_needs_a_reason_and_an_issued_po(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body(2))
    await stack.pending(number)
    code, refused = await _post(stack, "alex", number, "delay", {"days": 5, "reason": "late"})
    assert (code, refused["rule"]) == (409, "not_issued")
    code, refused = await _post(
        stack, "alex", number, "change-orders", {"reason": "x", "lines": [{}]}
    )
    assert code == 422
