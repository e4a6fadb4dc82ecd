"""Status events an ERP reports about the orders it holds, as its webhook delivers them.

A delivery is a JSON object (``event_id``, ``erp_reference``, ``po_number``, ``status``,
``occurred_at`` and an optional ``detail``) POSTed with the header
``X-Erp-Signature: sha256=<hex HMAC-SHA256 of the raw body under the shared secret>``. The
receiver checks the signature over the bytes it received, before parsing them; the same
objects are listed by the ERP's event feed for polling.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from domain.erp_messages import ErpStatusEvent

SIGNATURE_HEADER = "X-Erp-Signature"
STATUSES = ("acknowledged", "received", "invoiced", "cancelled")
_REQUIRED = ("event_id", "erp_reference", "po_number", "status", "occurred_at")


def signature_of(body: bytes, secret: str) -> str:
    """The ``X-Erp-Signature`` value for ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` signs exactly ``body`` under ``secret``; compared in constant time."""
    if not header or not secret:
        return False
    return hmac.compare_digest(header.strip(), signature_of(body, secret))


def parse_event(payload: dict[str, Any]) -> ErpStatusEvent:
    """The event a delivery or feed item describes; a ``ValueError`` names the field at fault."""
    if not isinstance(payload, dict):
        raise ValueError("an ERP status event must be a JSON object")
    for name in _REQUIRED:
        value = payload.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} is missing or not a non-empty string")
    if payload["status"] not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {payload['status']!r}")
    _check_timestamp(payload["occurred_at"])
    detail = payload.get("detail", "")
    if not isinstance(detail, str):
        raise ValueError("detail must be a string")
    return ErpStatusEvent(
        event_id=payload["event_id"],
        erp_reference=payload["erp_reference"],
        po_number=payload["po_number"],
        status=payload["status"],
        occurred_at=payload["occurred_at"],
        detail=detail,
    )


def _check_timestamp(text: str) -> None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"occurred_at must be an ISO 8601 timestamp, got {text!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"occurred_at must carry a UTC offset, got {text!r}")


class NoEventFeed:
    """The feed of an ERP that has none (the built-in one, a cXML supplier): nothing to poll."""

    def events_after(self, cursor: str | None) -> tuple[list[ErpStatusEvent], str | None]:
        return [], cursor
