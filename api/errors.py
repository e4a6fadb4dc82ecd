"""Refusals as HTTP answers: a service's refusal (its rule) mapped to a status code, and
the route class that renders a refusal as ``{"detail": message, "rule": rule, ...extra}``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from api.problems import problem
from models.document_errors import DocumentRefused
from services.refusals import RefusalKind, RuleRefused

# What each kind of refusal is to an API client.
KIND_STATUS: dict[RefusalKind, int] = {
    RefusalKind.CONFLICT: status.HTTP_409_CONFLICT,
    RefusalKind.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    RefusalKind.INVALID: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


class Refused(HTTPException):
    """A request poflow understood and refuses; rendered as a ``Problem``: ``{"detail": message,
    "rule": ..., **extra}``, the rule named by ``extra`` or else by the status code. (An app
    without poflow's handlers answers it as the HTTP error it is.)"""

    detail: str

    def __init__(self, status_code: int, detail: str, **extra: Any) -> None:
        super().__init__(status_code, detail)
        self.extra = extra

    def response(self) -> JSONResponse:
        extra = dict(self.extra)
        return problem(self.status_code, self.detail, extra.pop("rule", None), **extra)


def rule_refused(rule: str, message: str) -> Refused:
    return answer(RuleRefused(rule, message))


def answer(refused: RuleRefused) -> Refused:
    """A service's refusal as the HTTP answer for its kind, naming its rule."""
    return Refused(KIND_STATUS[refused.kind], refused.message, rule=refused.rule)


def invalid_document(refused: DocumentRefused, name: str, error_type: str) -> Refused:
    """A document refused by its rules as 422 ``invalid_<name>``, listing every error by its
    JSON path (``field``), each of rule ``<name>_schema``."""
    return Refused(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        f"the {name} document is not valid",
        rule=f"invalid_{name}",
        errors=[
            {"field": e.path, "message": e.message, "type": error_type, "rule": f"{name}_schema"}
            for e in refused.errors
        ],
    )


class RefusalRoute(APIRoute):
    """Routes of this class answer a raised ``Refused`` with its own body and status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def refusing_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except Refused as refusal:
                return refusal.response()
            except RuleRefused as refusal:
                return answer(refusal).response()

        return refusing_handler
