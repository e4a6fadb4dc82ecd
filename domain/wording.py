"""The words people read for poflow's identifiers: a decision ("ask for information", never
``request_information``), a PO's status, and a broken constraint of a form or a document
(a JSON Schema keyword, or the schema checks of a request) as a plain sentence. Refusals and
validation messages shown on pages are worded here and nowhere else; programs keep branching
on the machine names (a refusal's ``rule``), which do not change."""

from __future__ import annotations

import re
from collections.abc import Callable

from domain.catalog import Decision, PoStatus

DECISION_WORDS: dict[Decision, str] = {
    Decision.APPROVE: "approve",
    Decision.REJECT: "reject",
    Decision.REQUEST_INFORMATION: "ask for information",
    Decision.FORWARD: "forward",
    Decision.EXTEND_DEADLINE: "extend the deadline",
}

_TYPES = {
    "integer": "a whole number",
    "number": "a number such as 12.50",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object of named fields",
    "date": "a date (YYYY-MM-DD)",
    "date-time": "a date and time (YYYY-MM-DDTHH:MM)",
}


def _plural(count: object, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _listed(expected: object) -> str:
    if isinstance(expected, (list, tuple)):
        return ", ".join(str(choice) for choice in expected)
    return str(expected).replace("'", "")


# A pattern a document's field follows, in words: a tolerance's percent or quantity.
PATTERN_WORDS = {
    r"^[0-9]+(\.[0-9]+)?$": 'must be a decimal of zero or more, as a string such as "2.5"',
}

# What a value is asked to be, by the JSON Schema keyword it breaks; ``expected`` is the
# keyword's value (the minimum, the allowed choices, the missing or unexpected field's name).
_PREDICATES: dict[str, Callable[[object], str]] = {
    "type": lambda expected: f"must be {_TYPES.get(str(expected), str(expected))}",
    "format": lambda expected: f"must be {_TYPES.get(str(expected), str(expected))}",
    "minimum": lambda expected: f"must be at least {expected}",
    "exclusiveMinimum": lambda expected: f"must be more than {expected}",
    "maximum": lambda expected: f"must be at most {expected}",
    "exclusiveMaximum": lambda expected: f"must be less than {expected}",
    "minLength": lambda expected: (
        "must not be empty"
        if expected == 1
        else f"needs at least {_plural(expected, 'character', 'characters')}"
    ),
    "maxLength": lambda expected: f"takes at most {_plural(expected, 'character', 'characters')}",
    "minItems": lambda expected: f"needs at least {_plural(expected, 'entry', 'entries')}",
    "maxItems": lambda expected: f"takes at most {_plural(expected, 'entry', 'entries')}",
    "uniqueItems": lambda expected: "must not name an entry twice",
    "enum": lambda expected: f"must be one of: {_listed(expected)}",
    "const": lambda expected: f"must be {expected}",
    "pattern": lambda expected: PATTERN_WORDS.get(
        str(expected), "is not written in the expected form"
    ),
    "required": lambda expected: f"needs {_words(str(expected))}",
    "additionalProperties": lambda expected: f"takes no {_words(str(expected))}; remove it",
}
_INDEXED = re.compile(r"^(?P<name>.*?)\[(?P<index>\d+)\]$")


def as_sentence(message: str) -> str:
    """A refusal's message ("a comment is required to reject here") as a sentence, with a
    capital and a full stop, for a page."""
    text = message.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def status_words(status: PoStatus) -> str:
    """``pending_approval`` as "pending approval"."""
    return _words(status.value)


def broken_constraint(path: str, keyword: str, expected: object) -> str | None:
    """The sentence for a value at ``path`` (``$.tiers[0].deadline_hours``, ``fiscal_year``)
    that breaks the JSON Schema ``keyword``: "Deadline hours must be a whole number." None for
    a keyword without wording, whose own message then stands."""
    predicate = _PREDICATES.get(keyword)
    if predicate is None:
        return None
    return f"{field_label(path)} {predicate(expected)}."


def field_label(path: str) -> str:
    """The last named part of a path, as words: ``lines[0].unit_price_minor`` is "Unit price",
    ``$.tiers[1]`` is "Entry 2 of tiers", the document itself "The document"."""
    last = path.removeprefix("$").lstrip(".").rsplit(".", 1)[-1]
    if not last or last in ("document", "request"):
        return "The document"
    indexed = _INDEXED.match(last)
    if indexed:
        return f"Entry {int(indexed['index']) + 1} of {_words(indexed['name'])}"
    return _words(last.removesuffix("_minor")).capitalize()


def _words(name: str) -> str:
    return name.replace("_", " ").strip()
