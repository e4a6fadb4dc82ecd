"""Rendering a page with what every page needs: the signed-in user, the CSRF token, a flash."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import get_runtime
from api.web.session import csrf_token
from domain.costs.allocation import currency_digits
from domain.money import Money
from models.people.records import User

FLASH = "flash"


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    user: User | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    templates = get_runtime(request).templates
    templates.env.filters.setdefault("money", _money)
    templates.env.filters.setdefault("in_currency", _in_currency)
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf_token": csrf_token(request),
            "flash": request.session.pop(FLASH, None),
            "waiting_count": getattr(request.state, "waiting_count", None),
            **context,
        },
        status_code=status_code,
    )


def flash(request: Request, message: str) -> None:
    """A one-line result shown (and announced) on the next page."""
    request.session[FLASH] = message


def _money(minor: int | None, currency: str) -> str:
    return str(Money(minor or 0, currency))


def _in_currency(amount: Decimal, currency: str) -> str:
    """An amount to its currency's minor unit, grouped by thousands: 1,234.50 or 1,235 (JPY)."""
    return f"{amount:,.{currency_digits(currency)}f}"
