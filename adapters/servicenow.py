"""ServiceNow through its REST Table API (``/api/now/table/<table>``), with basic auth.

Reading: a requested item (``sc_req_item``) with its requester, dot-walked through the
``requested_for`` reference to ``sys_user``, and its catalog variables through the documented
many-to-many table ``sc_item_option_mtom`` (``sc_item_option.item_option_new.name`` is the
variable's name, ``sc_item_option.value`` its value, always a string).

Writing back: one PATCH on the requested item sets the PO fields (``u_po_number``, ``u_po_state``,
``u_change_request``; the names are a mapping, as custom fields differ per instance) and the
``approval`` choice. Setting fields is idempotent, but ``work_notes`` is a journal field: each
PATCH that carries it adds an entry. So the note carries a marker of the update's idempotency key,
and the adapter first asks ``sys_journal_field`` whether an entry with that marker exists; a
retried update sets the fields again and adds no second note. The integration user needs read on
``sc_req_item``, ``sc_item_option_mtom``, ``change_request`` and ``sys_journal_field`` (with the
dot-walked ``sys_user`` and ``sc_item_option`` fields) and write on ``sc_req_item``.

Inbound: a Business Rule on ``sc_req_item`` (when approval becomes ``approved``) sends a thin
outbound REST message to poflow: ``POST /api/itsm/servicenow/requested-items`` with header
``X-Poflow-Secret`` and body ``{"sys_id", "number", "table": "sc_req_item", "event": "approved"}``;
poflow then reads the item through ``requested_item``.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters import http
from adapters.itsm_router import TicketNotFound, note_marker, ticket_id
from domain.tickets import TicketRequest, TicketUpdate

SYSTEM = "servicenow"
REQUESTED_ITEMS_PATH = "/api/itsm/servicenow/requested-items"
AUTH_HEADER = "X-Poflow-Secret"

# poflow's name -> the sc_req_item field that holds it.
DEFAULT_FIELDS: dict[str, str] = {
    "po_number": "u_po_number",
    "po_state": "u_po_state",
    "change_ticket": "u_change_request",
}
# PO state -> sc_req_item.approval ('not requested', 'requested', 'approved', 'rejected'); a
# state not listed leaves the approval as it is (a tier's approval is not the item's).
DEFAULT_APPROVALS: dict[str, str] = {
    "submitted": "requested",
    "issued": "approved",
    "rejected": "rejected",
    "refused": "rejected",
}
ITEM_FIELDS = (
    "sys_id",
    "number",
    "short_description",
    "requested_for.user_name",
    "requested_for.email",
    "opened_by.user_name",
)
VARIABLE_NAME = "sc_item_option.item_option_new.name"
VARIABLE_VALUE = "sc_item_option.value"
_RECORD_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")


@dataclass(frozen=True)
class ServiceNowTable:
    """``ItsmPort`` for ServiceNow; ``instance_url`` is ``https://<instance>.service-now.com``."""

    instance_url: str
    user: str
    password: str
    fields: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    approvals: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_APPROVALS))
    timeout_seconds: float = 10.0

    def requested_item(self, sys_id: str) -> TicketRequest:
        """The requested item ``sys_id`` as poflow reads a request: who, what, its variables."""
        sys_id = _record_key(sys_id)
        with self._client() as client:
            item = _result(
                client.get(f"/api/now/table/sc_req_item/{sys_id}", params=_read(ITEM_FIELDS)),
                sys_id,
            )
            variables = self._variables(client, sys_id)
        requester = (
            item.get("requested_for.user_name")
            or item.get("requested_for.email")
            or item.get("opened_by.user_name")
        )
        if not requester:
            raise ValueError(f"requested item {item.get('number', sys_id)} names no requester")
        return TicketRequest(
            ticket=f"{SYSTEM}:{sys_id}",
            number=str(item["number"]),
            requested_by=str(requester),
            title=str(item.get("short_description") or ""),
            variables=variables,
        )

    def update_ticket(self, update: TicketUpdate) -> None:
        sys_id = _record_key(ticket_id(update.ticket, SYSTEM))
        body = self._patch_body(update)
        with self._client() as client:
            if not self._noted(client, sys_id, update.idempotency_key):
                body["work_notes"] = work_note(update)
            response = client.patch(
                f"/api/now/table/sc_req_item/{sys_id}",
                json=body,
                params={"sysparm_fields": "sys_id"},
            )
            _result(response, sys_id)

    def change_ticket_approved(self, change_ticket: str) -> bool:
        """Approved when the change request's ``approval`` is ``approved``; the id after the
        prefix is a change number (``CHG0030001``) or a sys_id."""
        key = _record_key(ticket_id(change_ticket, SYSTEM))
        params = {
            **_read(("number", "approval", "state")),
            "sysparm_query": f"number={key}^ORsys_id={key}",
            "sysparm_limit": "1",
        }
        with self._client() as client:
            found: list[dict[str, Any]] = _result(
                client.get("/api/now/table/change_request", params=params), key
            )
        if not found:
            raise TicketNotFound(f"no change request {key}")
        return found[0].get("approval") == "approved"

    def _variables(self, client: httpx.Client, sys_id: str) -> dict[str, str]:
        params = {
            **_read((VARIABLE_NAME, VARIABLE_VALUE)),
            "sysparm_query": f"request_item={sys_id}",
        }
        rows: list[dict[str, Any]] = _result(
            client.get("/api/now/table/sc_item_option_mtom", params=params), sys_id
        )
        return {
            str(row[VARIABLE_NAME]): str(row.get(VARIABLE_VALUE) or "")
            for row in rows
            if row.get(VARIABLE_NAME)
        }

    def _noted(self, client: httpx.Client, sys_id: str, key: str) -> bool:
        marker = note_marker(key).replace("^", "^^")
        params = {
            "sysparm_query": f"element_id={sys_id}^element=work_notes^valueLIKE{marker}",
            "sysparm_fields": "sys_id",
            "sysparm_limit": "1",
        }
        return bool(_result(client.get("/api/now/table/sys_journal_field", params=params), sys_id))

    def _patch_body(self, update: TicketUpdate) -> dict[str, str]:
        body = {self.fields["po_number"]: update.po_number, self.fields["po_state"]: update.state}
        if update.state in self.approvals:
            body["approval"] = self.approvals[update.state]
        if update.change_ticket:
            change = update.change_ticket.removeprefix(f"{SYSTEM}:")
            body[self.fields["change_ticket"]] = change
        return body

    def _client(self) -> httpx.Client:
        return http.client(
            base_url=self.instance_url.rstrip("/"),
            auth=httpx.BasicAuth(self.user, self.password),
            headers={"Accept": "application/json"},
            timeout=self.timeout_seconds,
        )


