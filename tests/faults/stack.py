"""The fault tests' handle on poflow, its servers and the outside world (built in conftest)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from devstack.outside_world import OutsideWorld
from tests.faults.outages import SwitchableMail, SwitchablePostgres, SwitchableTemporal


@dataclass
class FaultStack:
    """Everything a fault test touches: poflow's API, its servers and the outside world."""

    http: httpx.AsyncClient
    tokens: dict[str, str]
    temporal: Client
    sessions: sessionmaker[Session]
    world: OutsideWorld
    systems_down: set[str]  # path prefixes of the outside world answering 503: "/erp", ...
    mail: SwitchableMail
    postgres: SwitchablePostgres
    temporal_server: SwitchableTemporal
    task_queue: str

    def auth(self, user: str, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **headers}

    async def until(self, what: str, check: Callable[[], Any], seconds: float = 60) -> Any:
        """Poll ``check`` (sync or async) until it returns something truthy; fail naming
        ``what``."""
        for _ in range(int(seconds * 4)):
            found = check()
            if asyncio.iscoroutine(found):
                found = await found
            if found:
                return found
            await asyncio.sleep(0.25)
        raise AssertionError(f"{what} never happened within {seconds:.0f} s")
