"""The expense dashboard over JSON and as a page, and one's subscription to its mailed summary:
a cost-center owner reads and subscribes to only their centers (another center's figures never
show; asking for them is refused naming the rule), finance reads every center; the person's
Temporal Schedule follows the subscription."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from temporalio.client import ScheduleActionStartWorkflow, ScheduleRange
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Role
from domain.expense_summary import schedule_id
from domain.temporal_names import WorkflowType
from models.people.accounts import issue_api_token, set_password, upsert_user
from tests.builders.allocation import a_period, book_actual
from tests.builders.dashboard import OwnedLine, OwnedOrg, load_owned_lines, owned_org
from tests.web.pages import csrf_of


@pytest.fixture
def month_of_costs(engine: Engine, session: Session) -> tuple[OwnedOrg, str]:
    """Two cost centers' cost in a month of their own: 130.00 EUR on the first, 20.00 on the
    second (the owner's)."""
    owned = owned_org(session)
    c0, c1 = owned.org.centers[:2]
    month = a_period()
    load_owned_lines(
        engine,
        month,
        [
            OwnedLine(owned.ids[c0], "Amazon EC2", Decimal("130.00"), "i-web"),
            OwnedLine(owned.ids[c1], "Amazon S3", Decimal("20.00"), "bucket-1", "Storage"),
        ],
    )
    labour = owned.org.gl_accounts[0]
    book_actual(session, c0, labour, month, 500_00)
    book_actual(session, c1, labour, month, 7_00)
    return owned, f"{month:%Y-%m}"


def _token(session: Session, username: str, *roles: Role) -> dict[str, str]:
    user = upsert_user(session, username, roles=list(roles))
    return {"Authorization": f"Bearer {issue_api_token(session, user)}"}


def test_an_owner_reads_only_their_center_and_finance_every_one(
    client: TestClient, session: Session, month_of_costs: tuple[OwnedOrg, str]
) -> None:
    owned, month = month_of_costs
    c0, c1 = owned.org.centers[:2]
    owner = {"Authorization": f"Bearer {issue_api_token(session, owned.owner)}"}
    mine = client.get("/api/dashboard", params={"period": month}, headers=owner).json()
    assert {row["name"] for row in mine["cost_centers"]} == {c1}
    assert mine["total"]["amount_minor"] == 2000
    assert {row["name"] for row in mine["services"]} == {"Amazon S3"}
    csv = client.get(f"/api/dashboard/cost_centers.csv?period={month}", headers=owner).text
    assert c1 in csv and c0 not in csv and "130.00" not in csv
    budgets = client.get(f"/api/dashboard/budgets.csv?period={month}", headers=owner).text
    assert f"\r\n{c1},0.00,7.00," in budgets and c0 not in budgets  # budget, actual

    finance = _token(session, "dash-fiona", Role.FINANCE)
    every = client.get("/api/dashboard", params={"period": month}, headers=finance).json()
    amounts = {row["name"]: row["amount_minor"] for row in every["cost_centers"]}
    assert (amounts[c0], amounts[c1]) == (13000, 2000)
    actuals = {row["cost_center"]: row["actual_minor"] for row in every["budgets"]}
    assert (actuals[c0], actuals[c1]) == (500_00, 7_00)
    unit = owned.org.units[0]
    drilled = client.get(
        "/api/dashboard", params={"period": month, "bu": unit}, headers=finance
    ).json()
    assert drilled["level"] == "cost_center"
    assert {row["name"] for row in drilled["breakdown"]} == {c0}


def test_refusals_name_their_rule(client: TestClient, session: Session) -> None:
    requester = _token(session, "dash-alex", Role.REQUESTER)
    refused = client.get("/api/dashboard", headers=requester)
    assert (refused.status_code, refused.json()["rule"]) == (403, "dashboard_reader_required")
    finance = _token(session, "dash-fiona", Role.FINANCE)
    bad = client.get("/api/dashboard", params={"period": "2024-13"}, headers=finance)
    assert (bad.status_code, bad.json()["rule"]) == (422, "invalid_period")
    unknown = client.get("/api/dashboard/nothing.csv", headers=finance)
    assert unknown.status_code == 404


async def test_a_subscription_is_limited_to_what_one_may_read_and_has_its_schedule(
    client: TestClient,
    session: Session,
    month_of_costs: tuple[OwnedOrg, str],
    temporal_env: WorkflowEnvironment,
) -> None:
    owned, _ = month_of_costs
    c0, c1 = owned.org.centers[:2]
    owner = {"Authorization": f"Bearer {issue_api_token(session, owned.owner)}"}
    other = client.put("/api/dashboard/subscription", json={"cost_centers": [c0]}, headers=owner)
    assert (other.status_code, other.json()["rule"]) == (403, "summary_scope_not_allowed")
    bad_day = client.put("/api/dashboard/subscription", json={"day": 31}, headers=owner)
    assert (bad_day.status_code, bad_day.json()["rule"]) == (422, "invalid_summary_day")
    handle = temporal_env.client.get_schedule_handle(schedule_id(owned.owner.username))
    try:
        taken = client.put(
            "/api/dashboard/subscription",
            json={"cost_centers": [c1], "frequency": "weekly", "day": 1},
            headers=owner,
        )
        assert taken.status_code == 200, taken.text
        assert taken.json()["cost_centers"] == [c1]
        schedule = (await handle.describe()).schedule
        action = schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        [weekly] = schedule.spec.calendars
        assert weekly.day_of_week == (ScheduleRange(1),)  # Monday
        assert action.workflow == WorkflowType.EXPENSE_SUMMARY
        assert client.get("/api/dashboard/subscription", headers=owner).json()["active"]
        assert client.delete("/api/dashboard/subscription", headers=owner).status_code == 204
        with pytest.raises(RPCError):
            await handle.describe()
        assert not client.get("/api/dashboard/subscription", headers=owner).json()["active"]
    finally:
        with contextlib.suppress(RPCError):
            await handle.delete()


def test_the_page_draws_each_part_with_its_table_and_drill_links(
    client: TestClient, session: Session, month_of_costs: tuple[OwnedOrg, str]
) -> None:
    owned, month = month_of_costs
    c0 = owned.org.centers[0]
    finance = upsert_user(session, "dash-page-fiona", roles=[Role.FINANCE])
    set_password(finance, "pw")
    login = client.get("/login")
    client.post(
        "/login",
        data={"username": finance.username, "password": "pw", "csrf_token": csrf_of(login.text)},
    )
    unit = owned.org.units[0]
    page = client.get("/costs/dashboard", params={"period": month, "bu": unit})
    assert page.status_code == 200, page.text
    html = page.text
    assert f"/costs/dashboard?period={month}&amp;bu={unit}&amp;cc={c0}" in html
    assert html.count('role="img"') >= 5  # breakdown, trend, categories, cost centers, services
    assert "130.00 EUR" in html
    assert f"/api/dashboard/cost_centers.csv?period={month}&amp;bu={unit}" in html


async def test_the_subscription_page_refuses_another_centers_figures_and_subscribes(
    client: TestClient,
    session: Session,
    month_of_costs: tuple[OwnedOrg, str],
    temporal_env: WorkflowEnvironment,
) -> None:
    owned, _ = month_of_costs
    c0, c1 = owned.org.centers[:2]
    set_password(owned.owner, "pw")
    login = client.get("/login")
    client.post(
        "/login",
        data={
            "username": owned.owner.username,
            "password": "pw",
            "csrf_token": csrf_of(login.text),
        },
    )
    page = client.get("/costs/dashboard/subscription")
    form = {"csrf_token": csrf_of(page.text), "frequency": "monthly", "day": "1"}
    refused = client.post("/costs/dashboard/subscription", data={**form, "cost_centers": c0})
    assert refused.status_code == 403
    assert f"you may not receive the figures of cost center {c0}" in refused.text
    assert "You are not subscribed." in refused.text
    try:
        taken = client.post("/costs/dashboard/subscription", data={**form, "cost_centers": c1})
        assert taken.status_code == 200 and "You are subscribed: monthly on day 1" in taken.text
        assert f"for {c1}" in taken.text
    finally:
        handle = temporal_env.client.get_schedule_handle(schedule_id(owned.owner.username))
        with contextlib.suppress(RPCError):
            await handle.delete()
