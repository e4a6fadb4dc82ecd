"""The OpenAPI document declares, for every JSON API operation, each error it can answer, all
in the one ``Problem`` shape: 400 (control characters in the path or query), 401 (every one
needs a token or a webhook secret), 403 when a role is needed, 404 when it names something in
its path, 409 when it says so, 413, 422, 500 and 503 (with ``Retry-After``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.deps import ROLE_CHECKS
from api.problems import FieldError, Problem

_REF = "#/components/schemas/"
_ALWAYS = {
    400: "A control character in the path or query (`control_character`)",
    401: "No valid API token, or a webhook without its secret (`not_authenticated`)",
    413: "The body is above the size limit (`body_too_large`)",
    422: "The request is not valid: `rule` names why, `errors` each field that failed",
    500: "An unexpected error; it is logged (`internal_error`)",
    503: "Postgres or Temporal cannot be reached now; retry after `Retry-After` seconds",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def declare_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare every error of each ``/api`` operation as a ``Problem``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            _add_problems(document, app)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_problems(document: dict[str, Any], app: FastAPI) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, FieldError):
        schemas[model.__name__] = model.model_json_schema(ref_template=_REF + "{model}")
    for path, route in _api_routes(app):
        for method in route.methods or ():
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is not None:
                _declare(operation, _codes(path, route, operation), schemas)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Each JSON API route with its full path (its router's prefix included)."""
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path_format or ""
        if isinstance(route, APIRoute) and path.startswith("/api/"):
            yield path, route


def _codes(path: str, route: APIRoute, operation: dict[str, Any]) -> dict[int, str]:
    codes = dict(_ALWAYS)
    if _checks_role(route.dependant) or "403" in operation["responses"]:
        codes[403] = "The caller may not do this: `rule` says why"
    if "{" in path:
        codes[404] = "Nothing by that name, or nothing the caller may see (`not_found`)"
    for declared in operation["responses"]:
        if declared.isdigit() and int(declared) >= 400:
            codes.setdefault(int(declared), "Refused: `rule` says why")
    return codes


def _checks_role(dependant: Dependant) -> bool:
    if dependant.call in ROLE_CHECKS:
        return True
    return any(_checks_role(sub) for sub in dependant.dependencies)


def _declare(operation: dict[str, Any], codes: dict[int, str], schemas: dict[str, Any]) -> None:
    responses = operation["responses"]
    for code, description in sorted(codes.items()):
        declared = responses.get(str(code), {})
        schema = declared.get("content", {}).get("application/json", {}).get("schema", {})
        if not _is_problem(schema, schemas):
            schema, declared = {"$ref": _REF + "Problem"}, {}
        answer: dict[str, Any] = {
            "description": declared.get("description") or description,
            "content": {"application/json": {"schema": schema}},
        }
        if code == 503:
            answer["headers"] = _RETRY_AFTER
        responses[str(code)] = answer


def _is_problem(schema: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """A declared body that is a ``Problem`` with a list of its own (a requisition's refusals)."""
    name = schema.get("$ref", "").removeprefix(_REF)
    required = set(schemas.get(name, {}).get("required", []))
    return {"detail", "rule"} <= required
