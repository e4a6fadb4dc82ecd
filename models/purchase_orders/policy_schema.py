"""The approval-policy document's JSON Schema (``policy_schema.json`` beside this module), which
the API serves and every stored document passes, and ``parse_policy``: a document checked
against it, then built into a ``Policy``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from domain.policy import Policy
from domain.policy_document import PolicyError, build_policy
from domain.wording import PATTERN_WORDS
from models.document_errors import given_together

POLICY_SCHEMA: dict[str, Any] = json.loads(
    resources.files("models.purchase_orders")
    .joinpath("policy_schema.json")
    .read_text(encoding="utf-8")
)
SCHEMA = Draft202012Validator(POLICY_SCHEMA)


def parse_policy(name: str, version: int, document: Mapping[str, Any]) -> Policy:
    """The ``Policy`` of ``document``, which must pass the schema and ``build_policy``'s rules.
    Raises ``PolicyError("<json path>: <what is wrong>")`` for the first problem found."""
    errors = sorted(SCHEMA.iter_errors(document), key=_reading_order)
    if errors:
        error = errors[0]
        where = error.json_path.removeprefix("$").lstrip(".") or "document"
        raise PolicyError(f"{where}: {_REASONS.get(str(error.validator), _own)(error)}")
    return build_policy(name, version, document)


def _reading_order(error: ValidationError) -> tuple[str, int]:
    # An object of the wrong type or with unknown keys says more than what is missing from it.
    return error.json_path, {"type": 0, "additionalProperties": 1}.get(str(error.validator), 2)


def _own(error: ValidationError) -> str:
    return str(error.message)


def _type(error: ValidationError) -> str:
    expected = {
        "object": "an object",
        "array": "an array",
        "integer": "a whole number",
        "string": "a string",
        "boolean": "true or false",
    }.get(str(error.validator_value), str(error.validator_value))
    if expected == "an object":
        return f"must be an object, not {type(error.instance).__name__}"
    return f"must be {expected}, not {error.instance!r}"


def _inline_and_parallel(error: ValidationError) -> str:
    # The one ``oneOf`` of the schema: a tier is one branch inline or parallel branches.
    tier = error.instance
    if "parallel" not in tier:
        return "needs approvers (one branch) or parallel (several)"
    inline = sorted(set(tier) - {"name", "when", "parallel"})
    return f"a tier with parallel branches takes no {', '.join(inline)}; put them on each branch"


def _both_units(error: ValidationError) -> str:
    # The schema's ``not``: a deadline or a reminder in hours or minutes, not both.
    return " and ".join(f"give {' or '.join(fields)}" for fields in given_together(error))


def _pattern(error: ValidationError) -> str:
    pattern = str(error.validator_value)
    return f"{PATTERN_WORDS.get(pattern, f'must match {pattern}')}, not {error.instance!r}"


_REASONS: dict[str, Callable[[ValidationError], str]] = {
    "type": _type,
    "additionalProperties": lambda error: (
        "unknown key(s): "
        + ", ".join(sorted(set(error.instance) - set(error.schema.get("properties", {}))))
    ),
    "required": lambda error: error.message.replace("a required property", "required"),
    "minimum": lambda error: f"must be at least {error.validator_value}, not {error.instance}",
    "maximum": lambda error: f"must be at most {error.validator_value}, not {error.instance}",
    "minItems": lambda error: f"must be an array of at least {error.validator_value} item(s)",
    "minLength": lambda error: f"must be a non-empty string, not {error.instance!r}",
    "enum": lambda error: (
        "must be one of " + f"{', '.join(map(str, error.validator_value))}, not {error.instance!r}"
    ),
    "pattern": _pattern,
    "uniqueItems": lambda error: "must not name an entry twice",
    # The one ``anyOf``: who decides must name somebody.
    "anyOf": lambda error: "names nobody; give users, role, cost_center_owner or manager_levels",
    "oneOf": _inline_and_parallel,
    "not": _both_units,
    # The one ``minProperties``: a condition of a tier's ``when``.
    "minProperties": lambda error: "an empty condition; leave out `when` for an unconditional tier",
}
