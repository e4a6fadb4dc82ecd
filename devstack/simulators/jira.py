"""A Jira Service Management Cloud site simulator speaking the REST API v3 subset poflow uses, and
sending signed webhooks as a site does.

``GET /rest/api/3/issue/{key}?fields=`` reads an issue; ``GET|POST .../comment`` lists (paged by
``startAt``/``maxResults``) and adds comments whose body must be an ADF document;
``GET|POST .../transitions`` lists the transitions available from the issue's status and applies
one by id (``204``). Callers authenticate with basic auth (e-mail and API token). Errors come in
Jira's ``{"errorMessages": [...], "errors": {...}}`` shape.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from adapters.basic_auth import basic_auth_matches
from adapters.jira_sm import IDENTIFIER_HEADER, SIGNATURE_HEADER


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to: str


# A service-request workflow and a change workflow: status -> the transitions leaving it.
DEFAULT_WORKFLOW: dict[str, tuple[Transition, ...]] = {
    "Waiting for support": (
        Transition("11", "Resolve", "Resolved"),
        Transition("21", "Decline", "Declined"),
        Transition("31", "Start progress", "In Progress"),
    ),
    "In Progress": (
        Transition("11", "Resolve", "Resolved"),
        Transition("21", "Decline", "Declined"),
    ),
    "Resolved": (
        Transition("41", "Close", "Closed"),
        Transition("51", "Reopen", "Waiting for support"),
    ),
    "Declined": (Transition("41", "Close", "Closed"),),
    "Closed": (),
    "Awaiting approval": (
        Transition("61", "Approve", "Approved"),
        Transition("21", "Decline", "Declined"),
    ),
    "Approved": (Transition("71", "Implement", "Implementing"),),
    "Implementing": (Transition("81", "Complete", "Done"),),
    "Done": (),
}


class JiraError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class JiraSite:
    """What the simulated site holds: issues by key (``fields`` as the REST API shows them),
    each issue's comments, and the workflow the transitions follow."""

    email: str
    api_token: str
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    workflow: dict[str, tuple[Transition, ...]] = field(
        default_factory=lambda: dict(DEFAULT_WORKFLOW)
    )
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10_001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_issue(
        self,
        key: str,
        summary: str,
        reporter_email: str | None,
        reporter_account_id: str,
        status: str = "Waiting for support",
        fields: dict[str, Any] | None = None,
    ) -> str:
        reporter: dict[str, Any] = {
            "accountId": reporter_account_id,
            "displayName": reporter_account_id,
        }
        if reporter_email is not None:
            reporter["emailAddress"] = reporter_email
        with self._lock:
            self.issues[key] = {
                "id": str(next(self._ids)),
                "key": key,
                "fields": {
                    "summary": summary,
                    "reporter": reporter,
                    "status": {"name": status},
                    **(fields or {}),
                },
            }
            self.comments[key] = []
        return key

    def status_of(self, key: str) -> str:
        return str(self.issue(key)["fields"]["status"]["name"])

    def comment_texts(self, key: str) -> list[str]:
        """Each comment's text, a line per paragraph."""
        return ["\n".join(map(_text, c["body"]["content"])) for c in self.comments[key]]

    def issue(self, key: str) -> dict[str, Any]:
        if key not in self.issues:
            raise JiraError(404, "Issue does not exist or you do not have permission to see it.")
        return self.issues[key]

    def add_comment(self, key: str, body: Any, properties: list[dict[str, Any]]) -> dict[str, Any]:
        if not (isinstance(body, dict) and body.get("type") == "doc" and body.get("version") == 1):
            raise JiraError(400, "Comment body is not valid!")
        internal = any(
            p.get("key") == "sd.public.comment" and (p.get("value") or {}).get("internal")
            for p in properties
        )
        with self._lock:
            self.issue(key)
            comment = {
                "id": str(next(self._ids)),
                "body": body,
                "jsdPublic": not internal,
                "properties": properties,
            }
            self.comments[key].append(comment)
        return comment

    def available(self, key: str) -> tuple[Transition, ...]:
        return self.workflow.get(self.status_of(key), ())

    def apply(self, key: str, transition_id: str) -> None:
        with self._lock:
            chosen = [t for t in self.available(key) if t.id == transition_id]
            if not chosen:
                raise JiraError(
                    400, f"Transition id '{transition_id}' is not valid for this issue."
                )
            self.issues[key]["fields"]["status"] = {"name": chosen[0].to}

    def webhook_body(
        self, key: str, event: str, changelog: dict[str, Any] | None = None, timestamp_ms: int = 0
    ) -> dict[str, Any]:
        """A webhook body as the site sends it for ``event`` on ``key``."""
        issue = self.issue(key)
        body: dict[str, Any] = {
            "timestamp": timestamp_ms,
            "webhookEvent": event,
            "issue_event_type_name": "issue_created"
            if event == "jira:issue_created"
            else "issue_generic",
            "user": issue["fields"]["reporter"],
            "issue": {"id": issue["id"], "key": key, "fields": issue["fields"]},
        }
        if changelog is not None:
            body["changelog"] = changelog
        return body


