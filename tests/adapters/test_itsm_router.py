"""The ITSM router sends each ticket to the tool its prefix names, and anything else to poflow's
own outbox: against the ServiceNow and Jira simulators over HTTP, and Postgres for the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.itsm_router import ItsmRouter, split_ticket
from adapters.jira_sm import JiraServiceManagement
from adapters.ports import ItsmPort
from adapters.servicenow import ServiceNowTable
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.jira import JiraSite, jira_simulator_app
from devstack.simulators.servicenow import ServiceNowInstance, servicenow_simulator_app
from domain.tickets import TicketUpdate
from models import OutboundMessage
from models.integrations.outbox import PostgresOutbox


@dataclass
class RecordingItsm:
    """An ITSM that remembers what it was asked and approves the changes it is told to."""

    approved: set[str] = field(default_factory=set)
    updates: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def update_ticket(self, update: TicketUpdate) -> None:
        self.updates.append(update.ticket)

    def change_ticket_approved(self, change_ticket: str) -> bool:
        self.asked.append(change_ticket)
        return change_ticket in self.approved


def _update(ticket: str, key: str = "k1") -> TicketUpdate:
    return TicketUpdate(ticket, "issued", "PO-7001", "Issued", key)


def test_each_ticket_goes_to_the_system_its_prefix_names() -> None:
    servicenow, jira, outbox = RecordingItsm(), RecordingItsm({"jira:CHG-3"}), RecordingItsm()
    router = ItsmRouter({"servicenow": servicenow, "jira": jira}, outbox)
    for ticket in ("servicenow:abc", "jira:ITSM-1", "glpi:42", "RITM0010001", ":x"):
        router.update_ticket(_update(ticket))
    assert servicenow.updates == ["servicenow:abc"] and jira.updates == ["jira:ITSM-1"]
    assert outbox.updates == ["glpi:42", "RITM0010001", ":x"]  # glpi is not configured here
    assert router.change_ticket_approved("jira:CHG-3") and not router.change_ticket_approved(
        "servicenow:CHG1"
    )
    assert not router.change_ticket_approved("CHG0030001")
    assert (jira.asked, servicenow.asked, outbox.asked) == (
        ["jira:CHG-3"],
        ["servicenow:CHG1"],
        ["CHG0030001"],
    )


def test_a_ticket_splits_into_its_system_and_id() -> None:
    assert split_ticket("servicenow:0a1b") == ("servicenow", "0a1b")
    assert split_ticket("jira:ITSM-12") == ("jira", "ITSM-12")
    assert split_ticket("42") == ("", "42")


@pytest.fixture
def tools() -> Iterator[tuple[ServiceNowInstance, str, JiraSite, str]]:
    instance = ServiceNowInstance(user="poflow", password="sn-pass")
    site = JiraSite(email="poflow@example.org", api_token="jira-token")
    sn_sock, jira_sock = loopback_socket(), loopback_socket()
    with (
        served(servicenow_simulator_app(instance), sn_sock),
        served(jira_simulator_app(site), jira_sock),
    ):
        yield instance, url_of(sn_sock), site, url_of(jira_sock)


def test_the_real_adapters_and_the_outbox_each_get_their_own_tickets(
    tools: tuple[ServiceNowInstance, str, JiraSite, str],
    sessions: sessionmaker[Session],
    session: Session,
) -> None:
    instance, sn_url, site, jira_url = tools
    sys_id = instance.add_requested_item(
        "RITM0010001", "Licences", "priya", "priya@example.org", {}
    )
    site.add_issue("ITSM-12", "Licences", "priya@example.org", "557058:priya")
    systems: dict[str, ItsmPort] = {
        "servicenow": ServiceNowTable(sn_url, "poflow", "sn-pass"),
        "jira": JiraServiceManagement(jira_url, "poflow@example.org", "jira-token"),
    }
    router = ItsmRouter(systems, PostgresOutbox(sessions))
    router.update_ticket(_update(f"servicenow:{sys_id}", "k-sn"))
    router.update_ticket(_update("jira:ITSM-12", "k-jira"))
    router.update_ticket(_update("web-form-17", "k-outbox"))
    assert instance.requested_item(sys_id)["u_po_number"] == "PO-7001"
    assert site.status_of("ITSM-12") == "Resolved" and len(site.comments["ITSM-12"]) == 1
    recorded = session.scalars(
        select(OutboundMessage.recipient).where(OutboundMessage.channel == "itsm")
    ).all()
    assert recorded == ["web-form-17"]
