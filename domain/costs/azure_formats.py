"""Azure cost details exports, EA and MCA (CSV). Both name columns alike, EA in PascalCase and
MCA mostly in camelCase, so names match in any case; older EA exports name the cost `Cost`,
the currency `BillingCurrency` and the product `Product`. Daily rows: a row's charge period is its
`Date` to the next day; `BillingPeriodEndDate` is inclusive, FOCUS's end is exclusive."""

from __future__ import annotations

from domain.costs.mapping import (
    AnyOf,
    Column,
    Constant,
    DayAfter,
    FormatMapping,
    Product,
    Rule,
    TagText,
    Translate,
)

CHARGE_TYPE_CATEGORY = (
    ("Usage", "Usage"),
    ("UnusedReservation", "Usage"),
    ("UnusedSavingsPlan", "Usage"),
    ("Purchase", "Purchase"),
    ("Refund", "Credit"),
    ("Tax", "Tax"),
    ("RoundingAdjustment", "Adjustment"),
)
FREQUENCY = (("UsageBased", "Usage-Based"), ("OneTime", "One-Time"), ("Recurring", "Recurring"))
PRICING_MODEL = (
    ("OnDemand", "Standard"),
    ("Reservation", "Committed"),
    ("SavingsPlan", "Committed"),
    ("Spot", "Dynamic"),
)

_COST = AnyOf(("CostInBillingCurrency", "Cost"))
EA_RULES: dict[str, Rule] = {
    "AvailabilityZone": Column("AvailabilityZone"),
    "BilledCost": _COST,
    "BillingAccountId": Column("BillingAccountId"),
    "BillingAccountName": Column("BillingAccountName"),
    "BillingCurrency": AnyOf(("BillingCurrencyCode", "BillingCurrency")),
    "BillingPeriodEnd": DayAfter("BillingPeriodEndDate"),
    "BillingPeriodStart": Column("BillingPeriodStartDate"),
    "ChargeCategory": Translate("ChargeType", CHARGE_TYPE_CATEGORY),
    "ChargeDescription": AnyOf(("ProductName", "Product")),
    "ChargeFrequency": Translate("Frequency", FREQUENCY),
    "ChargePeriodEnd": DayAfter("Date"),
    "ChargePeriodStart": Column("Date"),
    "CommitmentDiscountId": Column("ReservationId"),
    "CommitmentDiscountName": Column("ReservationName"),
    "ConsumedQuantity": Column("Quantity"),
    "ConsumedUnit": Column("UnitOfMeasure"),
    "ContractedCost": Product("UnitPrice", "Quantity"),
    "ContractedUnitPrice": Column("UnitPrice"),
    "EffectiveCost": _COST,
    "InvoiceIssuerName": Constant("Microsoft"),
    "ListCost": Product("PayGPrice", "Quantity"),
    "ListUnitPrice": Column("PayGPrice"),
    "PricingCategory": Translate("PricingModel", PRICING_MODEL),
    "PricingQuantity": Column("Quantity"),
    "PricingUnit": Column("UnitOfMeasure"),
    "ProviderName": Constant("Microsoft"),
    "PublisherName": Column("PublisherName"),
    "RegionName": Column("ResourceLocation"),
    "ResourceId": Column("ResourceId"),
    "ResourceName": Column("ResourceName"),
    "ServiceCategory": Column("ServiceFamily"),
    "ServiceName": Column("MeterCategory"),
    "SkuId": Column("PartNumber"),
    "SkuMeter": Column("MeterName"),
    "SkuPriceId": Column("MeterId"),
    "SubAccountId": Column("SubscriptionId"),
    "SubAccountName": Column("SubscriptionName"),
    "Tags": TagText("Tags"),
}

MCA_RULES: dict[str, Rule] = {
    **EA_RULES,
    "InvoiceId": Column("invoiceId"),
    "PricingCurrency": Column("pricingCurrency"),
    "SkuId": Column("productId"),
}

_REQUIRED = ("BilledCost", "ChargePeriodStart", "SubAccountId")

AZURE_EA = FormatMapping(
    name="azure-ea",
    title="Azure cost details, Enterprise Agreement",
    rules=EA_RULES,
    signature=("MeterCategory", "SubscriptionId"),
    required=_REQUIRED,
    any_case=True,
)
AZURE_MCA = FormatMapping(
    name="azure-mca",
    title="Azure cost details, Microsoft Customer Agreement",
    rules=MCA_RULES,
    signature=("MeterCategory", "SubscriptionId", "PaygCostInBillingCurrency"),
    required=_REQUIRED,
    any_case=True,
)
