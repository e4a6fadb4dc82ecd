"""Receipts through the JSON API on the whole stack: a third person receives part of an issued
PO, then the rest; the requester and its approver are refused (segregation of duties), and so
is a receipt above the ordered quantity; the receipts are queryable from Postgres and shown on
the PO's page."""

from __future__ import annotations

from datetime import date

from tests.api import e2e
from tests.api.e2e import Json, Stack, issued_storage
from tests.web.pages import person

stack = e2e.stack


async def _receive(
    stack: Stack, user: str, number: str, quantity: object, **headers: str
) -> tuple[int, Json]:
    body = {
        "kind": "goods_received",
        "line": 1,
        "quantity": quantity,
        "received_on": date.today().isoformat(),
        "note": "delivered to the build farm",
    }
    response = await stack.post(user, f"/api/purchase-orders/{number}/receipts", body, headers)
    return response.status_code, response.json()


async def test_a_third_person_receives_an_issued_po_in_parts(stack: Stack) -> None:
    number = await issued_storage(stack, 10)  # 10 TB-months, raised by alex
    po = (await stack.get("ines", f"/api/purchase-orders/{number}")).json()
    approver = next(d["actor"] for d in po["detail"]["decisions"] if d["action"] == "approve")

    for who in ("alex", approver):
        code, refused = await _receive(stack, who, number, "4")
        assert (code, refused["rule"]) == (403, "segregation_of_duties"), who
    code, refused = await _receive(stack, "ines", number, "4")
    assert (code, refused["rule"]) == (403, "role_required")  # an auditor receives nothing
    code, refused = await _receive(stack, "maria", number, 4.5)
    assert code == 422 and refused["errors"][0]["rule"] == "invalid_quantity"  # never a float

    key = {"Idempotency-Key": f"receipt-{number}"}
    code, view = await _receive(stack, "maria", number, "4", **key)
    assert code == 200, view
    assert [(r["line"], r["quantity"], r["actor"]) for r in view["receipts"]] == [(1, "4", "maria")]
    code, again = await _receive(stack, "maria", number, "4", **key)
    assert code == 200 and len(again["receipts"]) == 1  # the resend is the first receipt

    code, refused = await _receive(stack, "maria", number, "6.5")
    assert (code, refused["rule"]) == (422, "over_receipt")
    code, view = await _receive(stack, "felix", number, "6")
    assert code == 200 and view["status"] == "issued"

    listed = (await stack.get("ines", f"/api/purchase-orders/{number}/receipts")).json()
    assert [(r["receipt_number"], r["quantity"], r["received_by"]) for r in listed["receipts"]] == [
        (1, "4", "maria"),
        (2, "6", "felix"),
    ]
    assert listed["received_by_line"] == {"1": "10"}
    page = (await (await person(stack, "maria")).get(f"/po/{number}")).text
    receipts = page.split("<h2>Receipts</h2>")[1].split("</table>")[0]
    assert receipts.count("goods received (delivered to the build farm)") == 2


async def test_a_po_not_yet_issued_takes_no_receipt(stack: Stack) -> None:
    number = await stack.submit("alex", e2e.storage_body(2))
    await stack.pending(number)
    code, refused = await _receive(stack, "maria", number, "1")
    assert (code, refused["rule"]) == (409, "not_issued")
