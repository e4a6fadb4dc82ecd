"""Governed cost documents for the tests of their change control: a small kind of document
(rate cards of named integer rates, checked by nothing else) in place of the real rate card's
rules while a module runs, and the wait for a review's task to reach someone's inbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from domain.costs.governance import DocumentKind
from models.costs import document_rules
from models.costs.document_rules import KindRules
from tests.api import e2e

KIND = DocumentKind.RATE_CARD
RATES = {
    "type": "object",
    "required": ["rates"],
    "properties": {"rates": {"type": "object", "additionalProperties": {"type": "integer"}}},
}


@contextmanager
def small_rate_cards() -> Iterator[None]:
    """Rate cards are ``{"rates": {name: integer}}`` in the app and worker of this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(document_rules.RULES, KIND, KindRules(RATES, lambda _s, _d: []))
        yield


async def task_in_inbox(stack: e2e.Stack, user: str, version: int) -> dict[str, Any]:
    """The task of the review of ``KIND`` v``version`` in ``user``'s inbox, once it is there
    (the review workflow opens it); fails after ten seconds."""
    link = f"/costs/documents/{KIND}/versions/{version}"
    for _ in range(100):
        tasks = (await stack.get(user, "/api/inbox")).json()["tasks"]
        found: list[dict[str, Any]] = [task for task in tasks if task["link"] == link]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"{link} never reached {user}'s inbox")
