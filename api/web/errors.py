"""How refusals and errors are answered: JSON in the one ``Problem`` shape for the API, pages for
people (a missing login goes to the sign-in page)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.errors import Refused, answer
from api.problems import http_problem, plain_sentences, problem, validation_problem
from api.web.render import render
from api.web.session import LoginRequired
from services.refusals import RuleRefused

# Programs' addresses answer JSON; any other address, known or not, is a page for a browser.
_JSON_PREFIX = "/api/"
_JSON_ENDPOINTS = frozenset({"/api", "/healthz", "/readyz", "/docs", "/openapi.json"})


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, error: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def page_or_json(request: Request, error: HTTPException) -> Response:
        if _wants_json(request):
            return http_problem(error)
        return page_or_problem(request, error.status_code, str(error.detail), error.headers)

    @app.exception_handler(Refused)
    async def refusal(request: Request, refused: Refused) -> Response:
        if _wants_json(request):
            return refused.response()
        return page_or_problem(request, refused.status_code, refused.detail)

    @app.exception_handler(RuleRefused)
    async def service_refusal(request: Request, refused: RuleRefused) -> Response:
        return await refusal(request, answer(refused))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        if _wants_json(request) or "session" not in request.scope:
            return validation_problem(error)
        problems = plain_sentences(error)
        return page_or_problem(request, 422, " ".join(problems) or "The request is not valid.")


def page_or_problem(
    request: Request, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """A ``Problem`` for API clients; for people, the error page (422: what to correct, 503:
    "try again shortly")."""
    if _wants_json(request) or "session" not in request.scope:
        return problem(status_code, message, headers=headers)
    context = {"title": f"{status_code}", "message": message}
    page = render(request, "error.html", context, status_code=status_code)
    page.headers.update(headers or {})
    return page


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(_JSON_PREFIX) or path in _JSON_ENDPOINTS
