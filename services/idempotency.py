"""What makes a request sent again (after a dropped connection, a 500, a double click) the same
request: its Update id, its requisition's digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from domain.requisition import Requisition
from models.people.records import User


def update_id(update: str, user: User, key: str | None) -> str | None:
    """The workflow Update id for the caller's key: Temporal runs an Update id once per run and
    answers a resend with the first outcome. Scoped to the caller and the Update, so nobody's key
    meets another person's; None (a fresh id) without a key."""
    if not key:
        return None
    return f"{update}:user-{user.id}:{_digest(key)}"


def requisition_digest(requisition: Requisition) -> str:
    """What identifies a requisition's content, stored with its key: the same key with other
    content is a mistake, not a resend."""
    return _digest(json.dumps(asdict(requisition), default=str, sort_keys=True))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
