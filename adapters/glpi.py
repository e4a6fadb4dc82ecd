"""GLPI through its REST API (``apirest.php``, GLPI 10), and GLPI's signed webhooks.

Every call opens a session (``GET /initSession`` with ``Authorization: user_token <token>`` and
the API client's ``App-Token``), works with the ``Session-Token`` it returns, and closes it
(``GET /killSession``). Writing back adds a followup to the ticket (``POST /ITILFollowup``); a
followup is a new entity every time, so each carries a marker of the update's idempotency key and
the adapter reads the ticket's followups first: a retried update adds nothing twice. A change is
approved when its ``global_validation`` is ``CommonITILValidation::ACCEPTED`` (3).

Inbound: a GLPI webhook signs ``body . timestamp`` with HMAC-SHA256 under the webhook's secret and
sends the hex digest in ``X-GLPI-signature`` and the Unix time in ``X-GLPI-timestamp``. GLPI queues
deliveries and retries them with the headers computed when the event was raised, so a delivery
retried after the freshness window is refused by ``timestamp_fresh`` and a ticket must start one
PO however often it arrives (poflow keys on the ticket id).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from adapters import http
from adapters.itsm_router import TicketNotFound, note_marker, ticket_id
from domain.tickets import TicketRequest, TicketUpdate

log = logging.getLogger("poflow.itsm.glpi")

SYSTEM = "glpi"
SIGNATURE_HEADER = "X-GLPI-signature"
TIMESTAMP_HEADER = "X-GLPI-timestamp"
VALIDATION_ACCEPTED = 3  # CommonITILValidation::ACCEPTED
FRESHNESS = timedelta(minutes=5)
_PAGE = 100
_ITEM_ID = re.compile(r"[0-9]{1,10}")
_CONTENT_RANGE = re.compile(r"\s*(\d+)-(\d+)/(\d+)\s*")
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/tr)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_VARIABLE = re.compile(r"\s*([A-Za-z][\w .-]{0,79}?)\s*:\s*(.*?)\s*")


@dataclass(frozen=True)
class GlpiApi:
    """``ItsmPort`` for GLPI; ``base_url`` ends in ``/apirest.php``."""

    base_url: str
    app_token: str
    user_token: str
    timeout_seconds: float = 10.0

    def update_ticket(self, update: TicketUpdate) -> None:
        ticket = _numeric_id(ticket_id(update.ticket, SYSTEM))
        marker = note_marker(update.idempotency_key)
        with self._session() as client:
            if any(
                marker in html.unescape(str(f.get("content", "")))
                for f in _followups(client, ticket)
            ):
                return
            body = {
                "input": {
                    "itemtype": "Ticket",
                    "items_id": ticket,
                    "content": followup_content(update),
                }
            }
            _json(client.post("/ITILFollowup", json=body), f"Ticket {ticket}")

    def change_ticket_approved(self, change_ticket: str) -> bool:
        """Approved when the change's global approval status is accepted."""
        change = _numeric_id(ticket_id(change_ticket, SYSTEM))
        with self._session() as client:
            found = _json(client.get(f"/Change/{change}"), f"Change {change}")
        return int(found.get("global_validation") or 0) == VALIDATION_ACCEPTED

    @contextmanager
    def _session(self) -> Iterator[httpx.Client]:
        with http.client(
            base_url=self.base_url.rstrip("/"),
            headers={"App-Token": self.app_token, "Content-Type": "application/json"},
            timeout=self.timeout_seconds,
        ) as client:
            opened = client.get(
                "/initSession", headers={"Authorization": f"user_token {self.user_token}"}
            )
            opened.raise_for_status()
            client.headers["Session-Token"] = str(opened.json()["session_token"])
            try:
                yield client
            finally:
                closed = client.get("/killSession")
                if closed.is_error:
                    log.warning("GLPI did not close the API session: %s", closed.status_code)


