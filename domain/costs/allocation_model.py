"""An allocation model as rules: read from its governed document (its JSON Schema lives in
``models/costs/allocation_schema.py``) into frozen rules that run in order over a period's
cost lines, the first rule a line matches taking it.

- ``direct``: the matched lines go whole to one target (a cost center, an IT service, a
  business unit), or to the cost center a tag's value names;
- ``shared``: the matched lines are a pool, split by a key: ``even``, ``percentages``,
  ``usage`` (a line metric of what earlier direct rules gave each cost center), ``driver`` (an
  uploaded driver table's quantities per cost center) or ``headcount`` (the driver table named
  ``headcount``);
- ``activity``: the matched lines are a pool split over IT services by a driver's quantities
  per service (activity-based costing).

A ``shared`` or ``activity`` rule may take its pool from the budget ledger instead of the cost
lines (``from_ledger``): the period's ``actual`` entries on its cost centers (and GL accounts),
either the depreciation charges or the other actuals (IT labour, ERP postings), never poflow's
own cloud actuals or chargeback postings. Such a rule takes no cost line; an entry is taken by
the first ledger rule it matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

HEADCOUNT_DRIVER = "headcount"
# A match names lines by these fields of theirs (each one value or several).
MATCH_FIELDS = ("billing_account", "sub_account", "service", "resource")


class RuleKind(StrEnum):
    DIRECT = "direct"
    SHARED = "shared"
    ACTIVITY = "activity"


class KeyBasis(StrEnum):
    """What a pool is split by."""

    EVEN = "even"
    PERCENTAGES = "percentages"
    USAGE = "usage"
    DRIVER = "driver"
    HEADCOUNT = "headcount"


class LedgerEntries(StrEnum):
    """Which ``actual`` ledger entries a ledger pool reads."""

    DEPRECIATION = "depreciation"  # the monthly depreciation charges
    ACTUALS = "actuals"  # every other actual but cloud actuals and chargeback postings


@dataclass(frozen=True)
class LedgerPool:
    """A pool read from the ledger: the period's entries of ``entries`` on ``cost_centers``
    (codes) and ``gl_accounts`` (codes; empty: any GL account)."""

    entries: LedgerEntries
    cost_centers: tuple[str, ...]
    gl_accounts: tuple[str, ...] = ()


class UsageMetric(StrEnum):
    CONSUMED_QUANTITY = "consumed_quantity"
    COST = "cost"


@dataclass(frozen=True)
class LineMatch:
    """Which lines a rule takes: every condition given must hold; none given takes every line
    that an earlier rule left."""

    tag_key: str | None = None
    tag_values: tuple[str, ...] = ()  # empty: the tag is present with any value
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Target:
    """Where an amount goes: a cost center (a business unit is a root one), an IT service (its
    cost center, unless given, the service's provider), or both."""

    cost_center: str | None = None
    service: str | None = None
    business_unit: bool = False
    percent: Decimal | None = None


@dataclass(frozen=True)
class SplitKey:
    basis: KeyBasis
    targets: tuple[Target, ...] = ()  # empty: whoever the basis gives a weight
    driver: str | None = None
    metric: UsageMetric = UsageMetric.CONSUMED_QUANTITY


@dataclass(frozen=True)
class AllocationRule:
    name: str
    kind: RuleKind
    match: LineMatch
    target: Target | None = None  # direct to one target
    cost_center_tag: str | None = None  # direct to the cost center this tag's value names
    key: SplitKey | None = None  # shared and activity
    ledger: LedgerPool | None = None  # a pool from the ledger rather than from cost lines

    @property
    def driver(self) -> str | None:
        """The driver table this rule's key reads, if any."""
        if self.key is None:
            return None
        return HEADCOUNT_DRIVER if self.key.basis == KeyBasis.HEADCOUNT else self.key.driver


def allocation_rules(document: Mapping[str, Any]) -> tuple[AllocationRule, ...]:
    """The rules of a document its schema accepted, in order."""
    return tuple(_rule(rule) for rule in document["rules"])


def _rule(rule: Mapping[str, Any]) -> AllocationRule:
    kind = RuleKind(rule["kind"])
    match = _match(rule.get("match", {}))
    ledger = _ledger(rule["from_ledger"]) if "from_ledger" in rule else None
    if kind == RuleKind.ACTIVITY:
        key = SplitKey(KeyBasis.DRIVER, driver=rule["driver"])
        return AllocationRule(rule["name"], kind, match, key=key, ledger=ledger)
    if kind == RuleKind.SHARED:
        return AllocationRule(rule["name"], kind, match, key=_key(rule["key"]), ledger=ledger)
    to = rule["to"]
    if "cost_center_tag" in to:
        return AllocationRule(rule["name"], kind, match, cost_center_tag=to["cost_center_tag"])
    return AllocationRule(rule["name"], kind, match, target=_target(to))


def _match(match: Mapping[str, Any]) -> LineMatch:
    fields = tuple((name, _values(match[name])) for name in MATCH_FIELDS if name in match)
    tag = match.get("tag")
    if tag is None:
        return LineMatch(fields=fields)
    return LineMatch(tag["key"], _values(tag.get("value", [])), fields)


def _ledger(pool: Mapping[str, Any]) -> LedgerPool:
    return LedgerPool(
        LedgerEntries(pool["entries"]),
        _values(pool["cost_center"]),
        _values(pool.get("gl_account", [])),
    )


def _key(key: Mapping[str, Any]) -> SplitKey:
    return SplitKey(
        KeyBasis(key["by"]),
        tuple(_target(target) for target in key.get("targets", [])),
        key.get("driver"),
        UsageMetric(key.get("metric", UsageMetric.CONSUMED_QUANTITY)),
    )


def _target(target: Mapping[str, Any]) -> Target:
    percent = target.get("percent")
    return Target(
        target.get("cost_center") or target.get("business_unit"),
        target.get("service"),
        "business_unit" in target,
        None if percent is None else Decimal(str(percent)),
    )


def _values(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)
