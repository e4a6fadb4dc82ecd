"""An ERP simulator speaking a generic purchase-order REST API over HTTP, for tests and the demo.

``POST /api/v1/purchase-orders`` creates an order; an ``Idempotency-Key`` header seen before
answers with the order it created. ``GET /api/v1/purchase-orders?external_reference=`` finds
orders by the buyer's reference; ``GET .../{id}`` reads one; ``POST .../{id}/cancel`` cancels.
Callers authenticate with a bearer token. ``stall_after_commit`` makes the next create commit
and then answer only after that many seconds, as an ERP that times out after committing does.

``ErpBook.advance`` moves an order on (acknowledged, received, invoiced, cancelled) and records
a status event; with ``callback_url`` and ``callback_secret`` set, the event is POSTed there as
JSON signed in ``X-Erp-Signature`` (see adapters.erp_events). Whether or not that delivery
succeeds, ``GET .../{id}/events`` lists an order's events and ``GET /api/v1/events?after=``
lists all of them in order after a given event id, for polling.

Journals (a month-end close's accrual and reversal): ``POST /api/v1/journals`` keeps one under
its ``external_reference`` (posting it again answers with the one kept), ``GET
/api/v1/journals?external_reference=`` finds it, and ``GET /api/v1/gl-balances?period=YYYY-MM``
exports the month's GL balances per cost center x GL account (see ``erp_ledger``).
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException, Query, status
from fastapi.responses import JSONResponse

from adapters.erp_events import SIGNATURE_HEADER, STATUSES, signature_of
from devstack.simulators.erp_ledger import gl_balances

# What a restarted ERP must remember: its orders and events, and where its numbering stands.
SAVED_FIELDS = (
    "orders",
    "by_key",
    "events",
    "creates_received",
    "undelivered",
    "next_number",
    "next_event_number",
    "site",
    "journals",
)


@dataclass
class ErpBook:
    """What the simulated ERP holds: orders by id, and which idempotency key made which."""

    token: str
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    stall_after_commit: float = 0.0
    creates_received: int = 0
    callback_url: str | None = None
    callback_secret: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)
    next_number: int = 50_001
    next_event_number: int = 1
    # Event ids are unique across ERPs too, as a real ERP's are across its lifetime.
    site: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    journals: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def saved(self) -> dict[str, Any]:
        """What the ERP holds, as JSON, so a restarted ERP carries on (``restore``)."""
        with self._lock:
            held = {name: getattr(self, name) for name in SAVED_FIELDS}
            return dict(json.loads(json.dumps(held)))

    def restore(self, saved: dict[str, Any]) -> None:
        """Take back what ``saved`` returned: the orders, and numbering where it stopped."""
        with self._lock:
            for name in SAVED_FIELDS:
                if name in saved:  # an ERP saved before it kept journals has none
                    setattr(self, name, saved[name])

    def create(self, body: dict[str, Any], key: str | None) -> tuple[dict[str, Any], bool]:
        with self._lock:
            self.creates_received += 1
            if key and key in self.by_key:
                return self.orders[self.by_key[key]], False
            order = {**body, "id": f"ERP-PO-{self.next_number}", "status": "open"}
            self.next_number += 1
            self.orders[order["id"]] = order
            if key:
                self.by_key[key] = order["id"]
            return order, True

    def orders_for(self, po_number: str) -> list[dict[str, Any]]:
        """Every order the ERP holds for the buyer's PO ``po_number`` (one, when all is well)."""
        return [order for order in self.orders.values() if _po_number(order) == po_number]

    def advance(self, order_id: str, new_status: str, detail: str = "") -> dict[str, Any]:
        """Set the order's status, record the event, and deliver it to the callback if set."""
        if new_status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        with self._lock:
            order = self.orders[order_id]
            order["status"] = new_status
            event = {
                "event_id": f"EVT-{self.site}-{self.next_event_number:06d}",
                "erp_reference": order_id,
                "po_number": _po_number(order),
                "status": new_status,
                "occurred_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "detail": detail,
            }
            self.events.append(event)
            self.next_event_number += 1
        self._deliver(event)
        return event

    def post_journal(self, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Keep the journal under its external reference; the one kept when seen before."""
        with self._lock:
            reference = str(body["external_reference"])
            if reference in self.journals:
                return self.journals[reference], False
            journal = {**body, "id": f"ERP-JE-{len(self.journals) + 1:05d}"}
            self.journals[reference] = journal
            return journal, True

    def gl_balances(self, period: str) -> list[dict[str, str]]:
        with self._lock:
            return gl_balances(self.journals, self.orders, self.events, period)

    def events_after(self, event_id: str | None, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            ids = [event["event_id"] for event in self.events]
            if event_id is not None and event_id not in ids:
                raise KeyError(event_id)
            start = ids.index(event_id) + 1 if event_id is not None else 0
            return self.events[start : start + limit]

    def _deliver(self, event: dict[str, Any]) -> None:
        if not (self.callback_url and self.callback_secret):
            return
        body = json.dumps(event, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_of(body, self.callback_secret),
        }
        try:
            response = httpx.post(self.callback_url, content=body, headers=headers, timeout=5.0)
            response.raise_for_status()
        except httpx.HTTPError:
            # The feed still lists the event, so a receiver that missed it catches up by polling.
            self.undelivered.append(event["event_id"])


def _po_number(order: dict[str, Any]) -> str:
    """The buyer's PO number, also when the ERP maps ``po_number`` to a name of its own."""
    return str(order.get("po_number") or str(order["external_reference"]).rsplit(":", 1)[0])


def erp_simulator_app(book: ErpBook) -> FastAPI:
    """The simulator's HTTP API over ``book``."""
    app = FastAPI(title="ERP simulator")

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        if authorization != f"Bearer {book.token}":
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid bearer token is required")

    checked = [Depends(authorised)]

    @app.post("/api/v1/purchase-orders", dependencies=checked)
    async def create(
        body: dict[str, Any], idempotency_key: Annotated[str | None, Header()] = None
    ) -> JSONResponse:
        if not body.get("external_reference"):
            raise HTTPException(422, "external_reference is required")
        order, created = book.create(body, idempotency_key)
        if created and book.stall_after_commit:
            stall, book.stall_after_commit = book.stall_after_commit, 0.0
            await asyncio.sleep(stall)
        return JSONResponse(order, status_code=201 if created else 200)

    @app.get("/api/v1/purchase-orders", dependencies=checked)
    def find(external_reference: Annotated[str, Query()]) -> dict[str, Any]:
        found = [o for o in book.orders.values() if o["external_reference"] == external_reference]
        return {"items": found}

    @app.get("/api/v1/purchase-orders/{order_id}", dependencies=checked)
    def read(order_id: str) -> dict[str, Any]:
        return _order(book, order_id)

    @app.post("/api/v1/purchase-orders/{order_id}/cancel", dependencies=checked)
    def cancel(order_id: str) -> dict[str, Any]:
        _order(book, order_id)
        book.advance(order_id, "cancelled")
        return book.orders[order_id]

    @app.get("/api/v1/purchase-orders/{order_id}/events", dependencies=checked)
    def order_events(order_id: str) -> dict[str, Any]:
        _order(book, order_id)
        return {"items": [e for e in book.events if e["erp_reference"] == order_id]}

    @app.get("/api/v1/events", dependencies=checked)
    def event_feed(
        after: Annotated[str | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        try:
            return {"items": book.events_after(after, limit)}
        except KeyError:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no event {after}") from None

    @app.post("/api/v1/journals", dependencies=checked)
    def post_journal(body: dict[str, Any]) -> JSONResponse:
        if not body.get("external_reference") or not isinstance(body.get("lines"), list):
            raise HTTPException(422, "external_reference and lines are required")
        journal, created = book.post_journal(body)
        return JSONResponse(journal, status_code=201 if created else 200)

    @app.get("/api/v1/journals", dependencies=checked)
    def find_journal(external_reference: Annotated[str, Query()]) -> dict[str, Any]:
        found = book.journals.get(external_reference)
        return {"items": [found] if found else []}

    @app.get("/api/v1/gl-balances", dependencies=checked)
    def balances(period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")]) -> dict[str, Any]:
        return {"period": period, "items": book.gl_balances(period)}

    return app


def _order(book: ErpBook, order_id: str) -> dict[str, Any]:
    if order_id not in book.orders:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no purchase order {order_id}")
    return book.orders[order_id]