def jira_simulator_app(site: JiraSite) -> FastAPI:
    """The REST API v3 subset over ``site``."""
    app = FastAPI(title="Jira Service Management simulator")

    @app.exception_handler(JiraError)
    async def failure(request: Request, error: JiraError) -> JSONResponse:
        return JSONResponse(
            {"errorMessages": [error.message], "errors": {}}, status_code=error.status
        )

    @app.middleware("http")
    async def authenticated(request: Request, call_next: Any) -> Any:
        if not basic_auth_matches(request.headers.get("authorization"), site.email, site.api_token):
            return PlainTextResponse(
                "Client must be authenticated to access this resource.", status_code=401
            )
        return await call_next(request)

    @app.get("/rest/api/3/issue/{key}")
    def read(key: str, fields: Annotated[str, Query()] = "*all") -> dict[str, Any]:
        issue = site.issue(key)
        wanted = None if fields in ("", "*all") else set(fields.split(","))
        shown = {n: v for n, v in issue["fields"].items() if wanted is None or n in wanted}
        return {"id": issue["id"], "key": key, "fields": shown}

    @app.get("/rest/api/3/issue/{key}/comment")
    def comments(
        key: str,
        startAt: Annotated[int, Query(ge=0)] = 0,
        maxResults: Annotated[int, Query(ge=1)] = 50,
    ) -> dict[str, Any]:
        site.issue(key)
        every = site.comments[key]
        page = every[startAt : startAt + min(maxResults, 100)]
        return {"startAt": startAt, "maxResults": maxResults, "total": len(every), "comments": page}

    @app.post("/rest/api/3/issue/{key}/comment", status_code=201)
    def comment(key: str, body: dict[str, Any]) -> dict[str, Any]:
        return site.add_comment(key, body.get("body"), body.get("properties") or [])

    @app.get("/rest/api/3/issue/{key}/transitions")
    def transitions(key: str) -> dict[str, Any]:
        shown = [
            {"id": t.id, "name": t.name, "to": {"name": t.to}, "isAvailable": True}
            for t in site.available(key)
        ]
        return {"expand": "transitions", "transitions": shown}

    @app.post("/rest/api/3/issue/{key}/transitions", status_code=204)
    def transition(key: str, body: dict[str, Any]) -> Response:
        site.apply(key, str((body.get("transition") or {}).get("id", "")))
        return Response(status_code=204)

    return app


def deliver_webhook(
    site: JiraSite,
    url: str,
    issue_key: str,
    event: str,
    secret: str,
    identifier: str,
    changelog: dict[str, Any] | None = None,
) -> httpx.Response:
    """POST the webhook for ``event`` on ``issue_key`` to ``url``, signed as Jira Cloud signs."""
    body = json.dumps(site.webhook_body(issue_key, event, changelog)).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: f"sha256={signature}",
        IDENTIFIER_HEADER: identifier,
        "User-Agent": "Atlassian Webhook HTTP Client",
    }
    return httpx.post(url, content=body, headers=headers, timeout=10)


def _text(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    own = str(node.get("text", "")) if node.get("type") == "text" else ""
    return own + "".join(_text(child) for child in node.get("content", []))
