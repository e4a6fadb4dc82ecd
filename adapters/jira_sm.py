"""Jira Service Management (Cloud) through the Jira REST API v3, with basic auth (account e-mail
and API token, as Atlassian documents for scripts).

Writing back: a comment in Atlassian Document Format (ADF) on the request's issue, then, for the
PO states that have one, the workflow transition of that name. A comment is a new entity every
time it is posted, so each carries a marker of the update's idempotency key and the adapter reads
the issue's comments first: a retried update posts nothing twice. A transition that is not
available from the issue's status (already applied, or the workflow has none of that name) is
skipped and logged. With ``internal_comments`` the comment is an internal note (the documented
``sd.public.comment`` property), which the customer does not see.

Inbound: Jira Cloud webhooks (``jira:issue_created``, ``jira:issue_updated``) signed, when the
webhook has a secret, with ``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>``; each
delivery names itself in ``X-Atlassian-Webhook-Identifier`` (the same on a retry), which poflow
deduplicates on. Parse the raw body with ``parse_webhook`` (floats as ``Decimal``), so a number
custom field keeps the digits of its JSON text and money never passes through a float.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from adapters import http
from adapters.itsm_router import TicketNotFound, note_marker, ticket_id
from domain.tickets import TicketRequest, TicketUpdate

log = logging.getLogger("poflow.itsm.jira")

SYSTEM = "jira"
SIGNATURE_HEADER = "X-Hub-Signature"
IDENTIFIER_HEADER = "X-Atlassian-Webhook-Identifier"
ISSUE_EVENTS = frozenset({"jira:issue_created", "jira:issue_updated"})
# PO state -> the name of the workflow transition to apply.
DEFAULT_TRANSITIONS: dict[str, str] = {
    "issued": "Resolve",
    "rejected": "Decline",
    "closed": "Close",
}
DEFAULT_APPROVED_STATUSES = frozenset({"Approved", "Implementing", "Done"})
_ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[1-9][0-9]*")
_PAGE = 100


@dataclass(frozen=True)
class JiraServiceManagement:
    """``ItsmPort`` for Jira Service Management; ``base_url`` is ``https://<site>.atlassian.net``."""

    base_url: str
    email: str
    api_token: str
    transitions: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TRANSITIONS))
    approved_statuses: frozenset[str] = DEFAULT_APPROVED_STATUSES
    internal_comments: bool = False
    timeout_seconds: float = 10.0

    def update_ticket(self, update: TicketUpdate) -> None:
        key = _issue_key(ticket_id(update.ticket, SYSTEM))
        with self._client() as client:
            marker = note_marker(update.idempotency_key)
            if not any(marker in _text(c.get("body")) for c in self._comments(client, key)):
                self._comment(client, key, update)
            transition = self.transitions.get(update.state)
            if transition:
                self._transition(client, key, transition)

    def change_ticket_approved(self, change_ticket: str) -> bool:
        """Approved when the change issue's status is one of ``approved_statuses``."""
        key = _issue_key(ticket_id(change_ticket, SYSTEM))
        with self._client() as client:
            issue = _json(client.get(f"/rest/api/3/issue/{key}", params={"fields": "status"}), key)
        return str(issue["fields"]["status"]["name"]) in self.approved_statuses

    def _comments(self, client: httpx.Client, key: str) -> Iterator[dict[str, Any]]:
        start = 0
        while True:
            params = {"startAt": start, "maxResults": _PAGE}
            page = _json(client.get(f"/rest/api/3/issue/{key}/comment", params=params), key)
            comments: list[dict[str, Any]] = page.get("comments", [])
            yield from comments
            start += len(comments)
            if not comments or start >= int(page.get("total", 0)):
                return

    def _comment(self, client: httpx.Client, key: str, update: TicketUpdate) -> None:
        body: dict[str, Any] = {"body": comment_document(update)}
        if self.internal_comments:
            body["properties"] = [{"key": "sd.public.comment", "value": {"internal": True}}]
        _json(client.post(f"/rest/api/3/issue/{key}/comment", json=body), key)

    def _transition(self, client: httpx.Client, key: str, name: str) -> None:
        listed = _json(client.get(f"/rest/api/3/issue/{key}/transitions"), key)
        wanted = name.casefold()
        found = [
            t for t in listed.get("transitions", []) if str(t.get("name", "")).casefold() == wanted
        ]
        if not found:
            log.info("transition %r is not available on %s from its status; skipped", name, key)
            return
        response = client.post(
            f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": found[0]["id"]}}
        )
        _json(response, key)

    def _client(self) -> httpx.Client:
        return http.client(
            base_url=self.base_url.rstrip("/"),
            auth=httpx.BasicAuth(self.email, self.api_token),
            headers={"Accept": "application/json"},
            timeout=self.timeout_seconds,
        )


