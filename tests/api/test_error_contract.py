"""Every refusal and error of the JSON API has one shape, ``{"detail": text, "rule": name}``
(with ``errors`` listing each field that failed validation), and the OpenAPI document declares
it for every error each operation can answer."""

from __future__ import annotations

from typing import Any

from tests.api import e2e
from tests.api.e2e import Stack

stack = e2e.stack


def _problem(body: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(body.get("detail"), str) and isinstance(body.get("rule"), str), body
    return body


async def test_a_role_refusal_names_its_rule_on_every_po_update(stack: Stack) -> None:
    for update in (
        "decisions",
        "cancel",
        "information",
        "renewal",
        "change-orders",
        "delay",
        "invoices",
        "call-offs",
    ):
        refused = await stack.post("ines", f"/api/purchase-orders/PO-1/{update}", {})
        assert refused.status_code == 403, update
        assert _problem(refused.json())["rule"] == "role_required"


async def test_a_body_that_is_not_valid_lists_each_field_with_the_rule(stack: Stack) -> None:
    refused = await stack.post("priya", "/api/purchase-orders/PO-1/decisions", {"action": "nod"})
    assert refused.status_code == 422
    problem = _problem(refused.json())
    assert problem["rule"] == "invalid_request"
    assert [(e["field"], e["rule"]) for e in problem["errors"]] == [("action", "enum")]
    assert problem["detail"].startswith("action: ")


async def test_refusals_of_reports_budgets_and_preferences_name_their_rule(stack: Stack) -> None:
    year_zero = await stack.get("ines", "/api/reports/budget", fiscal_year=0)
    assert year_zero.status_code == 422
    assert _problem(year_zero.json())["rule"] == "fiscal_year_out_of_range"
    unreachable = await stack.http.put(
        "/api/me/notification-preferences",
        json={"email": False, "chat": False, "digest": False},
        headers=stack.auth("alex"),
    )
    assert unreachable.status_code == 422
    assert _problem(unreachable.json())["rule"] == "unreachable_choice"
    tenth_of_a_cent = await stack.http.put(
        "/api/budgets/IT-INFRA/6100/2027/1",
        json={"amount": "12.345", "reason": "typo"},
        headers=stack.auth("felix"),
    )
    assert tenth_of_a_cent.status_code == 422
    assert _problem(tenth_of_a_cent.json())["rule"] == "invalid_amount"
    unknown = await stack.get("ines", "/api/purchase-orders/PO-0")
    assert unknown.status_code == 404
    assert _problem(unknown.json())["rule"] == "not_found"
    anonymous = await stack.http.get("/api/me")
    assert anonymous.status_code == 401
    assert _problem(anonymous.json())["rule"] == "not_authenticated"


async def test_the_openapi_document_declares_the_error_shape_for_every_error(
    stack: Stack,
) -> None:
    document = (await stack.http.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert {"detail", "rule"} <= set(schemas["Problem"]["required"])
    for path, operations in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            codes = {int(code) for code in operation["responses"] if code != "default"}
            assert {400, 401, 413, 422, 500, 503} <= codes, (method, path)
            for code in codes - set(range(100, 400)):
                schema = operation["responses"][str(code)]["content"]["application/json"]["schema"]
                declared = schemas[schema["$ref"].rsplit("/", 1)[1]]
                assert {"detail", "rule"} <= set(declared["required"]), (method, path, code)
            retry_after = operation["responses"]["503"]["headers"]
            assert "Retry-After" in retry_after, (method, path)
