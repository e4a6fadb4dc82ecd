"""Requests from Jira Service Management, GLPI and ServiceNow as their webhooks deliver them:
each caller must prove itself, a delivery is taken once, a ticket becomes one PO, and a ticket
that cannot become a valid requisition is answered on the ticket with what is missing (the raw
delivery kept)."""

import asyncio
import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from devstack import outside_world
from devstack.outside_world import JIRA_FIELDS, demo_variables
from devstack.simulators import glpi as glpi_simulator
from devstack.simulators import jira as jira_simulator
from models.integrations.itsm import ItsmDelivery, ItsmTicket
from tests.integrations import world as world_fixture
from tests.integrations.world import World

world = world_fixture.world
pytestmark = pytest.mark.slow


def _jira_issue(world: World, variables: dict[str, str]) -> str:
    key = f"ITSM-{uuid.uuid4().int % 90_000 + 10_000}"
    fields = {JIRA_FIELDS[name]: value for name, value in variables.items()}
    world.outside.jira.add_issue(
        key, "Developer suite for QA", "alex@example.org", "acc-alex", fields=fields
    )
    return key


async def _deliver_jira(world: World, key: str, identifier: str, **extra: Any) -> httpx.Response:
    url = f"{world.outside.poflow_url}/api/itsm/jira/webhook"
    secret = outside_world.JIRA_WEBHOOK_SECRET
    return await asyncio.to_thread(
        jira_simulator.deliver_webhook,
        world.outside.jira,
        url,
        key,
        extra.pop("event", "jira:issue_created"),
        extra.pop("secret", secret),
        identifier,
        **extra,
    )


async def test_a_jira_request_is_one_po_and_a_redelivery_starts_nothing(world: World) -> None:
    key = _jira_issue(world, demo_variables(date.today() + timedelta(days=5)))
    first = await _deliver_jira(world, key, "delivery-1")
    assert first.status_code == 201, first.text
    number = first.json()["po_number"]
    assert first.json()["workflow_id"] == f"po-itsm-jira-{key}"
    again = await _deliver_jira(world, key, "delivery-1")
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    moved = {"items": [{"field": "status", "toString": "In progress"}]}
    updated = await _deliver_jira(
        world, key, "delivery-2", event="jira:issue_updated", changelog=moved
    )
    assert (updated.status_code, updated.json()["po_number"]) == (200, number)
    commented = await _deliver_jira(world, key, "delivery-3", event="jira:issue_updated")
    assert commented.json()["outcome"] == "ignored"  # poflow's own comments come back so

    await world.poflow.pending(number)
    texts = await world.until("a comment on the issue", lambda: _comments(world, key))
    assert any(f"{number} submitted" in text for text in texts)


async def test_an_unsigned_or_tampered_jira_delivery_is_refused(world: World) -> None:
    key = _jira_issue(world, demo_variables(date.today() + timedelta(days=5)))
    wrong = await _deliver_jira(world, key, "delivery-x", secret="not-the-secret")
    assert wrong.status_code == 401 and "X-Hub-Signature" in wrong.json()["detail"]
    unsigned = await world.poflow.http.post("/api/itsm/jira/webhook", json={})
    assert unsigned.status_code == 401
    assert _deliveries(world, "jira", "delivery-x") == []


async def test_an_incomplete_jira_request_is_answered_on_the_issue(world: World) -> None:
    variables = demo_variables(date.today() + timedelta(days=5))
    del variables["cost_center"], variables["unit_price"]
    key = _jira_issue(world, variables)
    response = await _deliver_jira(world, key, f"incomplete-{key}")
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert "cost_center is missing" in problems and "unit_price is missing" in problems
    [kept] = _deliveries(world, "jira", f"incomplete-{key}")
    assert kept.outcome == "refused" and key in kept.body  # the raw delivery is kept
    texts = await world.until("the answer on the issue", lambda: _comments(world, key))
    assert "cost_center is missing" in texts[0]


async def test_a_jira_request_in_a_currency_without_a_rate_starts_no_po(world: World) -> None:
    variables = demo_variables(date.today() + timedelta(days=5))
    del variables["catalog_sku"]  # no catalog price whose currency could be the problem
    key = _jira_issue(world, variables | {"currency": "XXX"})
    response = await _deliver_jira(world, key, f"no-rate-{key}")
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert any("No exchange rate is published for XXX" in problem for problem in problems)
    [kept] = _deliveries(world, "jira", f"no-rate-{key}")
    assert kept.outcome == "refused" and kept.po_number is None


