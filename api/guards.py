"""App-wide guards around every request: what no route should ever see (control characters in
the path or query, a body above the size limit), and an answer for every unexpected failure
that leaves the kept-alive connection usable."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.outages import RETRY_AFTER_SECONDS, outage_of
from api.problems import problem
from api.web.errors import page_or_problem

log = logging.getLogger(__name__)
_CONTROL = frozenset(range(0x20)) | {0x7F}
# Cost file uploads: their bodies go to disk a chunk at a time, so any size is theirs to take.
STREAMED_TO_DISK = re.compile(r"/(api/)?costs/sources/[^/]+/files")


class BodyTooLarge(HTTPException):
    """Raised while a body is read, past the limit: answered 413 ``body_too_large``."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body may hold at most {limit} bytes")


class RequestGuard:
    """Refuses before any route runs a path or query holding a control character (a NUL byte
    can be neither stored nor looked up: 400 ``control_character``), and a body above
    ``max_body_bytes`` (413 ``body_too_large``): at once when its length is declared, else as
    soon as reading it passes the limit, before a route stores or numbers anything. A cost file
    upload (``STREAMED_TO_DISK``) is streamed to disk, never held, and has no size limit."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        streamed = STREAMED_TO_DISK.fullmatch(scope["path"]) is not None
        refusal = self._refusal(scope, limited=not streamed)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if streamed:
            await self.app(scope, receive, send)
            return
        read = 0

        async def limited_receive() -> Message:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > self.max_body_bytes:
                raise BodyTooLarge(self.max_body_bytes)
            return message

        await self.app(scope, limited_receive, send)

    def _refusal(self, scope: Scope, *, limited: bool) -> Response | None:
        raw = scope.get("raw_path") or scope["path"].encode()
        target = unquote_to_bytes(raw) + unquote_to_bytes(scope.get("query_string", b""))
        if _CONTROL.intersection(target):
            return problem(
                400, "the path and query may not hold control characters", "control_character"
            )
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or (limited and int(length) > self.max_body_bytes):
            too_large = BodyTooLarge(self.max_body_bytes)
            return problem(too_large.status_code, too_large.detail, "body_too_large")
        return None


class ErrorBoundary:
    """Any exception no handler answered becomes a clean answer: 503 with ``Retry-After`` when
    Postgres or Temporal cannot be reached, else 500; JSON for the API, a page for people. The
    exception is logged here and not raised on, so the server keeps the connection open."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started:
                raise
            await _answer(Request(scope, receive), error)(scope, receive, send)


def _answer(request: Request, error: Exception) -> Response:
    server = outage_of(error)
    if server is None:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return page_or_problem(request, 500, "an unexpected error occurred; it has been logged")
    log.warning("%s unreachable on %s %s: %s", server, request.method, request.url.path, error)
    return page_or_problem(
        request,
        503,
        f"{server} cannot be reached right now; try again in a moment",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
