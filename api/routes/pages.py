"""Server-rendered pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import RuntimeDep

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    return runtime.templates.TemplateResponse(
        request,
        "home.html",
        {"temporal_ui_url": runtime.settings.temporal_ui_url, "title": "poflow"},
    )