async def test_a_glpi_ticket_is_one_po_per_ticket_and_event(world: World) -> None:
    glpi = world.outside.glpi
    content = "".join(
        f"<p>{name}: {value}</p>"
        for name, value in demo_variables(date.today() + timedelta(days=5)).items()
    )
    ticket = glpi.add_ticket("Developer suite for support", content, "alex", "alex@example.org")
    payload = glpi.webhook_payload(ticket)
    url = f"{world.outside.poflow_url}/api/itsm/glpi/webhook"
    secret = outside_world.GLPI_WEBHOOK_SECRET

    def deliver(stamp: int, key: str = secret) -> httpx.Response:
        return glpi_simulator.deliver_webhook(url, payload, key, str(stamp))

    now = int(time.time())
    assert (await asyncio.to_thread(deliver, now, "wrong")).status_code == 401
    assert (await asyncio.to_thread(deliver, now - 600)).status_code == 401  # stale
    first = await asyncio.to_thread(deliver, now)
    assert first.status_code == 201, first.text
    again = await asyncio.to_thread(deliver, now + 1)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    number = first.json()["po_number"]
    await world.poflow.pending(number)
    notes = await world.until("a followup", lambda: glpi.followups_of(ticket))
    assert number in notes[0]["content"]


async def test_servicenow_callers_prove_themselves_and_items_must_exist(world: World) -> None:
    body = {"sys_id": uuid.uuid4().hex, "number": "RITM0099999", "table": "sc_req_item"}

    async def deliver(sent: dict[str, str], secret: str) -> httpx.Response:
        path, headers = "/api/itsm/servicenow/requested-items", {"X-Poflow-Secret": secret}
        return await world.poflow.http.post(path, json=sent, headers=headers)

    assert (await deliver(body, "guess")).status_code == 401
    secret = outside_world.SERVICENOW_INBOUND_SECRET
    unknown = await deliver(body, secret)
    assert unknown.status_code == 422 and body["sys_id"] in unknown.json()["detail"]
    assert (await deliver({**body, "sys_id": "../x"}, secret)).status_code == 422


async def test_a_servicenow_item_for_a_stranger_gets_a_work_note(world: World) -> None:
    servicenow = world.outside.servicenow
    sys_id = servicenow.add_requested_item(
        "RITM0088888",
        "Licences",
        "mallory",
        "mallory@example.net",
        demo_variables(date.today() + timedelta(days=5)),
    )
    answer = await asyncio.to_thread(
        servicenow.deliver_approved_item,
        sys_id,
        world.outside.poflow_url,
        outside_world.SERVICENOW_INBOUND_SECRET,
    )
    assert answer.status_code == 422
    assert "'mallory' is not a poflow user" in answer.json()["problems"][0]
    notes = await world.until("a work note", lambda: servicenow.work_notes(sys_id))
    assert "mallory" in notes[0]
    assert servicenow.requested_item(sys_id)["approval"] == "rejected"
    with world.poflow.sessions() as session:
        claimed = session.scalar(
            select(ItsmTicket.po_number).where(ItsmTicket.ticket == f"servicenow:{sys_id}")
        )
    assert claimed is None


def _comments(world: World, key: str) -> list[str]:
    return world.outside.jira.comment_texts(key) if key in world.outside.jira.comments else []


def _deliveries(world: World, source: str, key: str) -> list[ItsmDelivery]:
    with world.poflow.sessions() as session:
        return list(
            session.scalars(
                select(ItsmDelivery).where(
                    ItsmDelivery.source == source, ItsmDelivery.delivery_key == key
                )
            )
        )


async def test_only_requesters_raise_requisitions_from_a_ticket(world: World) -> None:
    servicenow = world.outside.servicenow
    variables = demo_variables(date.today() + timedelta(days=5))
    sys_id = servicenow.add_requested_item("RITM0088889", "Licences", "tom", "tom@x.org", variables)
    answer = await asyncio.to_thread(
        servicenow.deliver_approved_item,
        sys_id,
        world.outside.poflow_url,
        outside_world.SERVICENOW_INBOUND_SECRET,
    )
    assert answer.status_code == 422
    assert answer.json()["problems"] == ["tom does not hold the requester role in poflow"]
