"""FOCUS 1.0, 1.1 and 1.2 files: each catalogue column read under its own name (any case, as
real exports and the spec's own examples vary it), plus the pre-1.2 names of renamed columns."""

from __future__ import annotations

from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.mapping import Column, FormatMapping, Rule

_VERSION_ORDER = ("0.5", "1.0-preview", "1.0", "1.1", "1.2")

# Columns a later version took into the spec under a new name; earlier exports carry the
# provider's `x_` column instead.
RENAMED_BEFORE_1_2: dict[str, str] = {
    "InvoiceId": "x_InvoiceId",
    "PricingCurrency": "x_PricingCurrency",
    "PricingCurrencyEffectiveCost": "x_PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice": "x_PricingCurrencyListUnitPrice",
    "PricingCurrencyContractedUnitPrice": "x_PricingCurrencyContractedUnitPrice",
    "BillingAccountType": "x_BillingAccountType",
    "SubAccountType": "x_SubAccountType",
}


def in_version(introduced: str, version: str) -> bool:
    return _VERSION_ORDER.index(introduced) <= _VERSION_ORDER.index(version)


def _rules(version: str) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for column in FOCUS_COLUMNS:
        if in_version(column.introduced, version):
            rules[column.name] = Column(column.name)
        elif column.name in RENAMED_BEFORE_1_2:
            rules[column.name] = Column(RENAMED_BEFORE_1_2[column.name])
    return rules


def _focus(version: str) -> FormatMapping:
    return FormatMapping(
        name=f"focus-{version}",
        title=f"FOCUS {version}",
        rules=_rules(version),
        signature=("BilledCost", "ChargePeriodStart"),
        required=("BilledCost",),
        any_case=True,
    )


FOCUS_1_0 = _focus("1.0")
FOCUS_1_1 = _focus("1.1")
FOCUS_1_2 = _focus("1.2")
FOCUS_FORMATS = (FOCUS_1_0, FOCUS_1_1, FOCUS_1_2)
