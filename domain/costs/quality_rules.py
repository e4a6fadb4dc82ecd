"""The data-quality rules a cost load applies to each normalised row, and what each one finds.

Each rule has a stable id (stored in load reports and quarantine records), a description, and a
default action: a row that lacks what FOCUS requires, or holds a value FOCUS does not allow, is
quarantined; every other finding keeps the row and flags it. A rule's check is pure: it reads
the row and the load's expectations, nothing else. The duplicate rule needs the rows seen
before, so the checker (quality.py) applies it.

Each check has its SQL predicate beside it, for the set-based ingest of CSV files
(models/costs/raw_lines.py): a boolean expression over the typed FOCUS columns written as
``{ColumnName}`` (and ``{tags_normalised}``), true exactly when the check finds something;
tests/activities/costs/test_set_based_ingest.py proves the two give the same findings.
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
    """What a load expects of its rows: the source's billing currency (None: each billing
    account's, the currency of its first line in the load) and the tag keys its tag policy
    requires (matched by normalised key, so `CostCenter` is `cost-center`). `currency_basis`
    says in the finding where the expected currency comes from."""

    currency: str | None = None
    required_tags: tuple[str, ...] = ()
    currency_basis: str = "the source bills in"


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
    "foreign_currency",
    "BillingCurrency is not the source's currency, or, with none configured, not the currency "
    "of the first line of the same billing account in the load",
    Action.KEEP_AND_FLAG,
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


def _zero_cost_sql(_: Expectations) -> str:
    return "{BilledCost} = 0 AND {EffectiveCost} = 0"


def _negative_cost(row: CostRow, _: Expectations) -> list[str]:
    billed = _decimal(row, "BilledCost")
    if billed is None or billed >= 0:
        return []
    category, charge_class = row.focus.get("ChargeCategory"), row.focus.get("ChargeClass")
    if category in _CREDIT_CATEGORIES or charge_class == "Correction":
        return []
    return [f"BilledCost {billed} on a {category} charge"]


def _negative_cost_sql(_: Expectations) -> str:
    return (
        f"{{BilledCost}} < 0 AND NOT coalesce({{ChargeCategory}} IN ({_texts(_CREDIT_CATEGORIES)})"
        f" OR {{ChargeClass}} IN ({_texts(CHARGE_CLASSES)}), false)"
    )


def _outside_billing_period(row: CostRow, _: Expectations) -> list[str]:
    charge = _datetime(row, "ChargePeriodStart")
    start, end = _datetime(row, "BillingPeriodStart"), _datetime(row, "BillingPeriodEnd")
    if charge is None or start is None or end is None or start <= charge < end:
        return []
    return [
        f"ChargePeriodStart {charge.isoformat()} outside [{start.isoformat()}, {end.isoformat()})"
    ]


def _outside_billing_period_sql(_: Expectations) -> str:
    return (
        "{ChargePeriodStart} IS NOT NULL AND {BillingPeriodStart} IS NOT NULL "
        "AND {BillingPeriodEnd} IS NOT NULL AND NOT ({BillingPeriodStart} <= {ChargePeriodStart} "
        "AND {ChargePeriodStart} < {BillingPeriodEnd})"
    )


def _foreign_currency(row: CostRow, expect: Expectations) -> list[str]:
    currency = row.focus.get("BillingCurrency")
    if expect.currency is None or currency is None or currency == expect.currency:
        return []
    return [f"BillingCurrency {currency}, {expect.currency_basis} {expect.currency}"]


def _foreign_currency_sql(expect: Expectations) -> str:
    """``{account_currency}``: the currency of the first line of the row's billing account
    that has one, in file order (as the row-by-row check keeps it)."""
    if expect.currency is None:
        return "{BillingCurrency} <> {account_currency}"
    return f"{{BillingCurrency}} <> {_text(expect.currency)}"


# The mandatory columns that may not be null, worked out once rather than for every row.
_NOT_NULL = tuple(name for name in MANDATORY if not BY_NAME[name].nullable)


def _missing_mandatory(row: CostRow, _: Expectations) -> list[str]:
    focus = row.focus
    return [f"{name} is missing" for name in _NOT_NULL if focus.get(name) is None]


def _missing_mandatory_sql(_: Expectations) -> str:
    return " OR ".join(f"{{{name}}} IS NULL" for name in _NOT_NULL)


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


def _invalid_value_sql(_: Expectations) -> str:
    return (
        f"{{ChargeCategory}} NOT IN ({_texts(CHARGE_CATEGORIES)}) "
        f"OR {{ChargeClass}} NOT IN ({_texts(CHARGE_CLASSES)}) "
        "OR {ChargePeriodEnd} < {ChargePeriodStart}"
    )


def _is_flat_text_map(tags: object) -> bool:
    return isinstance(tags, dict) and all(
        isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
    )


def _malformed_tags(row: CostRow, _: Expectations) -> list[str]:
    tags = row.focus.get("Tags")
    if tags is None or _is_flat_text_map(tags):
        return []
    return ["Tags is not a flat map of text to text"]


def _malformed_tags_sql(_: Expectations) -> str:
    return (
        "{Tags} IS NOT NULL AND (jsonb_typeof({Tags}) <> 'object' OR EXISTS "
        "(SELECT 1 FROM jsonb_each({Tags}) tag WHERE jsonb_typeof(tag.value) <> 'string'))"
    )


def _missing_tag(row: CostRow, expect: Expectations) -> list[str]:
    if not expect.required_tags:  # no policy: the line's tag keys need not be normalised
        return []
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


def _missing_tag_sql(expect: Expectations) -> str:
    if not expect.required_tags:
        return "false"
    keys = ", ".join(_text(normalised_key(key)) for key in expect.required_tags)
    return f"NOT coalesce(jsonb_exists_all({{tags_normalised}}, ARRAY[{keys}]), false)"


def _text(value: str) -> str:
    """A SQL string literal (standard_conforming_strings: only quotes are doubled)."""
    return "'" + value.replace("'", "''") + "'"


def _texts(values: frozenset[str]) -> str:
    return ", ".join(_text(value) for value in sorted(values))


RowCheck = Callable[[CostRow, Expectations], list[str]]
RowPredicate = Callable[[Expectations], str]

# The rules a row is checked against on its own, in report order (duplicate is the checker's),
# each with its check and its SQL predicate.
ROW_CHECKS: tuple[tuple[Rule, RowCheck, RowPredicate], ...] = (
    (ZERO_COST, _zero_cost, _zero_cost_sql),
    (NEGATIVE_COST, _negative_cost, _negative_cost_sql),
    (OUTSIDE_BILLING_PERIOD, _outside_billing_period, _outside_billing_period_sql),
    (FOREIGN_CURRENCY, _foreign_currency, _foreign_currency_sql),
    (MISSING_MANDATORY, _missing_mandatory, _missing_mandatory_sql),
    (INVALID_VALUE, _invalid_value, _invalid_value_sql),
    (MISSING_TAG, _missing_tag, _missing_tag_sql),
    (MALFORMED_TAGS, _malformed_tags, _malformed_tags_sql),
)


def row_findings(row: CostRow, expect: Expectations) -> list[Finding]:
    """Every finding of the row-by-row rules, one per rule at most (its details joined)."""
    findings = []
    for rule, check, _ in ROW_CHECKS:
        problems = check(row, expect)
        if problems:
            findings.append(Finding(rule.id, "; ".join(problems)))
    return findings


def row_predicates(expect: Expectations) -> list[tuple[str, str]]:
    """(rule id, SQL predicate) of the row-by-row rules, in report order."""
    return [(rule.id, predicate(expect)) for rule, _, predicate in ROW_CHECKS]
