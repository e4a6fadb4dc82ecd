"""The FOCUS 1.2 cost-and-usage columns every cost source is normalised to: name, kind, data
type, feature level, whether it may be null, and the version that introduced it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ColumnKind(Enum):
    DIMENSION = "dimension"
    METRIC = "metric"


class DataType(Enum):
    STRING = "string"
    DECIMAL = "decimal"  # numeric at the source's full precision, never a float
    DATETIME = "datetime"
    JSON = "json"


class FeatureLevel(Enum):
    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"
    CONDITIONAL = "conditional"


@dataclass(frozen=True)
class FocusColumn:
    name: str
    kind: ColumnKind
    data_type: DataType
    level: FeatureLevel
    nullable: bool
    introduced: str


def _column(
    name: str, kind: str, data_type: str, level: str, nullable: bool, introduced: str
) -> FocusColumn:
    return FocusColumn(
        name, ColumnKind[kind], DataType[data_type], FeatureLevel[level], nullable, introduced
    )


FOCUS_COLUMNS: tuple[FocusColumn, ...] = (
    _column("AvailabilityZone", "DIMENSION", "STRING", "RECOMMENDED", True, "0.5"),
    _column("BilledCost", "METRIC", "DECIMAL", "MANDATORY", False, "0.5"),
    _column("BillingAccountId", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("BillingAccountName", "DIMENSION", "STRING", "MANDATORY", True, "0.5"),
    _column("BillingAccountType", "DIMENSION", "STRING", "CONDITIONAL", False, "1.2"),
    _column("BillingCurrency", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("BillingPeriodEnd", "DIMENSION", "DATETIME", "MANDATORY", False, "0.5"),
    _column("BillingPeriodStart", "DIMENSION", "DATETIME", "MANDATORY", False, "0.5"),
    _column("CapacityReservationId", "DIMENSION", "STRING", "CONDITIONAL", True, "1.1"),
    _column("CapacityReservationStatus", "DIMENSION", "STRING", "CONDITIONAL", True, "1.1"),
    _column("ChargeCategory", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("ChargeClass", "DIMENSION", "STRING", "MANDATORY", True, "1.0"),
    _column("ChargeDescription", "DIMENSION", "STRING", "MANDATORY", True, "1.0-preview"),
    _column("ChargeFrequency", "DIMENSION", "STRING", "RECOMMENDED", False, "1.0-preview"),
    _column("ChargePeriodEnd", "DIMENSION", "DATETIME", "MANDATORY", False, "0.5"),
    _column("ChargePeriodStart", "DIMENSION", "DATETIME", "MANDATORY", False, "0.5"),
    _column(
        "CommitmentDiscountCategory", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"
    ),
    _column("CommitmentDiscountId", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("CommitmentDiscountName", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("CommitmentDiscountQuantity", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.1"),
    _column("CommitmentDiscountStatus", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0"),
    _column("CommitmentDiscountType", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("CommitmentDiscountUnit", "DIMENSION", "STRING", "CONDITIONAL", True, "1.1"),
    _column("ConsumedQuantity", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.0"),
    _column("ConsumedUnit", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0"),
    _column("ContractedCost", "METRIC", "DECIMAL", "MANDATORY", False, "1.0"),
    _column("ContractedUnitPrice", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.0"),
    _column("EffectiveCost", "METRIC", "DECIMAL", "MANDATORY", False, "0.5"),
    _column("InvoiceId", "DIMENSION", "STRING", "RECOMMENDED", True, "1.2"),
    _column("InvoiceIssuerName", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("ListCost", "METRIC", "DECIMAL", "MANDATORY", False, "1.0-preview"),
    _column("ListUnitPrice", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.0-preview"),
    _column("PricingCategory", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("PricingCurrency", "DIMENSION", "STRING", "CONDITIONAL", True, "1.2"),
    _column("PricingCurrencyContractedUnitPrice", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.2"),
    _column("PricingCurrencyEffectiveCost", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.2"),
    _column("PricingCurrencyListUnitPrice", "METRIC", "DECIMAL", "CONDITIONAL", True, "1.2"),
    _column("PricingQuantity", "METRIC", "DECIMAL", "MANDATORY", True, "1.0-preview"),
    _column("PricingUnit", "DIMENSION", "STRING", "MANDATORY", True, "1.0-preview"),
    _column("ProviderName", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("PublisherName", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("RegionId", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0"),
    _column("RegionName", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0"),
    _column("ResourceId", "DIMENSION", "STRING", "CONDITIONAL", True, "0.5"),
    _column("ResourceName", "DIMENSION", "STRING", "CONDITIONAL", True, "0.5"),
    _column("ResourceType", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("ServiceCategory", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("ServiceName", "DIMENSION", "STRING", "MANDATORY", False, "0.5"),
    _column("ServiceSubcategory", "DIMENSION", "STRING", "RECOMMENDED", False, "1.1"),
    _column("SkuId", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("SkuMeter", "DIMENSION", "STRING", "CONDITIONAL", True, "1.1"),
    _column("SkuPriceDetails", "DIMENSION", "JSON", "CONDITIONAL", True, "1.1"),
    _column("SkuPriceId", "DIMENSION", "STRING", "CONDITIONAL", True, "1.0-preview"),
    _column("SubAccountId", "DIMENSION", "STRING", "CONDITIONAL", True, "0.5"),
    _column("SubAccountName", "DIMENSION", "STRING", "CONDITIONAL", True, "0.5"),
    _column("SubAccountType", "DIMENSION", "STRING", "CONDITIONAL", True, "1.2"),
    _column("Tags", "DIMENSION", "JSON", "CONDITIONAL", True, "1.0-preview"),
)

BY_NAME: dict[str, FocusColumn] = {column.name: column for column in FOCUS_COLUMNS}
MANDATORY: tuple[str, ...] = tuple(
    c.name for c in FOCUS_COLUMNS if c.level is FeatureLevel.MANDATORY
)
METRICS: tuple[str, ...] = tuple(c.name for c in FOCUS_COLUMNS if c.kind is ColumnKind.METRIC)
