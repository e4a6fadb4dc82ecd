"""What a rate card must satisfy: its JSON Schema and the checks a schema cannot make.

A rate card sets, per IT service and month, the internal rate charged for one unit: the unit
cost plus a markup, or a market benchmark (the price named and its source), with the
assumptions written beside it; the GL account charges are booked on; and the transfer-pricing
markup that charges between legal entities carry. Rates and percentages are decimal text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.budgets.org import GlAccount, ItService
from models.costs.unit_cost_rules import DECIMAL_TEXT, MONTH
from models.document_errors import DocumentError

_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
_COMMON = {
    "service": {"type": "string", "minLength": 1},
    "period": {"type": "string", "pattern": MONTH},
    "assumptions": _TEXT,
}
_MARKUP = {
    "type": "object",
    "required": ["service", "period", "basis", "markup_percent", "assumptions"],
    "additionalProperties": False,
    "properties": {
        **_COMMON,
        "basis": {"const": "markup"},
        "markup_percent": {"type": "string", "pattern": DECIMAL_TEXT},
    },
}
_BENCHMARK = {
    "type": "object",
    "required": ["service", "period", "basis", "rate", "benchmark", "assumptions"],
    "additionalProperties": False,
    "properties": {
        **_COMMON,
        "basis": {"const": "benchmark"},
        "rate": {"type": "string", "pattern": DECIMAL_TEXT},
        "benchmark": _TEXT,
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "poflow rate card",
    "type": "object",
    "required": ["currency", "gl_account", "rates"],
    "additionalProperties": False,
    "properties": {
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "gl_account": {"type": "string", "minLength": 1},
        "transfer_pricing": {
            "type": "object",
            "required": ["markup_percent", "assumptions"],
            "additionalProperties": False,
            "properties": {
                "markup_percent": {"type": "string", "pattern": DECIMAL_TEXT},
                "assumptions": _TEXT,
            },
        },
        "rates": {"type": "array", "minItems": 1, "items": {"oneOf": [_MARKUP, _BENCHMARK]}},
    },
}


def rate_card_checks(session: Session, document: dict[str, Any]) -> list[DocumentError]:
    """The GL account and every service known to poflow; one rate per service and month."""
    errors: list[DocumentError] = []
    if session.scalar(select(GlAccount.id).where(GlAccount.code == document["gl_account"])) is None:
        errors.append(DocumentError("$.gl_account", f"no GL account {document['gl_account']}"))
    known = set(session.scalars(select(ItService.code)))
    seen: set[tuple[str, str]] = set()
    for index, rate in enumerate(document["rates"]):
        path = f"$.rates[{index}]"
        if rate["service"] not in known:
            errors.append(DocumentError(f"{path}.service", f"no IT service {rate['service']}"))
        key = (rate["service"], rate["period"])
        if key in seen:
            errors.append(DocumentError(path, "one rate per service and month"))
        seen.add(key)
    return errors
