"""An ERP simulator speaking a generic purchase-order REST API over HTTP, for tests and the demo.

``POST /api/v1/purchase-orders`` creates an order; an ``Idempotency-Key`` header seen before
answers with the order it created. ``GET /api/v1/purchase-orders?external_reference=`` finds
orders by the buyer's reference; ``GET .../{id}`` reads one; ``POST .../{id}/cancel`` cancels.
Callers authenticate with a bearer token. ``stall_after_commit`` makes the next create commit
and then answer only after that many seconds, as an ERP that times out after committing does.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, status
from fastapi.responses import JSONResponse


@dataclass
class ErpBook:
    """What the simulated ERP holds: orders by id, and which idempotency key made which."""

    token: str
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    stall_after_commit: float = 0.0
    creates_received: int = 0
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(50_001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, body: dict[str, Any], key: str | None) -> tuple[dict[str, Any], bool]:
        with self._lock:
            self.creates_received += 1
            if key and key in self.by_key:
                return self.orders[self.by_key[key]], False
            order = {**body, "id": f"ERP-PO-{next(self._numbers)}", "status": "open"}
            self.orders[order["id"]] = order
            if key:
                self.by_key[key] = order["id"]
            return order, True


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
        order = _order(book, order_id)
        order["status"] = "cancelled"
        return order

    return app


def _order(book: ErpBook, order_id: str) -> dict[str, Any]:
    if order_id not in book.orders:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no purchase order {order_id}")
    return book.orders[order_id]
