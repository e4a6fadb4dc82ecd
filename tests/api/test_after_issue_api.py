"""After issue through the JSON API: a change order, a delay, invoices by accounts payable, and
the refusals each endpoint gives (role gates, the workflow's rules, malformed money)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.api import e2e
from tests.api.e2e import Json, Stack, storage_body

stack = e2e.stack


async def _issued_storage(stack: Stack, terabytes: int) -> str:
    number = await stack.submit("alex", storage_body(terabytes))
    await stack.pending(number)
    for _ in range(5):  # the owner's tier, then finance's when earlier tests spent the line
        po = await stack.po_when(number, _decided_or_waiting)
        if po["status"] == "issued":
            return number
        approver = next(p for p in po["current_approvers"] if p != "felix")
        decision = {"action": "approve", "comment": "needed"}
        response = await stack.post(approver, f"/api/purchase-orders/{number}/decisions", decision)
        assert response.status_code == 200, response.text
        await stack.po_when(number, _moved_on_from(po["current_approvers"]))
    raise AssertionError(f"{number} was not issued")


def _moved_on_from(approvers: list[str]) -> Callable[[Json], bool]:
    return lambda po: po["current_approvers"] != approvers


def _decided_or_waiting(po: Json) -> bool:
    return po["status"] == "issued" or bool(po["current_approvers"])


async def _post(stack: Stack, user: str, number: str, what: str, body: Json) -> tuple[int, Json]:
    response = await stack.post(user, f"/api/purchase-orders/{number}/{what}", body)
    return response.status_code, response.json()


async def test_a_change_order_a_delay_and_invoices_through_the_api(stack: Stack) -> None:
    number = await _issued_storage(stack, 10)  # 10 TB-months at 21.00 EUR
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
