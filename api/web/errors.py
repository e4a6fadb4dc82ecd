"""How pages answer a missing login, a forbidden page or a missing PO: as pages, not JSON."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response

from api.web.render import render
from api.web.session import LoginRequired


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, error: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def page_or_json(request: Request, error: HTTPException) -> Response:
        if request.url.path.startswith(("/api/", "/healthz", "/readyz", "/docs", "/openapi")):
            return await http_exception_handler(request, error)
        context = {"title": f"{error.status_code}", "message": error.detail}
        return render(request, "error.html", context, status_code=error.status_code)
