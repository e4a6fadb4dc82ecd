"""The out-of-office delegation page, on the real app and worker: a delegate sees the delegator's
POs until the delegation is revoked, and a wrong delegation comes back with its reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.purchase_orders.governance import DelegationRow
from tests.api import e2e
from tests.web.pages import datetime_local, person, post_form, submit_form, table_row

stack = e2e.stack


# -- delegations -----------------------------------------------------------------------------


async def test_a_delegate_sees_the_delegators_pos_until_it_is_revoked(stack: e2e.Stack) -> None:
    body = e2e.subscription_body("500.00", cost_center="IT-INFRA", gl_account="6100")
    number = await stack.submit("alex", body)
    await stack.pending(number)
    priya, tom = await person(stack, "priya"), await person(stack, "tom")
    assert f'href="/po/{number}"' not in (await tom.get("/inbox")).text

    now = datetime.now(UTC)
    window = {
        "starts_at": datetime_local(now - timedelta(minutes=5)),
        "ends_at": datetime_local(now + timedelta(2)),
    }
    scope = {"cost_centers": ["IT-INFRA"], "max_amount": "1000.00"}
    created = await submit_form(priya, "/delegations", {"delegate": "tom", **window, **scope})
    assert created.status_code == 303, created.text
    mine = await priya.get("/delegations")
    assert "tom decides for you" in mine.text
    ids = re.findall(r'action="/delegations/(\d+)/revoke"', mine.text)
    assert ids
    row = table_row(mine.text, f"delegation-{ids[0]}")
    assert "tom" in row and "IT-INFRA" in row and "1,000.00 EUR" in row and ">active<" in row
    theirs = await tom.get("/delegations")
    assert ">priya<" in table_row(theirs.text, f"delegation-{ids[0]}")

    inbox = await tom.get("/inbox")
    assert f'href="/po/{number}"' in inbox.text and "for priya" in inbox.text

    not_mine = await post_form(tom, "/delegations", f"/delegations/{ids[0]}/revoke", {})
    assert not_mine.status_code == 403
    revoked = await post_form(priya, "/delegations", f"/delegations/{ids[0]}/revoke", {})
    assert revoked.status_code == 303
    assert ">revoked<" in table_row((await priya.get("/delegations")).text, f"delegation-{ids[0]}")
    assert f'href="/po/{number}"' not in (await tom.get("/inbox")).text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": "earlier"}, "ends_at", "the end comes after the start"),
        ({"delegate": "priya"}, "delegate", "someone other than yourself"),
        ({"max_amount": "12.345"}, "max_amount", "more decimals"),
        ({"cost_centers": ["NOPE"]}, "cost_centers", "unknown cost center(s): NOPE"),
    ],
)
async def test_a_wrong_delegation_comes_back_with_the_reason(
    stack: e2e.Stack, change: dict[str, object], field: str, message: str
) -> None:
    now = datetime.now(UTC)
    form: dict[str, object] = {
        "delegate": "tom",
        "starts_at": datetime_local(now + timedelta(days=1)),
        "ends_at": datetime_local(now + timedelta(days=3)),
    }
    form |= change
    if form["ends_at"] == "earlier":
        form["ends_at"] = datetime_local(now + timedelta(hours=2))
    priya = await person(stack, "priya")
    before = _delegation_count(stack)
    refused = await submit_form(priya, "/delegations", form)
    assert refused.status_code == 422
    assert message in refused.text
    assert re.search(rf'aria-describedby="[^"]*{field}-error"', refused.text)
    assert f'id="{field}-error" role="alert"' in refused.text
    assert _delegation_count(stack) == before


# -- helpers ---------------------------------------------------------------------------------


def _delegation_count(stack: e2e.Stack) -> int:
    with stack.sessions() as session:
        return session.scalar(select(func.count(DelegationRow.id))) or 0