@dataclass(frozen=True)
class RequestedItemEvent:
    """What the Business Rule's outbound message says: this requested item was approved."""

    sys_id: str
    number: str
    event: str


def requested_item_event(payload: Mapping[str, Any]) -> RequestedItemEvent:
    """The outbound message's body, checked: ``table`` must be ``sc_req_item``."""
    if payload.get("table") != "sc_req_item":
        raise ValueError(f"not a requested item: table {payload.get('table')!r}")
    sys_id, number, event = (payload.get(name) for name in ("sys_id", "number", "event"))
    if not isinstance(sys_id, str) or not _RECORD_KEY.fullmatch(sys_id):
        raise ValueError("sys_id is missing or malformed")
    return RequestedItemEvent(sys_id, str(number or ""), str(event or ""))


def secret_valid(header: str | None, secret: str) -> bool:
    """Whether the ``X-Poflow-Secret`` header carries the shared secret (constant time)."""
    return (
        header is not None
        and bool(secret)
        and hmac.compare_digest(header.encode(), secret.encode())
    )


def work_note(update: TicketUpdate) -> str:
    lines = [f"{update.headline}: {update.note}"]
    if update.change_ticket:
        lines.append(f"Change: {update.change_ticket}")
    lines.append(note_marker(update.idempotency_key))
    return "\n".join(lines)


def _read(fields: tuple[str, ...]) -> dict[str, str]:
    return {
        "sysparm_fields": ",".join(fields),
        "sysparm_display_value": "false",
        "sysparm_exclude_reference_link": "true",
    }


def _result(response: httpx.Response, key: str) -> Any:
    """The ``result`` of a Table API answer; a 404 is ``TicketNotFound`` with ServiceNow's words."""
    if response.status_code == 404:
        raise TicketNotFound(f"{key}: {_error_message(response)}")
    response.raise_for_status()
    return response.json()["result"]


def _error_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return "not found"


def _record_key(value: str) -> str:
    """A sys_id or record number, refused when it could change the URL or the encoded query."""
    if not _RECORD_KEY.fullmatch(value):
        raise ValueError(f"{value!r} is not a ServiceNow sys_id or number")
    return value
