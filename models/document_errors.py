"""What is wrong with an uploaded JSON document (an approval policy, a governed cost document):
each error's place as a JSON path and a sentence for the person who wrote it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from domain.intake import text_problem
from domain.wording import broken_constraint


@dataclass(frozen=True)
class DocumentError:
    """One thing wrong with a document: where (a JSON path) and what."""

    path: str
    message: str


class DocumentRefused(ValueError):
    """A document that is not stored, with every error found in it."""

    def __init__(self, errors: Sequence[DocumentError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = list(errors)


def read_json_object(text: str, what: str) -> dict[str, Any]:
    """``text`` read as a JSON object; ``DocumentRefused`` saying where it stops being JSON (line
    and column) or that it is not an object. ``what`` names the document, as in "A tag policy"."""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as wrong:
        where = f"line {wrong.lineno}, column {wrong.colno}"
        message = f"The document is not JSON: {wrong.msg} at {where}."
        raise DocumentRefused([DocumentError("$", message)]) from wrong
    if not isinstance(parsed, dict):
        raise DocumentRefused([DocumentError("$", f"{what} document is a JSON object.")])
    return parsed


def schema_errors(schema: Draft202012Validator, document: Any) -> list[DocumentError]:
    """Every violation of ``schema``, in path order, then every key or text Postgres cannot
    store as typed (a NUL, a lone surrogate, a control character other than tab and line breaks;
    ``domain.intake.text_problem``)."""
    return [
        DocumentError(error.json_path, plain_schema_error(error))
        for error in sorted(schema.iter_errors(document), key=lambda e: e.json_path)
    ] + list(_text_errors(document, "$"))


def _text_errors(value: Any, path: str) -> Iterator[DocumentError]:
    if isinstance(value, str):
        problem = text_problem(value, multiline=True)
        if problem is not None:
            yield DocumentError(path, f"The text {problem}.")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_errors(str(key), f"{path} (a key)")
            yield from _text_errors(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _text_errors(item, f"{path}[{i}]")


def given_together(error: ValidationError) -> list[list[str]]:
    """The fields an object gives together where the schema's ``not`` allows one of them (a
    deadline in hours or in minutes): each ``required`` list under the ``not`` it holds all of."""
    refused = error.validator_value if isinstance(error.validator_value, dict) else {}
    given = set(error.instance) if isinstance(error.instance, dict) else set()
    options = refused.get("anyOf", [refused])
    return [list(o["required"]) for o in options if "required" in o and set(o["required"]) <= given]


def plain_schema_error(error: ValidationError) -> str:
    """A schema error as a sentence for the person who wrote the document; the schema's own
    message when the keyword has no wording."""
    expected = error.validator_value
    if error.validator == "required":
        quoted = re.match(r"'(.+)' is a required property", error.message)
        expected = quoted.group(1) if quoted else expected
    elif error.validator == "not" and (both := given_together(error)):
        return " ".join(f"Give {' or '.join(fields)}, not both." for fields in both)
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        expected = ", ".join(sorted(str(key) for key in error.instance if key not in known))
    return broken_constraint(error.json_path, str(error.validator), expected) or error.message
