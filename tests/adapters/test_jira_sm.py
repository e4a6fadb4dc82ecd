"""The Jira Service Management adapter against the site simulator over real HTTP on loopback: one
comment per update however often it is retried, the workflow transition for the PO's state,
change approval by status, and signed webhooks mapped to the request they carry."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI, Request

from adapters.itsm_router import TicketNotFound
from adapters.jira_sm import (
    IDENTIFIER_HEADER,
    SIGNATURE_HEADER,
    JiraServiceManagement,
    parse_webhook,
    signature_valid,
    status_changed_to,
    ticket_request_from_webhook,
)
from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.jira import JiraSite, deliver_webhook, jira_simulator_app
from domain.tickets import TicketRequest, TicketUpdate

EMAIL, TOKEN = "poflow@example.org", "jira-test-token"
FIELD_NAMES = {
    "cost_center": "customfield_10050",
    "vendor": "customfield_10051",
    "unit_price": "customfield_10052",
    "quantity": "customfield_10053",
    "approver": "customfield_10054",
}
CUSTOM_FIELDS = {
    "customfield_10050": {
        "self": "https://site/rest/api/3/customFieldOption/1",
        "value": "IT-APPS",
        "id": "1",
    },
    "customfield_10051": "Contoso Software",
    "customfield_10052": 1499.99,
    "customfield_10053": 3,
    "customfield_10054": {
        "accountId": "5b10ac8d82e05b22cc7d4ef5",
        "emailAddress": "lena@example.org",
    },
}


@pytest.fixture
def site() -> Iterator[tuple[JiraSite, str]]:
    simulated = JiraSite(email=EMAIL, api_token=TOKEN)
    simulated.add_issue(
        "ITSM-12",
        "Developer suite licences",
        "priya@example.org",
        "557058:priya",
        fields=CUSTOM_FIELDS,
    )
    simulated.add_issue(
        "CHG-3", "Core switch upgrade", "ops@example.org", "557058:ops", status="Awaiting approval"
    )
    sock = loopback_socket()
    with served(jira_simulator_app(simulated), sock):
        yield simulated, url_of(sock)


def _update(state: str, key: str, note: str = "Issued to Contoso Software") -> TicketUpdate:
    return TicketUpdate("jira:ITSM-12", state, "PO-7001", note, key)


def test_an_update_is_commented_once_and_the_issue_transitioned(
    site: tuple[JiraSite, str], caplog: pytest.LogCaptureFixture
) -> None:
    simulated, url = site
    adapter = JiraServiceManagement(url, EMAIL, TOKEN)
    adapter.update_ticket(_update("issued", "po-PO-7001:7"))
    with caplog.at_level(logging.INFO, logger="poflow.itsm.jira"):
        adapter.update_ticket(_update("issued", "po-PO-7001:7"))  # a retried activity
    [comment] = simulated.comment_texts("ITSM-12")
    assert comment.startswith("PO-7001 issued: Issued to Contoso Software")
    assert simulated.status_of("ITSM-12") == "Resolved"
    assert "'Resolve' is not available on ITSM-12" in caplog.text
    assert simulated.comments["ITSM-12"][0]["jsdPublic"] is True
    adapter.update_ticket(_update("closed", "po-PO-7001:9", "Invoiced"))
    assert (
        len(simulated.comment_texts("ITSM-12")) == 2 and simulated.status_of("ITSM-12") == "Closed"
    )


def test_a_state_without_a_transition_only_comments(site: tuple[JiraSite, str]) -> None:
    simulated, url = site
    JiraServiceManagement(url, EMAIL, TOKEN).update_ticket(
        _update("submitted", "po-PO-7001:1", "Awaiting approval")
    )
    assert simulated.status_of("ITSM-12") == "Waiting for support"
    assert simulated.comment_texts("ITSM-12") == [
        "PO-7001 submitted: Awaiting approval\n[poflow:po-PO-7001:1]"
    ]


def test_the_transitions_are_configurable_and_comments_may_be_internal(
    site: tuple[JiraSite, str],
) -> None:
    simulated, url = site
    adapter = JiraServiceManagement(
        url, EMAIL, TOKEN, transitions={"submitted": "start progress"}, internal_comments=True
    )
    adapter.update_ticket(_update("submitted", "po-PO-7001:1", "Awaiting approval"))
    assert simulated.status_of("ITSM-12") == "In Progress"
    assert simulated.comments["ITSM-12"][0]["jsdPublic"] is False


def test_comments_are_read_across_pages_before_posting(site: tuple[JiraSite, str]) -> None:
    simulated, url = site
    for _ in range(150):
        simulated.add_comment("ITSM-12", {"type": "doc", "version": 1, "content": []}, [])
    adapter = JiraServiceManagement(url, EMAIL, TOKEN)
    adapter.update_ticket(_update("submitted", "po-PO-7001:1"))
    adapter.update_ticket(_update("submitted", "po-PO-7001:1"))  # its comment is on page two
    assert len(simulated.comments["ITSM-12"]) == 151


def test_a_wrong_token_or_an_unknown_issue_raises(site: tuple[JiraSite, str]) -> None:
    simulated, url = site
    with pytest.raises(httpx.HTTPStatusError) as refused:
        JiraServiceManagement(url, EMAIL, "wrong").update_ticket(_update("issued", "k"))
    assert refused.value.response.status_code == 401
    assert (
        simulated.comments["ITSM-12"] == []
        and simulated.status_of("ITSM-12") == "Waiting for support"
    )
    adapter = JiraServiceManagement(url, EMAIL, TOKEN)
    with pytest.raises(TicketNotFound):
        adapter.update_ticket(TicketUpdate("jira:ITSM-99", "issued", "PO-7001", "n", "k"))
    with pytest.raises(ValueError, match="not a jira ticket"):
        adapter.update_ticket(TicketUpdate("glpi:42", "issued", "PO-7001", "n", "k"))


def test_a_change_is_approved_by_its_status(site: tuple[JiraSite, str]) -> None:
    simulated, url = site
    adapter = JiraServiceManagement(url, EMAIL, TOKEN)
    assert not adapter.change_ticket_approved("jira:CHG-3")
    simulated.apply("CHG-3", "61")  # Approve
    assert adapter.change_ticket_approved("jira:CHG-3")
    strict = JiraServiceManagement(url, EMAIL, TOKEN, approved_statuses=frozenset({"Done"}))
    assert not strict.change_ticket_approved("jira:CHG-3")
    with pytest.raises(TicketNotFound):
        adapter.change_ticket_approved("jira:CHG-404")


def test_a_signed_delivery_is_verified_and_mapped_to_the_request(
    site: tuple[JiraSite, str],
) -> None:
    simulated, _ = site
    received: list[tuple[dict[str, str], bytes]] = []
    poflow = FastAPI()

    @poflow.post("/api/itsm/jira/webhook", status_code=204)
    async def webhook(request: Request) -> None:
        received.append((dict(request.headers), await request.body()))

    sock = loopback_socket()
    with served(poflow, sock):
        url = f"{url_of(sock)}/api/itsm/jira/webhook"
        deliver_webhook(simulated, url, "ITSM-12", "jira:issue_created", "s3cret", "delivery-1")
    [(headers, body)] = received
    assert headers[IDENTIFIER_HEADER.lower()] == "delivery-1"
    assert signature_valid(body, headers[SIGNATURE_HEADER.lower()], "s3cret")
    assert not signature_valid(body, headers[SIGNATURE_HEADER.lower()], "another-secret")
    assert ticket_request_from_webhook(parse_webhook(body), FIELD_NAMES) == TicketRequest(
        ticket="jira:ITSM-12",
        number="ITSM-12",
        requested_by="priya@example.org",
        title="Developer suite licences",
        variables={
            "cost_center": "IT-APPS",
            "vendor": "Contoso Software",
            "unit_price": "1499.99",
            "quantity": "3",
            "approver": "lena@example.org",
        },
    )


def _signed(body: bytes) -> str:
    return "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()


def test_a_tampered_unsigned_or_differently_signed_body_is_refused() -> None:
    body = b'{"webhookEvent": "jira:issue_created"}'
    assert signature_valid(body, _signed(body), "s3cret")
    assert not signature_valid(body.replace(b"created", b"deleted"), _signed(body), "s3cret")
    assert not signature_valid(body, None, "s3cret")
    assert not signature_valid(body, _signed(body).replace("sha256=", "sha1="), "s3cret")
    assert not signature_valid(body, _signed(body), "")


def test_money_keeps_the_digits_of_its_json_text() -> None:
    body = json.dumps(
        {
            "webhookEvent": "jira:issue_updated",
            "issue": {
                "key": "ITSM-12",
                "fields": {"summary": "Licences", "reporter": {"accountId": "557058:priya"}},
            },
            "changelog": {
                "items": [{"field": "status", "fromString": "Open", "toString": "Approved"}]
            },
        }
    ).encode()
    body = body.replace(b'"summary"', b'"customfield_10052": 99999999999999.99, "summary"')
    payload = parse_webhook(body)
    assert payload["issue"]["fields"]["customfield_10052"] == Decimal("99999999999999.99")
    request = ticket_request_from_webhook(
        payload, {"unit_price": "customfield_10052", "vendor": "customfield_1"}
    )
    assert request.variables == {"unit_price": "99999999999999.99"}  # a float would give ...98
    assert request.requested_by == "557058:priya"  # the site hides e-mail addresses
    assert status_changed_to(payload) == "Approved"


def test_a_webhook_that_is_not_an_issue_event_is_refused() -> None:
    with pytest.raises(ValueError, match="not an issue event"):
        ticket_request_from_webhook({"webhookEvent": "comment_created", "issue": {}}, FIELD_NAMES)
    with pytest.raises(ValueError, match="malformed issue key"):
        ticket_request_from_webhook(
            {"webhookEvent": "jira:issue_created", "issue": {"key": "../x"}}, FIELD_NAMES
        )