def comment_document(update: TicketUpdate) -> dict[str, Any]:
    """The comment as an ADF document: the PO and its state, the note, the change, the marker."""
    content: list[dict[str, Any]] = [
        _paragraph(
            {
                "type": "text",
                "text": update.headline,
                "marks": [{"type": "strong"}],
            },
            {"type": "text", "text": f": {update.note}"},
        )
    ]
    if update.change_ticket:
        content.append(_paragraph({"type": "text", "text": f"Change: {update.change_ticket}"}))
    content.append(
        _paragraph(
            {
                "type": "text",
                "text": note_marker(update.idempotency_key),
                "marks": [{"type": "code"}],
            }
        )
    )
    return {"type": "doc", "version": 1, "content": content}


def parse_webhook(body: bytes) -> dict[str, Any]:
    """A webhook's raw body as JSON, every non-integer number a ``Decimal`` of its own text."""
    payload = json.loads(body, parse_float=Decimal)
    if not isinstance(payload, dict):
        raise ValueError("a Jira webhook body is a JSON object")
    return payload


def signature_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``X-Hub-Signature`` is ``sha256=<hex HMAC-SHA256 of body under secret>``."""
    method, _, signature = (header or "").partition("=")
    if method != "sha256" or not signature or not secret:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def ticket_request_from_webhook(
    payload: Mapping[str, Any], field_names: Mapping[str, str]
) -> TicketRequest:
    """The request in a ``jira:issue_created`` or ``jira:issue_updated`` webhook.

    ``field_names`` maps a poflow variable (``cost_center``) to the Jira field holding it
    (``customfield_10050``). A select list's ``{"value": ...}`` gives its value, a multi-select or
    labels their values joined by commas, a user picker its e-mail (or account id), a number its
    JSON text (parse with ``parse_webhook``; a float that arrives anyway is written as its
    shortest round-trip repr). Empty fields are left out. The requester is the reporter's e-mail,
    or their account id when the site hides e-mail addresses.
    """
    if payload.get("webhookEvent") not in ISSUE_EVENTS:
        raise ValueError(f"not an issue event: {payload.get('webhookEvent')!r}")
    issue = payload.get("issue") or {}
    key, fields = str(issue.get("key", "")), issue.get("fields") or {}
    if not _ISSUE_KEY.fullmatch(key):
        raise ValueError(f"malformed issue key {key!r}")
    reporter = fields.get("reporter") or {}
    requester = reporter.get("emailAddress") or reporter.get("accountId")
    if not requester:
        raise ValueError(f"{key} has no reporter")
    variables = {
        name: _field_text(fields.get(jira_field)) for name, jira_field in field_names.items()
    }
    return TicketRequest(
        ticket=f"{SYSTEM}:{key}",
        number=key,
        requested_by=str(requester),
        title=str(fields.get("summary") or ""),
        variables={name: value for name, value in variables.items() if value},
    )


def status_changed_to(payload: Mapping[str, Any]) -> str | None:
    """The status an ``jira:issue_updated`` webhook's changelog moved the issue to, if it did."""
    items = (payload.get("changelog") or {}).get("items") or []
    for item in items:
        if item.get("field") == "status":
            return str(item.get("toString") or "")
    return None


def _field_text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return ",".join(text for text in (_field_text(v) for v in value) if text)
    if isinstance(value, dict):
        for name in ("value", "emailAddress", "accountId", "name"):
            if value.get(name) is not None:
                return _field_text(value[name])
        return ""
    return str(value).strip()


def _paragraph(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def _text(node: Any) -> str:
    """Every text run of an ADF node (or a plain string body), concatenated."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    own = node.get("text", "") if node.get("type") == "text" else ""
    return str(own) + "".join(_text(child) for child in node.get("content", []))


def _json(response: httpx.Response, key: str) -> Any:
    if response.status_code == 404:
        raise TicketNotFound(f"no Jira issue {key}")
    response.raise_for_status()
    return response.json() if response.content else None


def _issue_key(value: str) -> str:
    if not _ISSUE_KEY.fullmatch(value):
        raise ValueError(f"{value!r} is not a Jira issue key")
    return value
