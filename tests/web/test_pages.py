"""Pages on the real app and worker: login, CSRF, the inbox, the PO page and its decision form."""

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.api import e2e
from tests.web.pages import csrf_of, person, priya_on_a_waiting_po

stack = e2e.stack


async def test_a_wrong_password_is_refused_and_a_right_one_signs_in(stack: e2e.Stack) -> None:
    client = httpx.AsyncClient(transport=stack.http._transport, base_url=stack.http.base_url)
    form = await client.get("/login?next=/inbox")
    token = csrf_of(form.text)
    wrong = await client.post(
        "/login", data={"username": "priya", "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    right = await client.post(
        "/login",
        data={
            "username": "priya",
            "password": "demo",
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert right.status_code == 303 and right.headers["location"] == "/"
    inbox = await client.get("/inbox")
    assert inbox.status_code == 200 and "Priya Natarajan" in inbox.text


async def test_a_form_without_its_csrf_token_is_refused(stack: e2e.Stack) -> None:
    client = await person(stack, "alex")
    refused = await client.post("/logout", data={})
    assert refused.status_code == 403
    assert "another site" in refused.text
    assert (await client.get("/inbox")).status_code == 200  # still signed in


@pytest.mark.parametrize("path", ["/inbox", "/po/PO-1001"])
async def test_pages_need_a_login(stack: e2e.Stack, path: str) -> None:
    response = await stack.http.get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


async def test_an_approver_decides_from_the_inbox_and_a_refusal_shows_its_reason(
    stack: e2e.Stack,
) -> None:
    number = await stack.submit("alex", e2e.subscription_body("900.00", cost_center="IT-INFRA"))
    await stack.pending(number)
    priya = await person(stack, "priya")
    inbox = await priya.get("/inbox")
    assert f'href="/po/{number}"' in inbox.text

    tom = await person(stack, "tom")
    page = await tom.get(f"/po/{number}")
    assert page.status_code == 200 and "waiting on priya" in page.text
    assert "Budget effect" in page.text and "over budget" in page.text  # no SaaS budget at INFRA
    assert "approve-form" not in page.text  # tom's tier comes later: he reads why not
    assert "Waiting on priya (cost-center owner)." in page.text
    refused = await tom.post(
        f"/po/{number}/decide", data={"action": "approve", "csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 403
    assert "Tom may not decide tier" in refused.text and 'role="alert"' in refused.text

    page = await priya.get(f"/po/{number}")
    done = await priya.post(
        f"/po/{number}/decide", data={"action": "approve", "csrf_token": csrf_of(page.text)}
    )
    assert done.status_code == 303
    after = await priya.get(f"/po/{number}")
    assert f"Approved: {number}" in after.text
    moved = await stack.po_when(number, lambda po: po["current_tier"] != "cost-center owner")
    assert [d["actor"] for d in moved["detail"]["decisions"]] == ["priya"]


async def test_nobody_sees_a_po_they_have_no_reason_to_see(stack: e2e.Stack) -> None:
    number = await stack.submit("alex", e2e.subscription_body("800.00", cost_center="IT-INFRA"))
    await stack.pending(number)
    nora = await person(stack, "nora")  # legal, not in this PO's chain
    assert (await nora.get(f"/po/{number}")).status_code == 404
    ines = await person(stack, "ines")  # the auditor sees every PO
    assert (await ines.get(f"/po/{number}")).status_code == 200


def _checked_actions(html: str) -> list[str]:
    """The actions whose form the page shows open (Reject…, Ask…, Forward…, Extend…)."""
    return re.findall(r'<details class="action" id="(\w+)-form" open', html)


async def test_a_refused_decision_form_comes_back_as_filled_in_with_no_action_chosen_for_you(
    stack: e2e.Stack,
) -> None:
    number, priya, page = await priya_on_a_waiting_po(stack)
    assert _checked_actions(page.text) == []

    nothing_chosen = await priya.post(
        f"/po/{number}/decide",
        data={"comment": "looks fine", "csrf_token": csrf_of(page.text)},
    )
    assert nothing_chosen.status_code == 422 and "Choose a decision" in nothing_chosen.text
    assert _checked_actions(nothing_chosen.text) == []
    assert ">looks fine</textarea>" in nothing_chosen.text

    no_comment = await priya.post(
        f"/po/{number}/decide", data={"action": "reject", "csrf_token": csrf_of(page.text)}
    )
    assert no_comment.status_code == 422 and "comment" in no_comment.text
    assert _checked_actions(no_comment.text) == ["reject"]

    with_reason = await priya.post(
        f"/po/{number}/decide",
        data={
            "action": "reject",
            "comment": "Use the shared bucket",
            "csrf_token": csrf_of(no_comment.text),
            "idempotency_key": _form_key(no_comment.text),
        },
    )
    assert with_reason.status_code == 303
    rejected = await stack.po_when(number, lambda po: po["status"] == "rejected")
    assert [d["action"] for d in rejected["detail"]["decisions"]] == ["reject"]


async def test_a_decision_form_sent_twice_decides_once_and_says_so_twice(
    stack: e2e.Stack,
) -> None:
    number, priya, page = await priya_on_a_waiting_po(stack)
    form = {
        "action": "approve",
        "csrf_token": csrf_of(page.text),
        "idempotency_key": _form_key(page.text),
    }
    first = await priya.post(f"/po/{number}/decide", data=form)
    again = await priya.post(f"/po/{number}/decide", data=form)
    assert (first.status_code, again.status_code) == (303, 303)
    issued = await stack.po_when(number, lambda po: po["status"] == "issued")
    assert [d["actor"] for d in issued["detail"]["decisions"]] == ["priya"]


def _form_key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, "the form carries no idempotency key"
    return found.group(1)


def _deciding_for(html: str) -> dict[str, bool]:
    """The Approve form's "deciding" choices, each with whether it is already chosen."""
    select = re.search(r'<select id="on_behalf_of-approve".*?</select>', html, re.S)
    assert select, "the Approve form offers no choice of whom to decide for"
    found = re.findall(r'<option value="(\w*)"( selected)?>([\w ]+)</option>', select.group(0))
    return {label: bool(chosen) for _, chosen, label in found}


async def test_one_who_decides_for_themselves_and_a_delegator_chooses_which_before_it_counts(
    stack: e2e.Stack,
) -> None:
    number = await stack.submit(
        "alex", e2e.subscription_body("90.00", pii=True, dpia_ref="DPIA-2026-14")
    )
    await stack.pending(number)
    approved = await stack.post(
        "sam", f"/api/purchase-orders/{number}/decisions", {"action": "approve"}
    )
    assert approved.status_code == 200, approved.text
    await stack.po_when(number, lambda po: po["current_tier"] == "risk review")
    now = datetime.now(UTC)
    window = {
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
    }
    created = await stack.post(
        "lee", "/api/delegations", {"delegate": "nora", "cost_centers": ["IT-APPS"], **window}
    )
    assert created.status_code == 201, created.text
    try:
        nora = await person(stack, "nora")  # legal herself, and security's lee is away
        page = await nora.get(f"/po/{number}")
        assert _deciding_for(page.text) == {"for myself": False, "on behalf of lee": False}
        unsaid = await nora.post(
            f"/po/{number}/decide", data={"action": "approve", "csrf_token": csrf_of(page.text)}
        )
        assert unsaid.status_code == 422 and "Choose whether you decide for yourself" in unsaid.text
        for_lee = await nora.post(
            f"/po/{number}/decide",
            data={"action": "approve", "on_behalf_of": "lee", "csrf_token": csrf_of(page.text)},
        )
        assert for_lee.status_code == 303
        assert "Approved: " + number + " on behalf of lee" in (await nora.get(f"/po/{number}")).text
    finally:
        assert (
            await stack.delete("lee", f"/api/delegations/{created.json()['id']}")
        ).status_code == 200
    decided = await stack.po_when(number, lambda po: len(po["detail"]["decisions"]) == 2)
    last = decided["detail"]["decisions"][-1]
    assert (last["actor"], last["on_behalf_of"], last["branch"]) == ("nora", "lee", "security")
    assert decided["current_approvers"] == ["nora"]  # legal still waits on nora herself
