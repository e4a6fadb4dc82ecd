"""Change control of a cost document through the real app and worker: finance proposes a rate
card over the JSON API, the review lands in the other finance holder's inbox, the author and
anyone not named are refused, and an approval (JSON API or the review page, which shows the
change against the version in force) puts the version in force."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api import e2e
from tests.builders.cost_documents import KIND, small_rate_cards, task_in_inbox
from tests.web.pages import csrf_of, person

stack = e2e.stack


@pytest.fixture(scope="module", autouse=True)
def rate_cards() -> Iterator[None]:
    with small_rate_cards():
        yield


async def _propose(stack: e2e.Stack, rates: dict[str, int]) -> int:
    body = {"document": {"rates": rates}, "note": "rates for 2027"}
    response = await stack.post("fiona", f"/api/costs/documents/{KIND}", body)
    assert response.status_code == 201, response.text
    version: int = response.json()["version"]
    return version


async def _decide(stack: e2e.Stack, user: str, version: int, **body: str) -> Any:
    path = f"/api/costs/documents/{KIND}/versions/{version}/decision"
    return await stack.post(user, path, body)


async def test_the_author_is_refused_and_finance_approval_puts_the_version_in_force(
    stack: e2e.Stack,
) -> None:
    version = await _propose(stack, {"vm-hour": 4})
    task = await task_in_inbox(stack, "felix", version)
    assert task["kind"] == "cost_document_review" and "fiona" in task["title"]
    assert not [t for t in (await stack.get("fiona", "/api/inbox")).json()["tasks"] if t == task]

    refused = await _decide(stack, "fiona", version, action="approve")
    assert (refused.status_code, refused.json()["rule"]) == (403, "author_may_not_decide")
    refused = await _decide(stack, "maria", version, action="approve")
    assert (refused.status_code, refused.json()["rule"]) == (403, "not_entitled")
    refused = await _decide(stack, "felix", version, action="reject")
    assert (refused.status_code, refused.json()["rule"]) == (422, "comment_required")
    stored = await stack.get("ines", f"/api/costs/documents/{KIND}/versions/{version}")
    assert stored.json()["status"] == "proposed"

    approved = await _decide(stack, "felix", version, action="approve", comment="checked")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == "felix"
    stored = await stack.get("ines", f"/api/costs/documents/{KIND}/versions/{version}")
    assert stored.json()["status"] == "in_force"
    again = await _decide(stack, "felix", version, action="approve")
    assert (again.status_code, again.json()["rule"]) == (409, "not_waiting")


async def test_the_review_page_shows_the_change_and_takes_a_rejection(stack: e2e.Stack) -> None:
    first = await _propose(stack, {"vm-hour": 4, "gb-month": 2})
    await task_in_inbox(stack, "felix", first)
    assert (await _decide(stack, "felix", first, action="approve")).status_code == 200
    second = await _propose(stack, {"vm-hour": 5, "gb-month": 2})
    await task_in_inbox(stack, "felix", second)
    path = f"/costs/documents/{KIND}/versions/{second}"

    felix = await person(stack, "felix")
    inbox = await felix.get("/inbox")
    assert f'href="{path}"' in inbox.text
    page = await felix.get(path)
    assert page.status_code == 200
    assert "<code>/rates/vm-hour</code>" in page.text and f"v{first}, in force" in page.text
    assert "/rates/gb-month" not in page.text  # unchanged keys are no change
    fiona_page = (await (await person(stack, "fiona")).get(path)).text
    assert 'value="approve"' not in fiona_page  # the author is offered no decision

    form = {"csrf_token": csrf_of(page.text), "action": "reject", "comment": ""}
    refused = await felix.post(f"{path}/decision", data=form)
    assert refused.status_code == 422 and "comment" in refused.text
    form["comment"] = "5 is above the market rate"
    rejected = await felix.post(f"{path}/decision", data=form)
    assert rejected.status_code == 303
    stored = await stack.get("ines", f"/api/costs/documents/{KIND}/versions/{second}")
    assert stored.json()["status"] == "rejected"
    assert stored.json()["decision_note"] == "5 is above the market rate"


def _form_key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, "the review form has no idempotency key"
    return found.group(1)


async def test_a_resent_review_form_answers_with_its_first_outcome(stack: e2e.Stack) -> None:
    version = await _propose(stack, {"vm-hour": 7})
    await task_in_inbox(stack, "felix", version)
    path = f"/costs/documents/{KIND}/versions/{version}"
    felix = await person(stack, "felix")
    page = (await felix.get(path)).text
    form = {
        "csrf_token": csrf_of(page),
        "idempotency_key": _form_key(page),
        "action": "approve",
        "comment": "checked",
    }
    first, again = [await felix.post(f"{path}/decision", data=form) for _ in range(2)]
    assert (first.status_code, again.status_code) == (303, 303), again.text
    stored = await stack.get("ines", f"/api/costs/documents/{KIND}/versions/{version}")
    assert stored.json()["status"] == "in_force"
    without_key = await felix.post(f"{path}/decision", data={**form, "idempotency_key": ""})
    assert without_key.status_code == 409  # a new decision is refused: it is decided
