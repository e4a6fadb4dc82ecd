"""The integrations as a new user meets them, from the simulators alone: a ServiceNow requested
item delivered twice becomes one PO; each step is written back to the item; the ERP, made to time
out after committing, holds exactly one order; the mail server and the chat channels receive the
notifications; and the ERP's status report reaches the PO."""

import asyncio
from datetime import date
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select

from models.integrations.itsm import ItsmDelivery, ItsmTicket
from tests.integrations import world as world_fixture
from tests.integrations.world import World

world = world_fixture.world
pytestmark = pytest.mark.slow


async def test_a_requested_item_delivered_twice_is_one_po_issued_once(world: World) -> None:
    outside, poflow = world.outside, world.poflow
    outside.erp.stall_after_commit = 3.0  # commits, then answers after the adapter gave up (1 s)
    sys_id = await asyncio.to_thread(outside.raise_requested_item, date.today(), 2)
    ticket = f"servicenow:{sys_id}"
    number, outcomes = _intake(world, ticket)
    assert outcomes == ["duplicate", "started"]
    assert "answered 201" in outside.deliveries[-2] and "answered 200" in outside.deliveries[-1]

    po = await poflow.pending(number)
    described = await poflow.temporal.get_workflow_handle(f"po-itsm-{sys_id}").describe()
    assert described.workflow_type == "PurchaseOrder"
    assert po["detail"]["requisition"]["itsm_ticket"] == ticket
    await _approve_until_issued(world, number, po)

    orders = [o for o in outside.erp.orders.values() if o["po_number"] == number]
    assert len(orders) == 1 and outside.erp.stall_after_commit == 0  # the stall was hit
    assert orders[0]["total_amount"] == "32400.00" and orders[0]["currency"] == "USD"
    assert (orders[0]["cost_center"], orders[0]["gl_account"]) == ("IT-APPS", "6110")
    assert orders[0]["tax_code"] == "IMPORT-0"  # the demo's code for services from the US

    item = outside.servicenow.requested_item(sys_id)
    assert (item["u_po_number"], item["u_po_state"], item["approval"]) == (
        number,
        "issued",
        "approved",
    )
    notes = "\n".join(outside.servicenow.work_notes(sys_id))
    steps = ("submitted: raised", "approved: approve by sam", "approved: approve by tom")
    for step in (*steps, "issued: issued as"):
        assert f"{number} {step}" in notes

    await outside.mail.wait_for("approval_requested", number)
    await outside.mail.wait_for("issued", number)
    await world.until("chat about the issue", lambda: _chatted(world, number, "issued"))

    await asyncio.to_thread(outside.erp.advance, orders[0]["id"], "acknowledged")
    po = await poflow.po_when(number, lambda p: p["detail"]["erp_status"] == "acknowledged")
    trail = (await poflow.get("ines", f"/api/purchase-orders/{number}/audit")).json()
    assert "erp.acknowledged" in [line["action"] for line in trail]

    again = await asyncio.to_thread(
        outside.servicenow.deliver_approved_item,
        sys_id,
        outside.poflow_url,
        world.settings.servicenow_inbound_secret.get_secret_value(),  # type: ignore[union-attr]
    )
    assert again.status_code == 200 and again.json()["po_number"] == number
    assert len([o for o in outside.erp.orders.values() if o["po_number"] == number]) == 1


def _intake(world: World, ticket: str) -> tuple[str, list[str]]:
    with world.poflow.sessions() as session:
        number = session.scalar(select(ItsmTicket.po_number).where(ItsmTicket.ticket == ticket))
        outcomes = session.scalars(
            select(ItsmDelivery.outcome).where(ItsmDelivery.ticket == ticket)
        ).all()
    assert number is not None
    return number, sorted(outcomes)


async def _approve_until_issued(world: World, number: str, po: dict[str, Any]) -> None:
    poflow = world.poflow
    for _ in range(6):
        if po["status"] == "issued":
            return
        tier, approver = po["current_tier"], po["current_approvers"][0]
        body = {"action": "approve", "comment": "fits the team's plan"}
        response = await poflow.post(approver, f"/api/purchase-orders/{number}/decisions", body)
        assert response.status_code == 200, response.text
        po = await poflow.po_when(number, partial(_moved_on, tier=tier))
    raise AssertionError(f"{number} was not issued after six approvals")


def _moved_on(po: dict[str, Any], tier: str) -> bool:
    moved = po["current_tier"] != tier and po["current_approvers"]
    return bool(po["status"] == "issued" or moved)


def _chatted(world: World, number: str, kind: str) -> bool:
    services = {
        post.service
        for post in world.outside.chat.received
        if number in str(post.payload) and kind in str(post.payload).lower()
    }
    return services == {"slack", "teams"}
