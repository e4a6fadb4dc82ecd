"""A GLPI simulator speaking the legacy REST API subset poflow uses (``/apirest.php``), and sending
signed webhooks as GLPI 10 does.

``GET /initSession`` (``Authorization: user_token <token>``) opens a session, ``GET /killSession``
closes it; ``GET /Ticket/{id}`` and ``GET /Change/{id}`` read an item; ``GET
/Ticket/{id}/ITILFollowup`` lists its followups paged by ``range`` with a ``Content-Range``
header; ``POST /ITILFollowup`` with ``{"input": {...}}`` adds one (``201``, ``{"id", "message"}``).
Every call needs the API client's ``App-Token``, every call but initSession a live
``Session-Token``. Errors are GLPI's ``["ERROR_CODE", "message"]``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse

from adapters.glpi import SIGNATURE_HEADER, TIMESTAMP_HEADER

API = "/apirest.php"


class GlpiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class GlpiInstance:
    """What the simulated GLPI holds: tickets, changes and followups by id, and open sessions."""

    app_token: str
    user_token: str
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    followups: dict[int, dict[str, Any]] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    sessions_opened: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(40))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_ticket(
        self, name: str, content: str, requester_login: str, requester_email: str
    ) -> int:
        with self._lock:
            ticket = next(self._ids)
            self.tickets[ticket] = {
                "id": ticket,
                "name": name,
                "content": content,
                "status": 1,
                "users_id_recipient": 7,
                "requester_login": requester_login,
                "requester_email": requester_email,
            }
            return ticket

    def add_change(self, name: str, global_validation: int) -> int:
        with self._lock:
            change = next(self._ids)
            self.changes[change] = {
                "id": change,
                "name": name,
                "global_validation": global_validation,
            }
            return change

    def followups_of(self, ticket: int) -> list[dict[str, Any]]:
        return [
            f
            for f in self.followups.values()
            if f["itemtype"] == "Ticket" and f["items_id"] == ticket
        ]

    def add_followup(self, given: dict[str, Any]) -> int:
        if given.get("itemtype") != "Ticket" or given.get("items_id") not in self.tickets:
            raise GlpiError(
                400, "ERROR_GLPI_ADD", "You don't have permission to perform this action."
            )
        with self._lock:
            followup = next(self._ids)
            self.followups[followup] = {
                "id": followup,
                "itemtype": "Ticket",
                "items_id": given["items_id"],
                "content": str(given.get("content", "")),
                "is_private": int(given.get("is_private", 0)),
            }
            return followup

    def open_session(self) -> str:
        with self._lock:
            token = secrets.token_hex(20)
            self.sessions.add(token)
            self.sessions_opened += 1
            return token

    def webhook_payload(self, ticket: int, event: str = "new") -> dict[str, Any]:
        """A ticket webhook body in the custom payload shape poflow accepts."""
        return {
            "event": event,
            "itemtype": "Ticket",
            "items_id": ticket,
            "item": dict(self.tickets[ticket]),
        }


def glpi_simulator_app(instance: GlpiInstance) -> FastAPI:
    """The REST API subset over ``instance``, under ``/apirest.php``."""
    app = FastAPI(title="GLPI simulator")

    @app.exception_handler(GlpiError)
    async def failure(request: Request, error: GlpiError) -> JSONResponse:
        return JSONResponse([error.code, error.message], status_code=error.status)

    def app_token(app_token: Annotated[str | None, Header()] = None) -> None:
        if app_token != instance.app_token:
            raise GlpiError(
                400, "ERROR_WRONG_APP_TOKEN_PARAMETER", "parameter app_token seems wrong"
            )

    def session(session_token: Annotated[str | None, Header()] = None) -> None:
        if not session_token:
            raise GlpiError(
                400, "ERROR_SESSION_TOKEN_MISSING", "parameter session_token is missing"
            )
        if session_token not in instance.sessions:
            raise GlpiError(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")

    in_session = [Depends(app_token), Depends(session)]

    @app.get(f"{API}/initSession", dependencies=[Depends(app_token)])
    def init_session(authorization: Annotated[str | None, Header()] = None) -> dict[str, str]:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "user_token" or not token:
            raise GlpiError(
                400,
                "ERROR_LOGIN_PARAMETERS_MISSING",
                "parameter(s) login, password or user_token are missing",
            )
        if not hmac.compare_digest(token, instance.user_token):
            raise GlpiError(
                401, "ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid"
            )
        return {"session_token": instance.open_session()}

    @app.get(f"{API}/killSession", dependencies=in_session)
    def kill_session(session_token: Annotated[str, Header()]) -> bool:
        instance.sessions.discard(session_token)
        return True

    @app.get(f"{API}/Ticket/{{ticket}}", dependencies=in_session)
    def ticket(ticket: int) -> dict[str, Any]:
        return _item(instance.tickets, ticket)

    @app.get(f"{API}/Change/{{change}}", dependencies=in_session)
    def change(change: int) -> dict[str, Any]:
        return _item(instance.changes, change)

    @app.get(f"{API}/Ticket/{{ticket}}/ITILFollowup", dependencies=in_session)
    def followups(ticket: int, span: Annotated[str, Query(alias="range")] = "0-49") -> JSONResponse:
        _item(instance.tickets, ticket)
        first, _, last = span.partition("-")
        every = instance.followups_of(ticket)
        page = every[int(first) : int(last) + 1]
        headers = (
            {"Content-Range": f"{first}-{int(first) + len(page) - 1}/{len(every)}"} if page else {}
        )
        return JSONResponse(page, headers={**headers, "Accept-Range": "ITILFollowup 1000"})

    @app.post(f"{API}/ITILFollowup", dependencies=in_session, status_code=201)
    def add_followup(body: dict[str, Any]) -> JSONResponse:
        followup = instance.add_followup(body.get("input") or {})
        location = f"{API}/ITILFollowup/{followup}"
        return JSONResponse(
            {"id": followup, "message": ""}, status_code=201, headers={"Location": location}
        )

    return app


def deliver_webhook(
    url: str, payload: dict[str, Any], secret: str, timestamp: str
) -> httpx.Response:
    """POST ``payload`` to ``url`` signed as GLPI signs: HMAC-SHA256 of body then timestamp."""
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature,
        TIMESTAMP_HEADER: timestamp,
    }
    return httpx.post(url, content=body, headers=headers, timeout=10)


def _item(items: dict[int, dict[str, Any]], item_id: int) -> dict[str, Any]:
    if item_id not in items:
        raise GlpiError(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
    return items[item_id]
