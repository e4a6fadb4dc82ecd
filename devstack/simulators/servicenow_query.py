"""What the simulated Table API does with a request's ``sysparm_*`` parameters: encoded
queries (``sysparm_query``), dot-walked fields (``sysparm_fields``), display values and reference
links, over the instance's tables."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

Tables = dict[str, dict[str, dict[str, Any]]]  # table -> sys_id -> record

# (table, field) -> the table the reference field points to.
REFERENCES: dict[tuple[str, str], str] = {
    ("sc_req_item", "requested_for"): "sys_user",
    ("sc_req_item", "opened_by"): "sys_user",
    ("sc_item_option_mtom", "request_item"): "sc_req_item",
    ("sc_item_option_mtom", "sc_item_option"): "sc_item_option",
    ("sc_item_option", "item_option_new"): "item_option_new",
}
DISPLAY_FIELDS = {"sys_user": "name", "item_option_new": "name", "sc_item_option": "value"}
_TERM = re.compile(r"([A-Za-z0-9_.]+?)(!=|=|LIKE)(.*)", re.DOTALL)


class TableApiError(Exception):
    def __init__(self, status: int, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.detail = status, message, detail


def _value(tables: Tables, table: str, record: dict[str, Any], path: str) -> tuple[str, str | None]:
    """The stored value at a (dot-walked) field path, and the table it references, if any."""
    *walk, last = path.split(".")
    for name in walk:
        target = REFERENCES.get((table, name))
        if target is None:
            return "", None
        record = tables[target].get(str(record.get(name, "")), {})
        table = target
    return str(record.get(last, "")), REFERENCES.get((table, last))


def rendered(
    tables: Tables, table: str, record: dict[str, Any], request: Request
) -> dict[str, Any]:
    params = request.query_params
    fields = [f for f in params.get("sysparm_fields", "").split(",") if f] or list(record)
    mode = params.get("sysparm_display_value", "false").lower()
    links = params.get("sysparm_exclude_reference_link", "false").lower() != "true"
    base = str(request.base_url).rstrip("/")
    return {name: _shown(tables, table, record, name, mode, links, base) for name in fields}


def _shown(
    tables: Tables,
    table: str,
    record: dict[str, Any],
    name: str,
    mode: str,
    links: bool,
    base: str,
) -> Any:
    value, target = _value(tables, table, record, name)
    display = value
    if target is not None:
        referenced = tables[target].get(value, {})
        display = str(referenced.get(DISPLAY_FIELDS.get(target, "number"), ""))
    if mode == "all":
        shown: dict[str, str] = {"display_value": display, "value": value}
    elif mode == "true":
        shown = {"display_value": display}
    else:
        shown = {"value": value}
    if target is None or not links or not value:
        return shown if mode == "all" else next(iter(shown.values()))
    return {**shown, "link": f"{base}/api/now/table/{target}/{value}"}


def parsed_query(query: str) -> list[list[tuple[str, str, str]]]:
    """An encoded query as AND-ed groups of OR-ed ``(field, operator, value)`` terms."""
    groups: list[list[tuple[str, str, str]]] = []
    for token in _tokens(query):
        is_or = token.startswith("OR") and bool(groups)
        term = _TERM.fullmatch(token[2:] if is_or else token)
        if term is None:
            raise TableApiError(400, f"Invalid query term {token!r}")
        condition = (term[1], term[2], term[3])
        if is_or:
            groups[-1].append(condition)
        else:
            groups.append([condition])
    return groups


def _tokens(query: str) -> list[str]:
    """The terms of an encoded query, split on ``^``; ``^^`` is a literal caret."""
    escaped = query.replace("^^", "\0").split("^")
    return [token.replace("\0", "^") for token in escaped if token]


def matches(
    tables: Tables,
    table: str,
    record: dict[str, Any],
    groups: list[list[tuple[str, str, str]]],
) -> bool:
    def holds(name: str, operator: str, expected: str) -> bool:
        actual, _ = _value(tables, table, record, name)
        if operator == "LIKE":
            return expected.lower() in actual.lower()
        return (actual == expected) == (operator == "=")

    return all(any(holds(*term) for term in group) for group in groups)
