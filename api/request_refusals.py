"""A request body, path or query that does not fit its schema, answered as refusals that name
the rule and the field, never repeating what was sent (a megabyte title stays with its sender)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

_MESSAGE_LENGTH = 300
_PLACES = {"body", "query", "path", "header", "cookie"}
# Schema constraints under the names the requisition rules give them: ``lines`` too long is
# ``lines_at_most``, a ``quantity`` out of bounds is ``quantity_in_range``.
_RULE_OF_TYPE = {"string_too_long": "text_length"}
_RULE_BY_FIELD = {
    "too_long": "{name}_at_most",
    "less_than_equal": "{name}_in_range",
    "greater_than_equal": "{name}_in_range",
    "less_than": "{name}_in_range",
    "greater_than": "{name}_in_range",
}


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _refused)  # type: ignore[arg-type]


async def _refused(_request: Request, error: RequestValidationError) -> JSONResponse:
    refusals = [refusal_of(detail) for detail in error.errors()]
    body = {"detail": "request refused", "rule": refusals[0]["rule"], "refusals": refusals}
    return JSONResponse(body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def refusal_of(detail: dict[str, Any]) -> dict[str, str]:
    """One schema error as ``{rule, field, message}``, without the input it was about."""
    field = field_path(detail.get("loc", ()))
    kind = str(detail.get("type", "invalid"))
    name = field.rsplit(".", 1)[-1].split("[", 1)[0] or "value"
    rule = _RULE_OF_TYPE.get(kind) or _RULE_BY_FIELD.get(kind, kind).format(name=name)
    message = str(detail.get("msg", "")).removeprefix("Value error, ")
    if len(message) > _MESSAGE_LENGTH:
        message = message[: _MESSAGE_LENGTH - 1] + "…"
    return {"rule": rule, "field": field, "message": message}


def field_path(location: Sequence[Any]) -> str:
    """``("body", "lines", 0, "quantity")`` as ``lines[0].quantity``."""
    path = ""
    for part in location[1:] if location and location[0] in _PLACES else location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path
