"""Azure cost details exports, EA and MCA (CSV). Both name columns alike, EA in PascalCase and
MCA mostly in camelCase, so names match in any case; older EA exports name the cost `Cost`,
the currency `BillingCurrency` and the product `Product`. Daily rows: a row's charge period is its
`Date` to the next day; `BillingPeriodEndDate` is inclusive, FOCUS's end is exclusive.
ServiceCategory is the FOCUS category of the resource provider (`ConsumedService`) from the
FinOps Foundation's table, else the export's `ServiceFamily` where it names a FOCUS category,
else "Other". A first-party charge (`PublisherType` Azure or Microsoft) may leave
`PublisherName` empty (EA reservation purchases do): Microsoft published it."""

from __future__ import annotations

from domain.costs.azure_service_categories import AZURE_CONSUMED_SERVICE_CATEGORY
from domain.costs.mapping import (
    AnyOf,
    Column,
    Constant,
    DayAfter,
    FirstValue,
    FormatMapping,
    Lookup,
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

# `ServiceFamily` values that are FOCUS service categories, or say which one they are.
SERVICE_FAMILY_CATEGORY = (
    ("AI + Machine Learning", "AI and Machine Learning"),
    ("Analytics", "Analytics"),
    ("Compute", "Compute"),
    ("Containers", "Compute"),
    ("Databases", "Databases"),
    ("Developer Tools", "Developer Tools"),
    ("Identity", "Identity"),
    ("Integration", "Integration"),
    ("Internet of Things", "Internet of Things"),
    ("Management and Governance", "Management and Governance"),
    ("Media", "Media"),
    ("Migration", "Migration"),
    ("Networking", "Networking"),
    ("Security", "Security"),
    ("Storage", "Storage"),
    ("Web", "Web"),
)
FIRST_PARTY_PUBLISHER = (("Azure", "Microsoft"), ("Microsoft", "Microsoft"))

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
    "PublisherName": FirstValue(
        (
            Column("PublisherName"),
            Lookup("PublisherType", FIRST_PARTY_PUBLISHER, any_case=True),
        )
    ),
    "RegionName": Column("ResourceLocation"),
    "ResourceId": Column("ResourceId"),
    "ResourceName": Column("ResourceName"),
    "ServiceCategory": FirstValue(
        (
            Lookup("ConsumedService", AZURE_CONSUMED_SERVICE_CATEGORY, any_case=True),
            Lookup("ServiceFamily", SERVICE_FAMILY_CATEGORY, any_case=True),
            Constant("Other"),
        )
    ),
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
