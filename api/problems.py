"""The one body every JSON refusal and error answers with: ``{"detail": text, "rule": name}``,
plus ``errors`` (each field that failed validation) or another list the refusal names.

A refusal never echoes a client's input back at length: messages are cut to ``MAX_MESSAGE``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from domain.wording import broken_constraint

MAX_MESSAGE = 300
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
# Schema checks of a request as the JSON Schema keywords ``domain.wording`` words for people:
# the keyword and what it expects, fixed or (``_FROM_CONTEXT``) the check's own limit.
_FIXED_KEYWORD: dict[str, tuple[str, object]] = {
    "missing": ("minLength", 1),
    "int_parsing": ("type", "integer"),
    "int_type": ("type", "integer"),
    "int_from_float": ("type", "integer"),
    "decimal_parsing": ("type", "number"),
    "decimal_type": ("type", "number"),
    "float_parsing": ("type", "number"),
    "bool_parsing": ("type", "boolean"),
    "string_type": ("type", "string"),
    "date_parsing": ("format", "date"),
    "date_from_datetime_parsing": ("format", "date"),
    "datetime_parsing": ("format", "date-time"),
    "datetime_from_date_parsing": ("format", "date-time"),
}
_FROM_CONTEXT: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("minimum", "ge"),
    "greater_than": ("exclusiveMinimum", "gt"),
    "less_than_equal": ("maximum", "le"),
    "less_than": ("exclusiveMaximum", "lt"),
    "string_too_long": ("maxLength", "max_length"),
    "string_too_short": ("minLength", "min_length"),
    "too_long": ("maxItems", "max_length"),
    "too_short": ("minItems", "min_length"),
    "enum": ("enum", "expected"),
    "literal_error": ("enum", "expected"),
}

# The rule a bare HTTP error names, when the code that raised it named none.
STATUS_RULES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    502: "upstream_failed",
    503: "unavailable",
}


class FieldError(BaseModel):
    """One part of the request that failed validation: where, why, and the check's name."""

    field: str = Field(description='Where, e.g. "lines[0].quantity" or "fiscal_year".')
    message: str
    type: str
    rule: str = Field(description='The rule it broke, e.g. "quantity_in_range".')


class Problem(BaseModel):
    """Every 4xx and 5xx of the JSON API. A refusal may add a list of its own (``refusals`` of
    a requisition, ``errors`` of a policy document, ``problems`` of an ITSM ticket)."""

    detail: str
    rule: str = Field(description="The rule that failed; stable, for programs to branch on.")
    errors: list[FieldError] | None = None


def clip(text: str) -> str:
    """``text`` cut to ``MAX_MESSAGE`` characters, marking the cut."""
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def problem(
    status_code: int,
    detail: str,
    rule: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"detail": clip(detail), "rule": rule or STATUS_RULES.get(status_code, "error")}
    return JSONResponse({**body, **extra}, status_code=status_code, headers=dict(headers or {}))


def http_problem(error: HTTPException) -> JSONResponse:
    """An ``HTTPException`` in the one shape; its status names the rule."""
    return problem(error.status_code, str(error.detail), headers=error.headers)


def validation_problem(error: RequestValidationError) -> JSONResponse:
    """422 ``invalid_request`` listing each field that failed, without echoing its input."""
    errors = field_errors(error)
    first = errors[0] if errors else {"field": "request", "message": "is not valid"}
    detail = f"{first['field']}: {first['message']}"
    return problem(422, detail, "invalid_request", errors=errors)


def field_errors(error: RequestValidationError) -> list[dict[str, str]]:
    """Each part of the request that failed validation: its field, message, type and rule."""
    return [_field_error(item) for item in error.errors()]


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    field, kind = field_path(item.get("loc", ())), str(item.get("type", "value_error"))
    name = field.rsplit(".", 1)[-1].split("[", 1)[0] or "value"
    rule = _RULE_OF_TYPE.get(kind) or _RULE_BY_FIELD.get(kind, kind).format(name=name)
    message = str(item.get("msg", "is not valid")).removeprefix("Value error, ")
    return {"field": field, "message": clip(message), "type": kind, "rule": rule}


def plain_sentences(error: RequestValidationError) -> list[str]:
    """Each part of the request that failed validation as a sentence for a person ("Fiscal
    year must be a whole number."); the check's own message where it has no wording."""
    return [_plain(item) for item in error.errors()]


def _plain(item: dict[str, Any]) -> str:
    field, kind = field_path(item.get("loc", ())), str(item.get("type", ""))
    context = item.get("ctx") or {}
    if kind in _FROM_CONTEXT:
        keyword, limit = _FROM_CONTEXT[kind]
        worded = broken_constraint(field, keyword, context.get(limit))
    elif kind in _FIXED_KEYWORD:
        worded = broken_constraint(field, *_FIXED_KEYWORD[kind])
    else:
        worded = None
    return worded or clip(f"{field}: {_field_error(item)['message']}")


def field_path(location: Sequence[Any]) -> str:
    """``("body", "lines", 0, "quantity")`` as ``lines[0].quantity``."""
    path = ""
    for part in location[1:] if location and location[0] in _PLACES else location:
        part = clip(str(part)) if not isinstance(part, int) else part
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "request"
