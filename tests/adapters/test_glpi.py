"""The GLPI adapter against the GLPI simulator over real HTTP on loopback: one followup per update
however often it is retried, every API session closed, change approval, and GLPI's signed
webhooks verified (signature and freshness) and mapped to the request they carry."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI, Request

from adapters.glpi import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    GlpiApi,
    signature_valid,
    ticket_request_from_webhook,
    timestamp_fresh,
)
from adapters.itsm_router import TicketNotFound
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.glpi import GlpiInstance, deliver_webhook, glpi_simulator_app
from domain.tickets import TicketRequest, TicketUpdate

APP_TOKEN, USER_TOKEN = "glpi-app-token", "glpi-user-token"
CONTENT = (
    "&lt;p&gt;Cost center: IT-APPS&lt;/p&gt;&lt;p&gt;vendor: Contoso &amp;amp; Sons&lt;/p&gt;"
    "&lt;p&gt;unit_price: 1499.99&lt;br /&gt;quantity: 3&lt;/p&gt;&lt;p&gt;Please hurry&lt;/p&gt;"
)
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def glpi() -> Iterator[tuple[GlpiInstance, str]]:
    simulated = GlpiInstance(app_token=APP_TOKEN, user_token=USER_TOKEN)
    sock = loopback_socket()
    with served(glpi_simulator_app(simulated), sock):
        yield simulated, f"{url_of(sock)}/apirest.php"


def _update(ticket: int, key: str = "po-PO-7001:7", state: str = "issued") -> TicketUpdate:
    return TicketUpdate(
        f"glpi:{ticket}", state, "PO-7001", "Issued to Contoso <Software>", key, "glpi:77"
    )


def test_an_update_adds_one_followup_and_closes_its_sessions(
    glpi: tuple[GlpiInstance, str],
) -> None:
    simulated, url = glpi
    ticket = simulated.add_ticket("Developer suite", CONTENT, "priya", "priya@example.org")
    adapter = GlpiApi(url, APP_TOKEN, USER_TOKEN)
    adapter.update_ticket(_update(ticket))
    adapter.update_ticket(_update(ticket))  # a retried activity
    [followup] = simulated.followups_of(ticket)
    assert followup["content"].startswith(
        "<p>PO-7001 issued: Issued to Contoso &lt;Software&gt;</p>"
    )
    assert "<p>Change: glpi:77</p>" in followup["content"]
    assert simulated.sessions_opened == 2 and simulated.sessions == set()
    adapter.update_ticket(_update(ticket, "po-PO-7001:9", "closed"))
    assert len(simulated.followups_of(ticket)) == 2


def test_followups_are_read_across_pages_before_adding(glpi: tuple[GlpiInstance, str]) -> None:
    simulated, url = glpi
    ticket = simulated.add_ticket("Developer suite", CONTENT, "priya", "priya@example.org")
    for n in range(130):
        simulated.add_followup({"itemtype": "Ticket", "items_id": ticket, "content": f"<p>{n}</p>"})
    adapter = GlpiApi(url, APP_TOKEN, USER_TOKEN)
    adapter.update_ticket(_update(ticket))
    adapter.update_ticket(_update(ticket))  # its followup is on the second page
    assert len(simulated.followups_of(ticket)) == 131


def test_wrong_tokens_are_refused_and_an_unknown_ticket_is_not_found(
    glpi: tuple[GlpiInstance, str],
) -> None:
    simulated, url = glpi
    ticket = simulated.add_ticket("Developer suite", CONTENT, "priya", "priya@example.org")
    with pytest.raises(httpx.HTTPStatusError) as refused:
        GlpiApi(url, APP_TOKEN, "wrong").update_ticket(_update(ticket))
    assert refused.value.response.json() == [
        "ERROR_GLPI_LOGIN_USER_TOKEN",
        "parameter user_token seems invalid",
    ]
    with pytest.raises(httpx.HTTPStatusError) as wrong_app:
        GlpiApi(url, "wrong", USER_TOKEN).change_ticket_approved("glpi:1")
    assert wrong_app.value.response.status_code == 400
    with pytest.raises(TicketNotFound):
        GlpiApi(url, APP_TOKEN, USER_TOKEN).update_ticket(_update(999))
    assert simulated.followups == {} and simulated.sessions == set()


def test_a_change_is_approved_when_its_global_validation_is_accepted(
    glpi: tuple[GlpiInstance, str],
) -> None:
    simulated, url = glpi
    accepted = simulated.add_change("Core switch upgrade", global_validation=3)
    waiting = simulated.add_change("Firewall rules", global_validation=2)
    refused = simulated.add_change("Old VPN", global_validation=4)
    adapter = GlpiApi(url, APP_TOKEN, USER_TOKEN)
    assert adapter.change_ticket_approved(f"glpi:{accepted}")
    assert not adapter.change_ticket_approved(f"glpi:{waiting}")
    assert not adapter.change_ticket_approved(f"glpi:{refused}")
    with pytest.raises(TicketNotFound):
        adapter.change_ticket_approved("glpi:999")
    with pytest.raises(ValueError, match="not a GLPI item id"):
        adapter.change_ticket_approved("glpi:../Ticket")


def test_a_signed_delivery_is_verified_and_mapped_to_the_request(
    glpi: tuple[GlpiInstance, str],
) -> None:
    simulated, _ = glpi
    ticket = simulated.add_ticket("Developer suite licences", CONTENT, "priya", "priya@example.org")
    received: list[tuple[dict[str, str], bytes]] = []
    poflow = FastAPI()

    @poflow.post("/api/itsm/glpi/webhook", status_code=204)
    async def webhook(request: Request) -> None:
        received.append((dict(request.headers), await request.body()))

    sock = loopback_socket()
    timestamp = str(int(NOW.timestamp()))
    with served(poflow, sock):
        payload = simulated.webhook_payload(ticket)
        deliver_webhook(f"{url_of(sock)}/api/itsm/glpi/webhook", payload, "s3cret", timestamp)
    [(headers, body)] = received
    signature, sent_at = headers[SIGNATURE_HEADER.lower()], headers[TIMESTAMP_HEADER.lower()]
    assert signature_valid(body, sent_at, signature, "s3cret")
    assert timestamp_fresh(sent_at, NOW + timedelta(minutes=4))
    assert ticket_request_from_webhook(payload) == TicketRequest(
        ticket=f"glpi:{ticket}",
        number=str(ticket),
        requested_by="priya@example.org",
        title="Developer suite licences",
        variables={
            "cost_center": "IT-APPS",
            "vendor": "Contoso & Sons",
            "unit_price": "1499.99",
            "quantity": "3",
        },
    )


def test_a_tampered_or_replayed_delivery_is_refused() -> None:
    body, timestamp = b'{"event": "new", "items_id": 42}', "1741944600"
    signature = hmac.new(b"s3cret", body + timestamp.encode(), hashlib.sha256).hexdigest()
    assert signature_valid(body, timestamp, signature, "s3cret")
    assert not signature_valid(body.replace(b"42", b"43"), timestamp, signature, "s3cret")
    assert not signature_valid(body, "1741944601", signature, "s3cret")  # the timestamp is signed
    assert not signature_valid(body, timestamp, signature, "another-secret")
    assert not signature_valid(body, "", signature, "s3cret")
    body_only = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert not signature_valid(body, timestamp, body_only, "s3cret")
    sent = datetime.fromtimestamp(int(timestamp), UTC)
    assert timestamp_fresh(timestamp, sent + timedelta(minutes=5))
    assert not timestamp_fresh(timestamp, sent + timedelta(minutes=5, seconds=1))
    assert not timestamp_fresh(timestamp, sent - timedelta(minutes=6))  # from the future
    assert not timestamp_fresh("yesterday", sent)


def test_the_default_payload_names_the_requester_by_login_and_other_items_are_refused() -> None:
    item = {
        "id": 42,
        "name": "Licences",
        "content": "cost_center: OPS",
        "user_recipient": {"id": 7, "name": "priya"},
    }
    request = ticket_request_from_webhook({"event": "new", "item": item})
    assert (request.ticket, request.requested_by, request.variables) == (
        "glpi:42",
        "priya",
        {"cost_center": "OPS"},
    )
    with pytest.raises(ValueError, match="not a ticket"):
        ticket_request_from_webhook({"itemtype": "Change", "items_id": 42, "item": item})
    with pytest.raises(ValueError, match="names no requester"):
        ticket_request_from_webhook({"items_id": 42, "item": {"id": 42, "name": "x"}})
