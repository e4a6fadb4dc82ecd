"""Refusals on pages read as plain sentences, without poflow's identifiers or a schema
library's messages, while the API's problem body keeps the machine ``rule`` programs branch on:
a refused decision, a policy document that breaks the schema, a report asked for badly."""

from __future__ import annotations

import html
import json
import re

from cli.demo_data import POLICY_NAME
from tests.api import e2e
from tests.web.pages import csrf_of, person, priya_on_a_waiting_po

stack = e2e.stack


def _texts(page: str, pattern: str) -> list[str]:
    """The text of each element ``pattern`` finds, tags dropped."""
    found = re.findall(pattern, page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in found]


async def test_a_decision_refused_for_want_of_a_comment_says_what_to_do_in_words(
    stack: e2e.Stack,
) -> None:
    number, priya, page = await priya_on_a_waiting_po(stack)
    refused = await priya.post(
        f"/po/{number}/decide",
        data={"action": "request_information", "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 422
    shown = _texts(refused.text, r'<p[^>]*id="refusal"[^>]*>(.*?)</p>')
    assert shown == ["A comment is required to ask for information here."]

    answered = await stack.post(
        "priya", f"/api/purchase-orders/{number}/decisions", {"action": "request_information"}
    )
    assert answered.status_code == 422
    assert answered.json()["rule"] == "comment_required"


async def test_a_policy_document_that_breaks_the_schema_is_refused_in_sentences(
    stack: e2e.Stack,
) -> None:
    maria = await person(stack, "maria")
    form = await maria.get("/admin/policies")
    tier = {"name": "solo", "approvers": {"role": "cfo"}, "deadline_hours": "two", "colour": 1}
    document = f'{{"tiers": [{json.dumps(tier)}], "base_currency": "EUR"}}'
    refused = await maria.post(
        "/admin/policies",
        data={"csrf_token": csrf_of(form.text), "name": POLICY_NAME, "document": document},
    )
    assert refused.status_code == 422
    listed = _texts(refused.text, r'<div[^>]*id="document-errors".*?<ul>(.*?)</ul>')[0]
    assert "$.tiers[0].deadline_hours: Deadline hours must be a whole number." in listed
    assert "$.tiers[0]: Entry 1 of tiers takes no colour; remove it." in listed
    assert "$.tiers[0].approvers.role: Role must be one of: requester, approver" in listed
    for raw in ("is not of type", "Additional properties", "is not one of", "'integer'"):
        assert raw not in refused.text

    answered = await stack.post(
        "maria", "/api/policies", {"name": POLICY_NAME, "document": {"tiers": [tier]}}
    )
    assert answered.status_code == 422
    assert answered.json()["rule"] == "invalid_policy"
    assert {error["rule"] for error in answered.json()["errors"]} == {"policy_schema"}


async def test_a_report_asked_for_with_a_bad_parameter_says_what_to_enter(
    stack: e2e.Stack,
) -> None:
    fiona = await person(stack, "fiona")
    refused = await fiona.get("/reports/budget", params={"fiscal_year": "nineteen"})
    assert refused.status_code == 422
    assert _texts(refused.text, r'<p role="alert">(.*?)</p>') == [
        "Fiscal year must be a whole number."
    ]

    answered = await stack.get("fiona", "/api/reports/budget", fiscal_year="nineteen")
    assert answered.status_code == 422
    assert answered.json()["rule"] == "invalid_request"
    assert answered.json()["errors"][0]["field"] == "fiscal_year"
