"""SMTP connections kept open between messages, for the worker's activity threads: one event
loop, in a thread of its own, holds up to ``size`` connections and runs every conversation, so
a message costs its own commands and no connect, greeting and goodbye."""

from __future__ import annotations

import asyncio
import threading
from email.message import Message

import aiosmtplib


class SmtpConnections:
    def __init__(self, host: str, port: int, timeout: float, size: int = 4) -> None:
        self._host, self._port, self._timeout = host, port, timeout
        self._idle: list[aiosmtplib.SMTP] = []
        self._slots = asyncio.Semaphore(size)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._starting = threading.Lock()

    def send(self, messages: list[Message]) -> None:
        """Send the messages on one connection; raises what the server or network raised."""
        running = asyncio.run_coroutine_threadsafe(self._send(messages), self._running_loop())
        running.result(timeout=self._timeout * (len(messages) + 2))

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._starting:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="smtp", daemon=True).start()
                self._loop = loop
            return self._loop

    async def _send(self, messages: list[Message]) -> None:
        async with self._slots:
            smtp = self._idle.pop() if self._idle else await self._connect()
            try:
                try:
                    await smtp.send_message(messages[0])
                except aiosmtplib.SMTPServerDisconnected:
                    # The server closed the connection while it was idle: once more, afresh.
                    smtp = await self._connect()
                    await smtp.send_message(messages[0])
                for message in messages[1:]:
                    await smtp.send_message(message)
            except BaseException:
                smtp.close()
                raise
            self._idle.append(smtp)

    async def _connect(self) -> aiosmtplib.SMTP:
        smtp = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=self._timeout)
        await smtp.connect()
        return smtp
