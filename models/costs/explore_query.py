"""What a cost exploration asks for: the filters and the dimensions to group by, read from a
query string and checked before any SQL runs. A bad one raises ``BadCostQuery`` naming its rule,
so the API answers 422 and the page shows the rule, and nothing is read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from domain.costs.tag_keys import normalised_key

TAG_PREFIX = "tag."
# The dimensions a summary groups by and a filter names, besides tags (``tag.<key>``).
DIMENSIONS = (
    "source",
    "provider",
    "billing_account",
    "sub_account",
    "service",
    "region",
    "charge_category",
    "cost_center",
    "resource",
    "day",
)
# Equality filters: every dimension but the day, which is filtered by ``from`` and ``to``.
VALUE_FILTERS = tuple(name for name in DIMENSIONS if name != "day")
RANGE_FILTERS = ("period", "from", "to")
# ``missing=resource,region``: only lines without a value there (a group shown as "(none)").
MISSING = "missing"
MAX_GROUP_BY = 4
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class BadCostQuery(ValueError):
    """A filter or group-by that cannot be answered; ``rule`` names why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class CostQuery:
    """Filters (dimension -> accepted values; tag keys normalised, as ``tag.<key>``), the
    dimensions that must have no value, the billing period, the charge-day range (inclusive)
    and the dimensions to group by."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    period: datetime | None = None
    day_from: date | None = None
    day_to: date | None = None
    group_by: tuple[str, ...] = ()

    def dimensions(self) -> set[str]:
        """Every dimension the query groups or filters by."""
        return set(self.group_by) | set(self.values) | set(self.missing)


def parse_query(
    params: Iterable[tuple[str, str]], group_by: str | None, *, ignore: Iterable[str] = ()
) -> CostQuery:
    """The query of ``params`` (repeated names give several accepted values) and ``group_by``
    (comma-separated); parameters named in ``ignore`` (paging) are skipped."""
    skipped = {"group_by", *ignore}
    values: dict[str, list[str]] = {}
    ranges: dict[str, str] = {}
    missing: list[str] = []
    for name, value in params:
        if name in skipped:
            continue
        if name == MISSING:
            missing += [_dimension(n.strip(), "unknown_filter") for n in value.split(",") if n]
        elif name in RANGE_FILTERS:
            ranges[name] = value
        else:
            values.setdefault(_dimension(name, "unknown_filter"), []).append(value)
    day_from, day_to = _day(ranges.get("from"), "from"), _day(ranges.get("to"), "to")
    if day_from and day_to and day_to < day_from:
        raise BadCostQuery("date_range_reversed", f"to ({day_to}) is before from ({day_from})")
    return CostQuery(
        values={name: tuple(accepted) for name, accepted in values.items()},
        missing=tuple(dict.fromkeys(missing)),
        period=_period(ranges.get("period")),
        day_from=day_from,
        day_to=day_to,
        group_by=_group_by(group_by),
    )


def _dimension(name: str, rule: str) -> str:
    if name.startswith(TAG_PREFIX):
        key = normalised_key(name.removeprefix(TAG_PREFIX))
        if not key:
            raise BadCostQuery("empty_tag_key", f"{name!r} names no tag key")
        return TAG_PREFIX + key
    allowed = VALUE_FILTERS if rule == "unknown_filter" else DIMENSIONS
    if name not in allowed:
        known = ", ".join((*allowed, "tag.<key>"))
        raise BadCostQuery(rule, f"{name!r} is not one of: {known}")
    return name


def _group_by(text: str | None) -> tuple[str, ...]:
    names = [part.strip() for part in (text or "").split(",") if part.strip()]
    dimensions = tuple(_dimension(name, "unknown_dimension") for name in names)
    if len(set(dimensions)) != len(dimensions):
        raise BadCostQuery("repeated_dimension", f"group_by names a dimension twice: {text}")
    if len(dimensions) > MAX_GROUP_BY:
        raise BadCostQuery(
            "too_many_dimensions", f"group_by takes at most {MAX_GROUP_BY} dimensions"
        )
    return dimensions


def _period(text: str | None) -> datetime | None:
    if text is None:
        return None
    match = _PERIOD.match(text)
    if match is None:
        raise BadCostQuery("invalid_period", f"period {text!r} is not a month as YYYY-MM")
    return datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadCostQuery("invalid_date", f"{name} {text!r} is not a date as YYYY-MM-DD") from None
