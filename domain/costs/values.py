"""Reading the text of one cost-file cell as its FOCUS type, accepting what real exports write.

Guarantees: a number is read to a `Decimal` exactly as written (`5.64902E-05` included), never
through a float; a date-time is returned timezone-aware in UTC; an empty cell, `null` or `NULL`
is None; Tags come back as a flat `dict[str, str]`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from domain.costs.errors import ValueProblem

NULL_TEXTS = frozenset({"", "null", "NULL", "Null"})
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def is_null(text: str | None) -> bool:
    return text is None or text.strip() in NULL_TEXTS


def parse_decimal(text: str) -> Decimal:
    """A number as written; surrounding spaces and quotes (a quoted number) are dropped."""
    cleaned = text.strip().strip('"').strip()
    if not _NUMBER.match(cleaned):
        raise ValueProblem(f"{text!r} is not a number")
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # the pattern above lets no such text through
        raise ValueProblem(f"{text!r} is not a number") from error


@lru_cache(maxsize=4096)  # a file repeats few dates, each on many rows; datetimes are immutable
def parse_datetime(text: str) -> datetime:
    """`2024-09-18T22:00:00Z`, `2024-09-18 22:00:00` (read as UTC), `2023-11-01T00:00:00.000Z`,
    a date alone, or Azure EA's month-first `9/2/2023`."""
    cleaned = text.strip()
    us_date = _US_DATE.match(cleaned)
    if us_date:
        month, day, year = (int(part) for part in us_date.groups())
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError as error:
            raise ValueProblem(f"{text!r} is not a date") from error
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as error:
        raise ValueProblem(f"{text!r} is not a date and time") from error
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_tags(text: str) -> dict[str, object]:
    """Tags as a JSON object, or Azure's `"k": "v","k2": "v2"` fragment without braces.
    Values that are not strings are kept as JSON gives them."""
    cleaned = text.strip()
    if not cleaned.startswith("{"):
        cleaned = "{" + cleaned + "}"
    try:
        tags = json.loads(cleaned)
    except json.JSONDecodeError as error:
        raise ValueProblem(f"{text!r} is not a JSON object of tags") from error
    if not isinstance(tags, dict):
        raise ValueProblem(f"{text!r} is not a JSON object of tags")
    return tags


def parse_json_object(text: str) -> dict[str, object]:
    """A JSON object (SkuPriceDetails); anything else is a problem."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueProblem(f"{text!r} is not a JSON object") from error
    if not isinstance(value, dict):
        raise ValueProblem(f"{text!r} is not a JSON object")
    return value
