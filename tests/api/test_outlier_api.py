"""Outlier POs end to end under the demo policy: once Fabrikam's architect days have a history,
a requisition at a day rate far above it waits, after its owner, on the procurement review tier
with the reason in the PO's JSON and on its page; one at the usual rate is issued after its
owner alone; a fractional threshold in an uploaded policy is refused by its rule. The reviewer's
approval mail says why too."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from tests.api import e2e
from tests.builders.policies import demo_policy
from tests.web.pages import person
from tests.web.smtp_catcher import MailInbox, text_of

stack = e2e.mailing_stack

REVIEW = "outlier review"
USUAL_RATES = ("1300.00", "1350.00", "1350.00", "1400.00", "1350.00")  # EUR a day
PEERS = "Fabrikam Consulting professional services POs"


def architect_days(day_rate: str, days: int = 1, offset: int = 0) -> e2e.Json:
    """Solution-architect days under Fabrikam's framework for IT-APPS (owned by sam)."""
    start = date.today() + timedelta(days=10 + offset)
    return {
        "title": "Architecture review",
        "cost_center": "IT-APPS",
        "vendor": "Fabrikam Consulting",
        "service_type": "professional_services",
        "currency": "EUR",
        "contract": "MSA-FB-01",
        "gl_account": "6130",
        "lines": [
            {
                "description": "Solution architect, per day",
                "quantity": days,
                "unit_price": day_rate,
                "service_start": start.isoformat(),
                "service_end": (start + timedelta(days=days - 1)).isoformat(),
            }
        ],
        "business_case_ref": "BC-2026-410",
    }


async def _approved_by_sam(stack: e2e.Stack, body: e2e.Json) -> str:
    number = await stack.submit("alex", body)
    await stack.pending(number)
    decided = await stack.post(
        "sam", f"/api/purchase-orders/{number}/decisions", {"action": "approve"}
    )
    assert decided.status_code == 200, decided.text
    return number


@pytest.fixture(scope="module")
async def history(stack: e2e.Stack) -> None:
    """Five architect-day POs at the usual rates, issued."""
    for n, rate in enumerate(USUAL_RATES):
        number = await _approved_by_sam(stack, architect_days(rate, offset=n))
        await stack.po_when(number, lambda po: po["status"] == "issued")


async def test_a_day_rate_far_above_its_history_waits_on_the_review_with_the_reason(
    stack: e2e.Stack, history: None, mail: tuple[MailInbox, int]
) -> None:
    number = await _approved_by_sam(stack, architect_days("9000.00"))
    po = await stack.po_when(number, lambda po: po["current_tier"] == REVIEW)
    assert po["current_approvers"] == ["paul"]
    detail = po["detail"]
    assert detail["anomaly_score"] >= 4
    assert re.fullmatch(
        rf"unit price 9,000\.00 EUR is [\d.]+ MADs above the median 1,350\.00 EUR of \d+ {PEERS}",
        detail["anomaly_reason"],
    ), detail["anomaly_reason"]

    paul = await person(stack, "paul")
    page = html.unescape((await paul.get(f"/po/{number}")).text)
    box = re.search(r'<section[^>]*id="outlier-review".*?</section>', page, re.S)
    assert box, "the PO page does not say why the PO is under review"
    assert "Why this PO is under review" in box.group(0)
    assert detail["anomaly_reason"] in box.group(0) and REVIEW in box.group(0)

    asked = await mail[0].wait_for("approval_requested", number, "Why this PO is under review")
    assert "paul" in str(asked["To"]).lower()
    assert detail["anomaly_reason"] in " ".join(text_of(asked).split())


async def test_a_day_rate_like_its_history_is_issued_after_its_owner_alone(
    stack: e2e.Stack, history: None
) -> None:
    number = await _approved_by_sam(stack, architect_days("1380.00"))
    po = await stack.po_when(number, lambda po: po["status"] == "issued")
    assert [tier["name"] for tier in po["detail"]["tiers"]] == ["cost-center owner"]
    assert po["detail"]["anomaly_score"] < 4

    alex = await person(stack, "alex")
    page = (await alex.get(f"/po/{number}")).text
    assert 'id="outlier-review"' not in page
    assert 'id="outlier-check"' in page  # the score and its reason stay in the details


async def test_a_requisition_with_too_little_history_is_not_scored(stack: e2e.Stack) -> None:
    body = architect_days("9000.00") | {"vendor": "Tailspin Hardware", "contract": "MSA-TS-01"}
    number = await stack.submit("alex", body)
    po = await stack.pending(number)
    assert po["detail"]["anomaly_score"] is None
    assert "are needed" in po["detail"]["anomaly_reason"]
    assert REVIEW not in [tier["name"] for tier in po["detail"]["tiers"]]


async def test_an_uploaded_policy_with_a_fractional_threshold_is_refused(
    stack: e2e.Stack,
) -> None:
    document = demo_policy()
    document["tiers"][-1]["when"][0]["anomaly_score_at_least"] = 3.5
    body = {"name": "it-purchasing", "document": document, "note": "half a MAD"}
    response = await stack.post("maria", "/api/policies", body)
    assert response.status_code == 422, response.text
    assert "anomaly_score_at_least" in response.text
