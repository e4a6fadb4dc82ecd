"""The ERP behind a generic JSON REST purchase-order API (create, read, cancel), exactly once.

Before creating, the adapter looks the order up by its external reference (PO number and
revision); the create itself carries that reference as ``Idempotency-Key``. So a retried
activity after a timeout, even one the ERP hit after committing, finds the order it created
and never makes a second. The JSON field names of the PO header are a small mapping, so the
same adapter fits ERPs that name them differently.

The ERP's status events (acknowledged, received, invoiced, cancelled) are read from its feed,
``GET /events?after=<event id>``, oldest first: ``events_after`` returns one page and the
cursor to pass next time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from adapters import http
from adapters.erp_events import parse_event
from domain.erp_messages import ErpOrder, ErpReceipt, ErpStatusEvent
from domain.money import Money

# poflow's name -> the ERP's JSON field name; unmapped fields keep poflow's name.
DEFAULT_FIELDS: dict[str, str] = {
    "external_reference": "external_reference",
    "po_number": "po_number",
    "revision": "revision",
    "vendor": "supplier",
    "currency": "currency",
    "amount": "total_amount",
    "cost_center": "cost_center",
    "gl_account": "gl_account",
    "lines": "lines",
    "project": "project",
    "asset_tag": "asset_tag",
    "tax_code": "tax_code",
}


@dataclass(frozen=True)
class RestErp:
    """``ErpPort`` over HTTP: ``base_url`` names the API root (``.../api/v1``)."""

    base_url: str
    token: str
    fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    timeout_seconds: float = 10.0

    def create_purchase_order(self, order: ErpOrder) -> ErpReceipt:
        with self._client() as client:
            found = self._find(client, order.idempotency_key)
            if found is not None:
                return ErpReceipt(str(found["id"]), created=False)
            response = client.post(
                "/purchase-orders",
                json=self._body(order),
                headers={"Idempotency-Key": order.idempotency_key},
            )
            response.raise_for_status()
            return ErpReceipt(str(response.json()["id"]), created=response.status_code == 201)

    def cancel_purchase_order(self, erp_reference: str) -> str:
        """Cancel the order in the ERP; its status as the ERP reports it."""
        with self._client() as client:
            response = client.post(f"/purchase-orders/{erp_reference}/cancel")
            response.raise_for_status()
            return str(response.json()["status"])

    def status_of(self, erp_reference: str) -> str:
        with self._client() as client:
            response = client.get(f"/purchase-orders/{erp_reference}")
            response.raise_for_status()
            return str(response.json()["status"])

    def events_of(self, erp_reference: str) -> list[ErpStatusEvent]:
        """Every status event of one order, oldest first."""
        with self._client() as client:
            response = client.get(f"/purchase-orders/{erp_reference}/events")
            response.raise_for_status()
            return [parse_event(item) for item in response.json()["items"]]

    def events_after(self, cursor: str | None) -> tuple[list[ErpStatusEvent], str | None]:
        """The events after ``cursor`` (an event id; ``None`` reads from the start), oldest
        first, and the cursor for the next poll: the last event's id, or ``cursor`` itself."""
        params = {"after": cursor} if cursor is not None else {}
        with self._client() as client:
            response = client.get("/events", params=params)
            response.raise_for_status()
            events = [parse_event(item) for item in response.json()["items"]]
        return events, events[-1].event_id if events else cursor

    def _find(self, client: httpx.Client, reference: str) -> dict[str, Any] | None:
        name = self.fields["external_reference"]
        response = client.get("/purchase-orders", params={name: reference})
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items[0] if items else None

    def _body(self, order: ErpOrder) -> dict[str, Any]:
        amount = Money(order.amount_minor, order.currency).as_decimal()
        values: dict[str, Any] = {
            "external_reference": order.idempotency_key,
            "po_number": order.po_number,
            "revision": order.revision,
            "vendor": order.vendor,
            "currency": order.currency,
            "amount": _decimal_text(amount),
            "cost_center": order.cost_center,
            "gl_account": order.gl_account,
            "lines": order.lines,
            "project": order.project,
            "asset_tag": order.asset_tag,
            "tax_code": order.tax_code,
        }
        return {self.fields.get(name, name): value for name, value in values.items()}

    def _client(self) -> httpx.Client:
        return http.client(
            base_url=self.base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout_seconds,
        )


def _decimal_text(amount: Decimal) -> str:
    """Money as the ERP reads it: a decimal string, never a float."""
    return format(amount, "f")
