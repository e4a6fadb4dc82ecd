"""A chat simulator serving Slack and Teams incoming webhooks over HTTP, for tests and the demo.

``POST /slack/<path>`` takes a Slack message: with ``text`` or ``blocks`` it answers 200 ``ok``,
otherwise 400 ``invalid_payload``, as Slack does. ``POST /teams/<path>`` takes a Teams Workflows
message: the ``message`` envelope with Adaptive Card attachments is answered 202, anything else
400. ``fail_next`` makes the next that many posts answer 500, as a chat service having a bad
moment does. What a channel accepted is kept in ``received``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class ChatPost:
    """A message a simulated channel accepted: ``service`` is ``slack`` or ``teams``; ``path``
    is what follows the service in the webhook URL."""

    service: str
    path: str
    payload: dict[str, Any]


@dataclass
class ChatChannel:
    """What the simulated chat services were sent, and how many posts to fail first."""

    received: list[ChatPost] = field(default_factory=list)
    fail_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def arrive(self, post: ChatPost) -> bool:
        """Keep the post, or refuse it while ``fail_next`` counts down; whether it was kept."""
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return False
            self.received.append(post)
            return True

    def posts_to(self, service: str) -> list[dict[str, Any]]:
        with self._lock:
            return [post.payload for post in self.received if post.service == service]


def chat_simulator_app(channel: ChatChannel) -> FastAPI:
    """The simulator's HTTP API over ``channel``."""
    app = FastAPI(title="Chat simulator")

    @app.post("/slack/{path:path}")
    async def slack(path: str, request: Request) -> Response:
        payload = await _json_object(request)
        if payload is None or not slack_payload_valid(payload):
            return PlainTextResponse("invalid_payload", status_code=400)
        if not channel.arrive(ChatPost("slack", path, payload)):
            return PlainTextResponse("rollup_error", status_code=500)
        return PlainTextResponse("ok")

    @app.post("/teams/{path:path}")
    async def teams(path: str, request: Request) -> Response:
        payload = await _json_object(request)
        problem = "the body is not a JSON object" if payload is None else teams_problem(payload)
        if payload is None or problem:
            return PlainTextResponse(problem, status_code=400)
        if not channel.arrive(ChatPost("teams", path, payload)):
            return PlainTextResponse("the flow could not be triggered", status_code=500)
        return Response(status_code=202)

    return app


def slack_payload_valid(payload: dict[str, Any]) -> bool:
    """A message needs ``text`` or ``blocks``; every block is an object with a ``type``."""
    text, blocks = payload.get("text"), payload.get("blocks")
    if blocks is not None and not (
        isinstance(blocks, list) and all(isinstance(b, dict) and b.get("type") for b in blocks)
    ):
        return False
    return bool(isinstance(text, str) and text.strip()) or bool(blocks)


def teams_problem(payload: dict[str, Any]) -> str:
    """What is wrong with a Teams Workflows message; empty when nothing is."""
    if payload.get("type") != "message":
        return 'type must be "message"'
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return "attachments must be a non-empty list"
    for attachment in attachments:
        if not isinstance(attachment, dict) or attachment.get("contentType") != ADAPTIVE_CARD:
            return f"each attachment needs contentType {ADAPTIVE_CARD}"
        card = attachment.get("content")
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            return "each attachment's content must be an AdaptiveCard"
        if not isinstance(card.get("version"), str) or not isinstance(card.get("body"), list):
            return "an AdaptiveCard needs a version and a body list"
    return ""


async def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        payload = json.loads(await request.body())
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