def followup_content(update: TicketUpdate) -> str:
    """The followup as GLPI's rich text: the PO and its state, the note, the change, the marker."""
    lines = [f"{update.headline}: {update.note}"]
    if update.change_ticket:
        lines.append(f"Change: {update.change_ticket}")
    lines.append(note_marker(update.idempotency_key))
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def signature_valid(body: bytes, timestamp: str, signature: str, secret: str) -> bool:
    """Whether ``X-GLPI-signature`` is the hex HMAC-SHA256 of ``body`` followed by the
    ``X-GLPI-timestamp`` text, under ``secret``."""
    if not (timestamp and signature and secret):
        return False
    expected = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip())


def timestamp_fresh(timestamp: str, now: datetime, window: timedelta = FRESHNESS) -> bool:
    """Whether the delivery's Unix time is within ``window`` of ``now`` (aware), either side."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    return abs(now.timestamp() - sent) <= window.total_seconds()


def ticket_request_from_webhook(payload: Mapping[str, Any]) -> TicketRequest:
    """The request in a GLPI ticket webhook.

    Accepted body (a custom payload, or the default one, whose ticket sits under ``item``)::

        {"event": "new", "itemtype": "Ticket", "items_id": 42,
         "item": {"id": 42, "name": "<title>", "content": "<p>cost_center: IT-APPS</p>...",
                  "users_id_recipient": 7, "requester_email": "...", "requester_login": "..."}}

    ``itemtype``, when given, must be ``Ticket``. The requester is ``requester_email``, else
    ``requester_login``, else the default payload's ``user_recipient.name`` (a login). The
    variables are the ``key: value`` lines of ``content`` (HTML or plain, as a form plugin writes
    them); a key is lower-cased with spaces, dots and dashes made underscores (``Cost center`` is
    ``cost_center``); values stay text.
    """
    if payload.get("itemtype", "Ticket") != "Ticket":
        raise ValueError(f"not a ticket: {payload.get('itemtype')!r}")
    item = payload.get("item") or {}
    identifier = item.get("id", payload.get("items_id"))
    if isinstance(identifier, bool) or not _ITEM_ID.fullmatch(str(identifier)):
        raise ValueError(f"malformed ticket id {identifier!r}")
    recipient = item.get("user_recipient") or {}
    requester = item.get("requester_email") or item.get("requester_login") or recipient.get("name")
    if not requester:
        raise ValueError(f"ticket {identifier} names no requester")
    return TicketRequest(
        ticket=f"{SYSTEM}:{identifier}",
        number=str(identifier),
        requested_by=str(requester),
        title=html.unescape(str(item.get("name") or "")),
        variables=variables_from_content(str(item.get("content") or "")),
    )


def variables_from_content(content: str) -> dict[str, str]:
    """The ``key: value`` lines of a ticket's content, HTML (escaped or not) or plain text."""
    text = html.unescape(content)
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", text)))
    variables: dict[str, str] = {}
    for line in text.splitlines():
        found = _VARIABLE.fullmatch(line)
        if found and found[2]:
            variables[re.sub(r"[\s.-]+", "_", found[1].strip().lower())] = found[2]
    return variables


def _followups(client: httpx.Client, ticket: int) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        params = {"range": f"{start}-{start + _PAGE - 1}"}
        response = client.get(f"/Ticket/{ticket}/ITILFollowup", params=params)
        rows: list[dict[str, Any]] = _json(response, f"Ticket {ticket}") or []
        yield from rows
        span = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
        if not rows or span is None or int(span[2]) + 1 >= int(span[3]):
            return
        start = int(span[2]) + 1


def _json(response: httpx.Response, what: str) -> Any:
    if response.status_code == 404:
        raise TicketNotFound(f"GLPI holds no {what}")
    response.raise_for_status()
    return response.json() if response.content else None


def _numeric_id(value: str) -> int:
    if not _ITEM_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a GLPI item id")
    return int(value)
