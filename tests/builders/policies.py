"""Policy versions for tests: a fresh copy of the demo policy to change, and a changed version
in force for the length of a block (stored in Postgres, or uploaded through the API), after which
the demo policy is the newest version again."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from cli.demo_data import POLICY_DOCUMENT, POLICY_NAME
from models.db import unit_of_work
from models.people.accounts import find_user
from models.purchase_orders.policy_store import store_policy
from tests.api import e2e

__all__ = ["POLICY_DOCUMENT", "POLICY_NAME", "demo_policy", "policy_in_force", "uploaded_policy"]


def demo_policy() -> dict[str, Any]:
    """The demo organisation's policy document, a copy of its own the caller may change."""
    return copy.deepcopy(POLICY_DOCUMENT)


def store_version(sessions: sessionmaker[Session], document: dict[str, Any], note: str) -> None:
    """``document`` as the next version of the demo policy, stored by maria (an admin)."""
    with unit_of_work(sessions) as session:
        author = find_user(session, "maria")
        assert author is not None
        store_policy(
            session,
            POLICY_NAME,
            dict(document),
            note=note,
            author=author,
            base_currency="EUR",
            at=datetime.now(UTC),
        )


@contextmanager
def policy_in_force(
    sessions: sessionmaker[Session], document: dict[str, Any], note: str
) -> Iterator[None]:
    """``document`` in force inside the block, stored straight in Postgres."""
    store_version(sessions, document, note)
    yield
    store_version(sessions, POLICY_DOCUMENT, "back to the demo policy")


@asynccontextmanager
async def uploaded_policy(
    stack: e2e.Stack, document: dict[str, Any], note: str
) -> AsyncIterator[int]:
    """``document`` in force inside the block, uploaded by maria through the API; its version."""
    body = {"name": POLICY_NAME, "document": document, "note": note}
    response = await stack.post("maria", "/api/policies", body)
    assert response.status_code == 201, response.text
    yield int(response.json()["version"])
    restore = {"name": POLICY_NAME, "document": POLICY_DOCUMENT, "note": "back to the demo"}
    assert (await stack.post("maria", "/api/policies", restore)).status_code == 201
