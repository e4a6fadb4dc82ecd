"""Switchable outages of everything around poflow: the simulated outside world's HTTP systems
(ERP, ServiceNow, Slack/Teams) answering 503, the mail server gone, and poflow's own Postgres
and Temporal servers stopped and started again on the same address with the same data."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from starlette.types import ASGIApp, Receive, Scope, Send

from devstack.outside_world import start_mail_server
from devstack.simulators.smtp import MailInbox
from devstack.temporal import reachable


class SwitchableSystems:
    """ASGI middleware over the outside world: a system whose path prefix is ``down`` answers
    503 to everything, as a vendor's service in an outage does."""

    def __init__(self, app: ASGIApp, down: set[str]) -> None:
        self.app, self.down = app, down

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if any(path.startswith(prefix) for prefix in self.down):
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"service unavailable"})
            return
        await self.app(scope, receive, send)


class SwitchableMail:
    """The loopback mail server, stopped (connections refused) and started again on its port."""

    def __init__(self, inbox: MailInbox, port: int) -> None:
        self.inbox, self.port = inbox, port
        self.controller: Controller | None = start_mail_server(inbox, port)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def start(self) -> None:
        if self.controller is None:
            self.controller = start_mail_server(self.inbox, self.port)


class SwitchablePostgres:
    """An embedded Postgres server of the fault tests' own, stopped and started with its data."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()


class SwitchableTemporal:
    """A Temporal dev server persisting to a file, so a stop and start loses no workflow."""

    def __init__(self, command: list[str], address: str, log: Path) -> None:
        self.command, self.address, self.log = command, address, log
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        """Start it and wait until it answers."""
        self.process = await asyncio.to_thread(self._spawn)
        for _ in range(240):
            if await reachable(self.address, "default", 1):
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"the Temporal dev server never answered; see {self.log}")

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)

    async def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            await asyncio.to_thread(self.process.wait, 30)
            self.process = None
