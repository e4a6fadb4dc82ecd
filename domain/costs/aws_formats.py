"""AWS Cost and Usage Report: legacy (`lineItem/UnblendedCost`, CSV.gz with a manifest) and
CUR 2.0 (the same columns in snake_case, `line_item_unblended_cost`, tags in a `resource_tags`
map). CUR 2.0's names are the legacy ones rewritten, so one table serves both; the product's
name moved into CUR 2.0's `product` map column. CUR has no ServiceCategory: it is the FOCUS
category of the line's product code, from the FinOps Foundation's table (aws_service_categories),
"Other" for a code the table does not hold."""

from __future__ import annotations

import re

from domain.costs.aws_service_categories import AWS_PRODUCT_CATEGORY
from domain.costs.mapping import (
    Column,
    Constant,
    FirstValue,
    FormatMapping,
    Lookup,
    MapKey,
    PickColumn,
    Rule,
    TagColumns,
    TagText,
    Translate,
)

# FOCUS ChargeCategory for each CUR line item type.
LINE_ITEM_CATEGORY = (
    ("Usage", "Usage"),
    ("DiscountedUsage", "Usage"),
    ("SavingsPlanCoveredUsage", "Usage"),
    ("SavingsPlanNegation", "Adjustment"),
    ("Tax", "Tax"),
    ("Credit", "Credit"),
    ("Refund", "Credit"),
    ("BundledDiscount", "Credit"),
    ("Discount", "Credit"),
    ("EdpDiscount", "Credit"),
    ("PrivateRateDiscount", "Credit"),
    ("Fee", "Purchase"),
    ("RIFee", "Purchase"),
    ("SavingsPlanRecurringFee", "Purchase"),
    ("SavingsPlanUpfrontFee", "Purchase"),
)

_TYPE = "lineItem/LineItemType"
LEGACY_RULES: dict[str, Rule] = {
    "AvailabilityZone": Column("lineItem/AvailabilityZone"),
    "BilledCost": Column("lineItem/UnblendedCost"),
    "BillingAccountId": Column("bill/PayerAccountId"),
    "BillingCurrency": Column("lineItem/CurrencyCode"),
    "BillingPeriodEnd": Column("bill/BillingPeriodEndDate"),
    "BillingPeriodStart": Column("bill/BillingPeriodStartDate"),
    "ChargeCategory": Translate(_TYPE, LINE_ITEM_CATEGORY),
    "ChargeDescription": Column("lineItem/LineItemDescription"),
    "ChargePeriodEnd": Column("lineItem/UsageEndDate"),
    "ChargePeriodStart": Column("lineItem/UsageStartDate"),
    "CommitmentDiscountId": PickColumn(
        _TYPE,
        (
            ("DiscountedUsage", "reservation/ReservationARN"),
            ("RIFee", "reservation/ReservationARN"),
        ),
        "savingsPlan/SavingsPlanARN",
    ),
    "ConsumedQuantity": Column("lineItem/UsageAmount"),
    "ContractedCost": Column("lineItem/UnblendedCost"),
    "ContractedUnitPrice": Column("lineItem/UnblendedRate"),
    "EffectiveCost": PickColumn(
        _TYPE,
        (
            ("SavingsPlanCoveredUsage", "savingsPlan/SavingsPlanEffectiveCost"),
            ("DiscountedUsage", "reservation/EffectiveCost"),
        ),
        "lineItem/UnblendedCost",
    ),
    "InvoiceId": Column("bill/InvoiceId"),
    # Older CURs have no invoicing entity: AWS issued the invoice.
    "InvoiceIssuerName": FirstValue((Column("bill/InvoicingEntity"), Constant("AWS"))),
    "ListCost": Column("pricing/publicOnDemandCost"),
    "ListUnitPrice": Column("pricing/publicOnDemandRate"),
    "PricingQuantity": Column("lineItem/UsageAmount"),
    "PricingUnit": Column("pricing/unit"),
    "ProviderName": Constant("AWS"),
    "PublisherName": Column("bill/BillingEntity"),
    "RegionId": Column("product/regionCode"),
    "RegionName": Column("product/location"),
    "ResourceId": Column("lineItem/ResourceId"),
    "ServiceCategory": Lookup("lineItem/ProductCode", AWS_PRODUCT_CATEGORY, "Other"),
    # A line without a product name (some fees and credits) is named by its product code.
    "ServiceName": FirstValue((Column("product/ProductName"), Column("lineItem/ProductCode"))),
    "SkuId": Column("product/sku"),
    "SkuPriceId": Column("pricing/RateCode"),
    "SubAccountId": Column("lineItem/UsageAccountId"),
    "Tags": TagColumns("resourceTags/"),
}
_REQUIRED = ("BilledCost", "ChargePeriodStart", "ChargeCategory")


def cur2_name(legacy: str) -> str:
    """`lineItem/UnblendedCost` -> `line_item_unblended_cost`, as CUR 2.0 names its columns
    (`savingsPlan/SavingsPlanARN` -> `savings_plan_savings_plan_a_r_n`, as AWS writes it)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", legacy.replace("/", "_")).lower().replace("__", "_")


def _cur2_rule(rule: Rule) -> Rule:
    match rule:
        case Column("product/ProductName"):  # CUR 2.0 keeps it in the `product` map
            return MapKey("product", "product_name")
        case Column(source):
            return Column(cur2_name(source))
        case Translate(source, table):
            return Translate(cur2_name(source), table)
        case Lookup(source, table, default, any_case):
            return Lookup(cur2_name(source), table, default, any_case)
        case FirstValue(rules):
            return FirstValue(tuple(_cur2_rule(each) for each in rules))
        case PickColumn(switch, choices, default):
            renamed = tuple((value, cur2_name(column)) for value, column in choices)
            return PickColumn(cur2_name(switch), renamed, cur2_name(default))
        case TagColumns():
            return TagText("resource_tags")
    return rule


AWS_CUR = FormatMapping(
    name="aws-cur",
    title="AWS Cost and Usage Report (legacy)",
    rules=LEGACY_RULES,
    signature=("lineItem/UnblendedCost",),
    required=_REQUIRED,
)
AWS_CUR_2 = FormatMapping(
    name="aws-cur-2",
    title="AWS Cost and Usage Report 2.0",
    rules={focus: _cur2_rule(rule) for focus, rule in LEGACY_RULES.items()},
    signature=("line_item_unblended_cost",),
    required=_REQUIRED,
)
