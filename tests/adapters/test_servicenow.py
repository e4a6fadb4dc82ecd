"""The ServiceNow Table API adapter against the instance simulator over real HTTP on loopback: a
requested item read with its requester and catalog variables, the write-back onto it (one work
note per update however often it is retried), change approval, and the Business Rule's message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from adapters.itsm_router import TicketNotFound
from adapters.servicenow import (
    AUTH_HEADER,
    DEFAULT_FIELDS,
    REQUESTED_ITEMS_PATH,
    ServiceNowTable,
    requested_item_event,
    secret_valid,
)
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.servicenow import ServiceNowInstance, servicenow_simulator_app
from domain.tickets import TicketRequest, TicketUpdate

USER, PASSWORD = "poflow.integration", "sn-test-password"
VARIABLES = {
    "cost_center": "IT-APPS",
    "vendor": "Contoso Software",
    "unit_price": "1499.99",
    "quantity": "3",
}


@pytest.fixture
def instance() -> Iterator[tuple[ServiceNowInstance, str]]:
    simulated = ServiceNowInstance(user=USER, password=PASSWORD)
    sock = loopback_socket()
    with served(servicenow_simulator_app(simulated), sock):
        yield simulated, url_of(sock)


def _item(simulated: ServiceNowInstance) -> str:
    simulated.add_requested_item(
        "RITM0010002", "Other laptop", "abel.tuter", "abel@example.org", {"cost_center": "OPS"}
    )
    return simulated.add_requested_item(
        "RITM0010001", "Developer suite licences", "priya.shah", "priya@example.org", VARIABLES
    )


def _update(
    sys_id: str, state: str = "issued", key: str = "po-PO-7001:7", **extra: Any
) -> TicketUpdate:
    note = extra.pop("note", "Issued to Contoso Software")
    return TicketUpdate(f"servicenow:{sys_id}", state, "PO-7001", note, key, **extra)


def test_a_requested_item_comes_with_its_requester_and_only_its_own_variables(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    simulated, url = instance
    sys_id = _item(simulated)
    request = ServiceNowTable(url, USER, PASSWORD).requested_item(sys_id)
    assert request == TicketRequest(
        ticket=f"servicenow:{sys_id}",
        number="RITM0010001",
        requested_by="priya.shah",
        title="Developer suite licences",
        variables=VARIABLES,
    )


def test_an_unknown_requested_item_is_ticket_not_found(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    _, url = instance
    with pytest.raises(TicketNotFound, match="No Record found"):
        ServiceNowTable(url, USER, PASSWORD).requested_item("0" * 32)


def test_a_wrong_password_is_refused(instance: tuple[ServiceNowInstance, str]) -> None:
    simulated, url = instance
    sys_id = _item(simulated)
    with pytest.raises(httpx.HTTPStatusError) as refused:
        ServiceNowTable(url, USER, "wrong").requested_item(sys_id)
    assert refused.value.response.status_code == 401
    assert refused.value.response.json()["error"]["message"] == "User Not Authenticated"
    with pytest.raises(httpx.HTTPStatusError):
        ServiceNowTable(url, USER, "wrong").update_ticket(_update(sys_id))
    assert simulated.patches == []


def test_the_write_back_sets_the_po_fields_and_adds_one_work_note_per_update(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    simulated, url = instance
    sys_id = _item(simulated)
    adapter = ServiceNowTable(url, USER, PASSWORD)
    issued = _update(sys_id, change_ticket="servicenow:CHG0030001")
    adapter.update_ticket(issued)
    adapter.update_ticket(issued)  # a retried activity
    item = simulated.requested_item(sys_id)
    assert item["u_po_number"] == "PO-7001" and item["u_po_state"] == "issued"
    assert item["approval"] == "approved" and item["u_change_request"] == "CHG0030001"
    [note] = simulated.work_notes(sys_id)
    assert note.startswith("PO-7001 issued: Issued to Contoso Software")
    assert "Change: servicenow:CHG0030001" in note
    assert len(simulated.patches) == 2 and "work_notes" not in simulated.patches[1]["body"]
    adapter.update_ticket(_update(sys_id, "closed", "po-PO-7001:9", note="Invoiced and closed"))
    assert len(simulated.work_notes(sys_id)) == 2
    assert item["u_po_state"] == "closed" and item["approval"] == "approved"


@pytest.mark.parametrize(
    ("state", "approval"),
    [
        ("submitted", "requested"),
        ("rejected", "rejected"),
        ("refused", "rejected"),
        ("approved", "not requested"),  # one tier's approval leaves the item's as it was
        ("cancelled", "not requested"),
    ],
)
def test_the_po_state_maps_onto_the_items_approval(
    instance: tuple[ServiceNowInstance, str], state: str, approval: str
) -> None:
    simulated, url = instance
    sys_id = _item(simulated)
    simulated.requested_item(sys_id)["approval"] = "not requested"
    ServiceNowTable(url, USER, PASSWORD).update_ticket(_update(sys_id, state))
    assert simulated.requested_item(sys_id)["approval"] == approval


def test_the_custom_field_names_are_a_mapping(instance: tuple[ServiceNowInstance, str]) -> None:
    simulated, url = instance
    sys_id = _item(simulated)
    fields = {**DEFAULT_FIELDS, "po_number": "u_purchase_order"}
    ServiceNowTable(url, USER, PASSWORD, fields=fields).update_ticket(_update(sys_id))
    item = simulated.requested_item(sys_id)
    assert item["u_purchase_order"] == "PO-7001" and "u_po_number" not in item


def test_a_ticket_of_another_system_or_a_malformed_id_is_refused(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    simulated, url = instance
    adapter = ServiceNowTable(url, USER, PASSWORD)
    with pytest.raises(ValueError, match="not a servicenow ticket"):
        adapter.update_ticket(TicketUpdate("jira:ITSM-1", "issued", "PO-7001", "n", "k"))
    with pytest.raises(ValueError, match="not a ServiceNow sys_id"):
        adapter.change_ticket_approved("servicenow:CHG1^ORnumber!=x")
    assert simulated.patches == []


def test_a_change_is_approved_only_when_its_approval_says_so(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    simulated, url = instance
    approved = simulated.add_change("CHG0030001", "approved")
    simulated.add_change("CHG0030002", "requested")
    adapter = ServiceNowTable(url, USER, PASSWORD)
    assert adapter.change_ticket_approved("servicenow:CHG0030001")
    assert adapter.change_ticket_approved(f"servicenow:{approved}")  # by sys_id too
    assert not adapter.change_ticket_approved("servicenow:CHG0030002")
    with pytest.raises(TicketNotFound):
        adapter.change_ticket_approved("servicenow:CHG0039999")


def test_the_business_rule_tells_poflow_which_item_was_approved(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    simulated, _ = instance
    sys_id = _item(simulated)
    received: list[tuple[dict[str, str], dict[str, Any]]] = []
    poflow = FastAPI()

    @poflow.post(REQUESTED_ITEMS_PATH, status_code=202)
    async def requested_items(request: Request) -> None:
        received.append((dict(request.headers), await request.json()))

    sock = loopback_socket()
    with served(poflow, sock):
        response = simulated.deliver_approved_item(sys_id, url_of(sock), "shared-secret")
    assert response.status_code == 202
    [(headers, body)] = received
    assert secret_valid(headers.get(AUTH_HEADER.lower()), "shared-secret")
    assert not secret_valid(headers.get(AUTH_HEADER.lower()), "another-secret")
    assert not secret_valid(None, "shared-secret")
    event = requested_item_event(body)
    assert (event.sys_id, event.number, event.event) == (sys_id, "RITM0010001", "approved")
    with pytest.raises(ValueError, match="not a requested item"):
        requested_item_event({**body, "table": "incident"})


def test_the_simulator_answers_display_values_and_or_queries_as_the_table_api_does(
    instance: tuple[ServiceNowInstance, str],
) -> None:
    simulated, url = instance
    sys_id = _item(simulated)
    simulated.add_change("CHG0030001", "approved")
    with httpx.Client(base_url=url, auth=(USER, PASSWORD)) as client:
        fields = {"sysparm_fields": "number,requested_for", "sysparm_display_value": "all"}
        item = client.get(f"/api/now/table/sc_req_item/{sys_id}", params=fields).json()["result"]
        query = {
            "sysparm_query": "number=CHG0030001^ORnumber=RITM0010001",
            "sysparm_fields": "number",
        }
        listed = client.get("/api/now/table/change_request", params=query).json()["result"]
        missing = client.patch("/api/now/table/sc_req_item/nothing", json={"u_po_number": "x"})
    assert item["number"] == {"display_value": "RITM0010001", "value": "RITM0010001"}
    requester = item["requested_for"]
    assert requester["display_value"] == "priya.shah" and requester["link"].endswith(
        requester["value"]
    )
    assert listed == [{"number": "CHG0030001"}]
    assert missing.status_code == 404 and missing.json()["status"] == "failure"
