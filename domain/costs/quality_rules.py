"""The data-quality rules a cost load applies to each normalised row, and what each one finds.

Each rule has a stable id (stored in load reports and quarantine records), a description, and a
default action: a row that lacks what FOCUS requires, or holds a value FOCUS does not allow, is
quarantined; every other finding keeps the row and flags it. A rule's check is pure: it reads
the row and the load's expectations, nothing else. The duplicate rule needs the rows seen
before, so the checker (quality.py) applies it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.costs.cost_row import CostRow
from domain.costs.focus_columns import BY_NAME, MANDATORY
from domain.costs.tag_keys import normalised_key

CHARGE_CATEGORIES = frozenset({"Usage", "Purchase", "Tax", "Credit", "Adjustment"})
CHARGE_CLASSES = frozenset({"Correction"})
_CREDIT_CATEGORIES = frozenset({"Credit", "Adjustment"})


class Action(Enum):
    KEEP_AND_FLAG = "keep_and_flag"
    QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Expectations:
    """What a load expects of its rows: the source's billing currency (None: any) and the tag
    keys its tag policy requires (matched by normalised key, so `CostCenter` is `cost-center`)."""

    currency: str | None = None
    required_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    default_action: Action


ZERO_COST = Rule("zero_cost", "BilledCost and EffectiveCost are both 0", Action.KEEP_AND_FLAG)
DUPLICATE = Rule(
    "duplicate",
    "the same FOCUS values and extra columns as an earlier row of the load (the first is kept)",
    Action.KEEP_AND_FLAG,
)
NEGATIVE_COST = Rule(
    "negative_cost",
    "BilledCost below 0 on a row that is not a credit, an adjustment or a correction",
    Action.KEEP_AND_FLAG,
)
OUTSIDE_BILLING_PERIOD = Rule(
    "outside_billing_period",
    "ChargePeriodStart before BillingPeriodStart or at/after BillingPeriodEnd",
    Action.KEEP_AND_FLAG,
)
FOREIGN_CURRENCY = Rule(
    "foreign_currency", "BillingCurrency is not the source's currency", Action.KEEP_AND_FLAG
)
MISSING_MANDATORY = Rule(
    "missing_mandatory",
    "a mandatory FOCUS column that may not be null has no value",
    Action.QUARANTINE,
)
INVALID_VALUE = Rule(
    "invalid_value",
    "ChargeCategory not a FOCUS value, ChargeClass neither Correction nor null, "
    "or ChargePeriodEnd before ChargePeriodStart",
    Action.QUARANTINE,
)
MISSING_TAG = Rule(
    "missing_tag", "a tag key the source's tag policy requires is absent", Action.KEEP_AND_FLAG
)
MALFORMED_TAGS = Rule(
    "malformed_tags", "Tags is not a flat map of text keys to text values", Action.KEEP_AND_FLAG
)

RULES: tuple[Rule, ...] = (
    ZERO_COST,
    DUPLICATE,
    NEGATIVE_COST,
    OUTSIDE_BILLING_PERIOD,
    FOREIGN_CURRENCY,
    MISSING_MANDATORY,
    INVALID_VALUE,
    MISSING_TAG,
    MALFORMED_TAGS,
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class Finding:
    """One rule a row breaks, and why, in words a finance user can act on."""

    rule_id: str
    detail: str


def _decimal(row: CostRow, column: str) -> Decimal | None:
    value = row.focus.get(column)
    return value if isinstance(value, Decimal) else None


def _datetime(row: CostRow, column: str) -> datetime | None:
    value = row.focus.get(column)
    return value if isinstance(value, datetime) else None


def _zero_cost(row: CostRow, _: Expectations) -> list[str]:
    billed, effective = _decimal(row, "BilledCost"), _decimal(row, "EffectiveCost")
    if billed is not None and effective is not None and billed == 0 == effective:
        return ["BilledCost and EffectiveCost are 0"]
    return []


def _negative_cost(row: CostRow, _: Expectations) -> list[str]:
    billed = _decimal(row, "BilledCost")
    if billed is None or billed >= 0:
        return []
    category, charge_class = row.focus.get("ChargeCategory"), row.focus.get("ChargeClass")
    if category in _CREDIT_CATEGORIES or charge_class == "Correction":
        return []
    return [f"BilledCost {billed} on a {category} charge"]


def _outside_billing_period(row: CostRow, _: Expectations) -> list[str]:
    charge = _datetime(row, "ChargePeriodStart")
    start, end = _datetime(row, "BillingPeriodStart"), _datetime(row, "BillingPeriodEnd")
    if charge is None or start is None or end is None or start <= charge < end:
        return []
    return [
        f"ChargePeriodStart {charge.isoformat()} outside [{start.isoformat()}, {end.isoformat()})"
    ]


def _foreign_currency(row: CostRow, expect: Expectations) -> list[str]:
    currency = row.focus.get("BillingCurrency")
    if expect.currency is None or currency is None or currency == expect.currency:
        return []
    return [f"BillingCurrency {currency}, the source bills in {expect.currency}"]


# The mandatory columns that may not be null, worked out once rather than for every row.
_NOT_NULL = tuple(name for name in MANDATORY if not BY_NAME[name].nullable)


def _missing_mandatory(row: CostRow, _: Expectations) -> list[str]:
    focus = row.focus
    return [f"{name} is missing" for name in _NOT_NULL if focus.get(name) is None]


def _invalid_value(row: CostRow, _: Expectations) -> list[str]:
    problems = []
    category, charge_class = row.focus.get("ChargeCategory"), row.focus.get("ChargeClass")
    if category is not None and category not in CHARGE_CATEGORIES:
        problems.append(f"ChargeCategory {category!r} is not a FOCUS charge category")
    if charge_class is not None and charge_class not in CHARGE_CLASSES:
        problems.append(f"ChargeClass {charge_class!r} is neither Correction nor null")
    start, end = _datetime(row, "ChargePeriodStart"), _datetime(row, "ChargePeriodEnd")
    if start is not None and end is not None and end < start:
        problems.append("ChargePeriodEnd is before ChargePeriodStart")
    return problems


def _is_flat_text_map(tags: object) -> bool:
    return isinstance(tags, dict) and all(
        isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
    )


def _malformed_tags(row: CostRow, _: Expectations) -> list[str]:
    tags = row.focus.get("Tags")
    if tags is None or _is_flat_text_map(tags):
        return []
    return ["Tags is not a flat map of text to text"]


def _missing_tag(row: CostRow, expect: Expectations) -> list[str]:
    tags = row.focus.get("Tags")
    present = (
        {normalised_key(key) for key in tags if isinstance(key, str)}
        if isinstance(tags, dict)
        else set()
    )
    return [
        f"tag {key!r} is missing"
        for key in expect.required_tags
        if normalised_key(key) not in present
    ]


RowCheck = Callable[[CostRow, Expectations], list[str]]

# The rules a row is checked against on its own, in report order (duplicate is the checker's).
ROW_CHECKS: tuple[tuple[Rule, RowCheck], ...] = (
    (ZERO_COST, _zero_cost),
    (NEGATIVE_COST, _negative_cost),
    (OUTSIDE_BILLING_PERIOD, _outside_billing_period),
    (FOREIGN_CURRENCY, _foreign_currency),
    (MISSING_MANDATORY, _missing_mandatory),
    (INVALID_VALUE, _invalid_value),
    (MISSING_TAG, _missing_tag),
    (MALFORMED_TAGS, _malformed_tags),
)


def row_findings(row: CostRow, expect: Expectations) -> list[Finding]:
    """Every finding of the row-by-row rules, one per rule at most (its details joined)."""
    findings = []
    for rule, check in ROW_CHECKS:
        problems = check(row, expect)
        if problems:
            findings.append(Finding(rule.id, "; ".join(problems)))
    return findings
