"""A ServiceNow instance simulator speaking the subset of the REST Table API poflow uses.

``GET /api/now/table/<table>/<sys_id>`` reads a record; ``GET /api/now/table/<table>`` lists
records matching ``sysparm_query`` (an encoded query of ``field=value``, ``field!=value`` and
``fieldLIKEtext`` terms joined by ``^`` (AND) and ``^OR`` (OR, binding to the term before it);
``^^`` is a literal caret); ``PATCH /api/now/table/<table>/<sys_id>`` merges fields, and the journal
fields ``work_notes`` and ``comments`` become ``sys_journal_field`` entries as on an instance.
``sysparm_fields`` may dot-walk references (``requested_for.email``); ``sysparm_display_value``
(``false``, ``true``, ``all``), ``sysparm_exclude_reference_link`` and ``sysparm_limit`` behave as
documented. Answers come in the ``{"result": ...}`` envelope, failures in ServiceNow's
``{"error": {"message", "detail"}, "status": "failure"}``. Callers authenticate with basic auth.

``deliver_approved_item`` plays the Business Rule that tells poflow a requested item was approved.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from adapters.basic_auth import basic_auth_matches
from adapters.servicenow import AUTH_HEADER, REQUESTED_ITEMS_PATH
from devstack.simulators.servicenow_query import (
    TableApiError,
    matches,
    parsed_query,
    rendered,
)

JOURNAL_FIELDS = ("work_notes", "comments")
TABLES = (
    "sys_user",
    "sc_req_item",
    "item_option_new",
    "sc_item_option",
    "sc_item_option_mtom",
    "change_request",
    "sys_journal_field",
)


@dataclass
class ServiceNowInstance:
    """What the simulated instance holds: each table's records by sys_id, and every PATCH."""

    user: str
    password: str
    tables: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {name: {} for name in TABLES}
    )
    patches: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def saved(self) -> dict[str, Any]:
        """The tables and patches, as JSON, so a restarted instance carries on (``restore``)."""
        with self._lock:
            return dict(json.loads(json.dumps({"tables": self.tables, "patches": self.patches})))

    def restore(self, saved: dict[str, Any]) -> None:
        with self._lock:
            self.tables = {name: saved["tables"].get(name, {}) for name in TABLES}
            self.patches = saved["patches"]

    def insert(self, table: str, record: dict[str, Any]) -> str:
        with self._lock:
            sys_id = uuid.uuid4().hex
            self.tables[table][sys_id] = {**record, "sys_id": sys_id}
            return sys_id

    def add_user(self, user_name: str, email: str, name: str = "") -> str:
        for sys_id, user in self.tables["sys_user"].items():
            if user["user_name"] == user_name:
                return sys_id
        return self.insert(
            "sys_user", {"user_name": user_name, "email": email, "name": name or user_name}
        )

    def add_requested_item(
        self,
        number: str,
        short_description: str,
        requested_for_user_name: str,
        requested_for_email: str,
        variables: dict[str, str],
    ) -> str:
        """A requested item awaiting approval, with its catalog variables; its sys_id."""
        user = self.add_user(requested_for_user_name, requested_for_email)
        item = self.insert(
            "sc_req_item",
            {
                "number": number,
                "short_description": short_description,
                "requested_for": user,
                "opened_by": user,
                "approval": "requested",
                "state": "1",
            },
        )
        for name, value in variables.items():
            option = self.insert(
                "sc_item_option", {"item_option_new": self._question(name), "value": value}
            )
            self.insert("sc_item_option_mtom", {"request_item": item, "sc_item_option": option})
        return item

    def add_change(self, number: str, approval: str) -> str:
        return self.insert(
            "change_request", {"number": number, "approval": approval, "state": "-4"}
        )

    def requested_item(self, sys_id: str) -> dict[str, Any]:
        return self.tables["sc_req_item"][sys_id]

    def work_notes(self, sys_id: str) -> list[str]:
        journal = self.tables["sys_journal_field"].values()
        return [
            e["value"]
            for e in journal
            if e["element_id"] == sys_id and e["element"] == "work_notes"
        ]

    def patch(self, table: str, sys_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            record = self.record(table, sys_id)
            self.patches.append({"table": table, "sys_id": sys_id, "body": dict(body)})
            journal = {name: body[name] for name in JOURNAL_FIELDS if body.get(name)}
            record.update(
                {k: v for k, v in body.items() if k not in JOURNAL_FIELDS and k != "sys_id"}
            )
        for element, value in journal.items():
            entry = {"element_id": sys_id, "element": element, "name": table, "value": str(value)}
            self.insert("sys_journal_field", entry)
        return record

    def deliver_approved_item(
        self, sys_id: str, poflow_url: str, secret: str, path: str = REQUESTED_ITEMS_PATH
    ) -> httpx.Response:
        """The Business Rule's outbound REST message telling poflow the item was approved."""
        item = self.requested_item(sys_id)
        body = {
            "sys_id": sys_id,
            "number": item["number"],
            "table": "sc_req_item",
            "event": "approved",
        }
        return httpx.post(
            f"{poflow_url.rstrip('/')}{path}",
            json=body,
            headers={AUTH_HEADER: secret},
            timeout=10,
        )

    def _question(self, name: str) -> str:
        for sys_id, question in self.tables["item_option_new"].items():
            if question["name"] == name:
                return sys_id
        return self.insert("item_option_new", {"name": name})

    def record(self, table: str, sys_id: str) -> dict[str, Any]:
        if table not in self.tables:
            raise TableApiError(400, f"Invalid table {table}")
        if sys_id not in self.tables[table]:
            raise TableApiError(
                404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
            )
        return self.tables[table][sys_id]


def servicenow_simulator_app(instance: ServiceNowInstance) -> FastAPI:
    """The Table API subset over ``instance``."""
    app = FastAPI(title="ServiceNow simulator")

    @app.exception_handler(TableApiError)
    async def failure(request: Request, error: TableApiError) -> JSONResponse:
        body = {"error": {"message": error.message, "detail": error.detail}, "status": "failure"}
        headers = {"WWW-Authenticate": 'Basic realm="Service-now"'} if error.status == 401 else None
        return JSONResponse(body, status_code=error.status, headers=headers)

    @app.middleware("http")
    async def authenticated(request: Request, call_next: Any) -> Any:
        if not basic_auth_matches(
            request.headers.get("authorization"), instance.user, instance.password
        ):
            return await failure(
                request,
                TableApiError(
                    401, "User Not Authenticated", "Required to provide Auth information"
                ),
            )
        return await call_next(request)

    @app.get("/api/now/table/{table}/{sys_id}")
    def read(table: str, sys_id: str, request: Request) -> dict[str, Any]:
        record = instance.record(table, sys_id)
        return {"result": rendered(instance.tables, table, record, request)}

    @app.get("/api/now/table/{table}")
    def listed(
        table: str,
        request: Request,
        sysparm_query: Annotated[str, Query()] = "",
        sysparm_limit: Annotated[int, Query(ge=1)] = 10_000,
    ) -> dict[str, Any]:
        if table not in instance.tables:
            raise TableApiError(400, f"Invalid table {table}")
        groups, tables = parsed_query(sysparm_query), instance.tables
        found = [r for r in list(tables[table].values()) if matches(tables, table, r, groups)]
        return {"result": [rendered(tables, table, r, request) for r in found[:sysparm_limit]]}

    @app.patch("/api/now/table/{table}/{sys_id}")
    def patched(table: str, sys_id: str, body: dict[str, Any], request: Request) -> dict[str, Any]:
        record = instance.patch(table, sys_id, body)
        return {"result": rendered(instance.tables, table, record, request)}

    return app
