"""The PO page's decision card and timeline on the real app and worker: no made-up figures
before the PO is routed, the GL account it books to, later tiers as upcoming, over-budget
figures marked in words, a tier's required comment said before pressing, and a choice of how
long to extend a deadline."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from tests.api import e2e
from tests.web.pages import csrf_of, person, priya_on_a_waiting_po

stack = e2e.stack


@pytest.fixture(scope="module")
async def no_worker_yet(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
) -> AsyncIterator[e2e.Stack]:
    """The app on a task queue no worker polls: a PO stays as it was submitted."""
    settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_task_queue=f"unpolled-{uuid.uuid4().hex[:8]}",
    )
    serving = e2e.serve_app_alone(demo_database_url, temporal_env, demo_sessions, settings)
    async with serving as stack:
        yield stack


def words(page: str, pattern: str = r"<main.*</main>") -> str:
    """The text a reader sees in the part of ``page`` that ``pattern`` matches."""
    found = re.search(pattern, page, re.S)
    assert found, f"nothing matches {pattern}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def fact(page: str, label: str) -> str:
    return words(page, rf"<dt>{label}</dt>\s*<dd[^>]*>.*?</dd>").removeprefix(label).strip()


async def test_right_after_submit_the_page_says_what_is_being_prepared_not_zeros(
    no_worker_yet: e2e.Stack,
) -> None:
    number = await no_worker_yet.submit("alex", e2e.subscription_body(currency="USD"))
    alex = await person(no_worker_yet, "alex")
    page = (await alex.get(f"/po/{number}")).text
    shown = words(page)
    assert "0.00 EUR" not in shown and "None" not in shown
    assert "base-currency amount being converted" in shown
    assert fact(page, "Policy") == "being chosen…"
    chain = words(page, r'<section[^>]*id="timeline".*?</section>')
    assert "The approval chain is being prepared" in chain


async def test_later_tiers_read_upcoming_while_the_first_is_open(stack: e2e.Stack) -> None:
    body = e2e.subscription_body("30000.00", cost_center="IT-INFRA", gl_account="6100")
    number = await stack.submit("sam", body)  # priya, then tom (IT leadership)
    await stack.po_when(number, lambda po: po["current_approvers"] == ["priya"])
    page = (await (await person(stack, "tom")).get(f"/po/{number}")).text
    chain = words(page, r'<ol class="timeline">.*?</ol>')
    assert "waiting on tom" not in chain
    assert "Tier 1: cost-center owner now waiting on priya · due in" in chain
    assert "Tier 2: IT leadership upcoming then tom" in chain
    card = words(page, r'<p class="card-tier[^"]*".*?</p>')
    assert card.startswith(
        "Tier 1 of 2: cost-center owner (priya), then IT leadership (tom) · due in"
    )


async def test_an_over_budget_po_says_so_in_words_by_how_much_and_the_tier_asks_a_reason(
    stack: e2e.Stack,
) -> None:
    number = await stack.submit("alex", e2e.subscription_body("900.00", cost_center="IT-INFRA"))
    await stack.pending(number)  # no SaaS budget at IT-INFRA: over budget, finance decides too
    approved = await stack.post(
        "priya", f"/api/purchase-orders/{number}/decisions", {"action": "approve"}
    )
    assert approved.status_code == 200, approved.text
    await stack.po_when(number, lambda po: po["current_tier"] == "finance")
    page = (await (await person(stack, "fiona")).get(f"/po/{number}")).text
    negative = re.findall(r'<td class="money over-budget">(.*?)</td>', page, re.S)
    assert negative and all("(over budget)" in words(cell, ".*") for cell in negative)
    short = re.findall(r"<strong>-([\d,.]+) EUR</strong>", "".join(negative))
    shortfall = sum(Decimal(amount.replace(",", "")) for amount in short)  # periods short
    assert shortfall >= Decimal("900.00")  # this PO's line has no budget at all
    budget = words(page, r'<p class="card-budget[^"]*".*?</p>')
    assert budget.startswith(f"Over budget by {shortfall:,.2f} EUR on IT-INFRA"), budget
    approve_form = re.search(r'<form[^>]*class="action-form approve-form".*?</form>', page, re.S)
    assert approve_form, "fiona is offered no Approve button"
    assert "required aria-required" in approve_form.group(0)
    assert "required: this tier asks every approver to give a reason" in words(
        approve_form.group(0), ".*"
    )


async def test_after_issue_the_page_names_the_gl_account_booked(stack: e2e.Stack) -> None:
    number = await stack.submit("alex", e2e.storage_body())  # a catalog item, no GL given
    await stack.pending(number)
    approved = await stack.post(
        "priya", f"/api/purchase-orders/{number}/decisions", {"action": "approve"}
    )
    assert approved.status_code == 200, approved.text
    await stack.po_when(number, lambda po: po["status"] == "issued")
    page = (await (await person(stack, "alex")).get(f"/po/{number}")).text
    assert re.fullmatch(r"\d{4}", fact(page, "GL account")), fact(page, "GL account")
    budget = words(page, r'<details[^>]*id="budget-details".*?</summary>')
    assert f"GL {fact(page, 'GL account')}" in budget


async def test_the_approver_extends_the_deadline_by_the_time_they_choose(stack: e2e.Stack) -> None:
    number, priya, page = await priya_on_a_waiting_po(stack)
    extend = words(page.text, r'<details class="action" id="extend_deadline-form".*?</details>')
    assert "Extend the deadline by (once) 1 day 2 days" in extend  # the tier lasts 48 hours
    assert "3 days" not in extend
    before = await stack.pending(number)
    response = await priya.post(
        f"/po/{number}/decide",
        data={
            "action": "extend_deadline",
            "extend_minutes": "1440",
            "comment": "Waiting for the storage quote",
            "on_behalf_of": "",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 303
    after = await stack.po_when(number, lambda po: po["detail"]["decisions"] != [])
    deadline = [
        datetime.fromisoformat(po["detail"]["tiers"][0]["branches"][0]["deadline_at"])
        for po in (before, after)
    ]
    assert deadline[1] - deadline[0] == timedelta(days=1)
    again = (await priya.get(f"/po/{number}")).text
    assert 'id="extend_deadline-form"' not in again  # once only
    assert "extended" in words(again, r'<ol class="timeline">.*?</ol>')
