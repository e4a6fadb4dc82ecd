"""A chargeback statement as files: a CSV of its charges, and a FOCUS 1.0 cost-and-usage CSV
with one row per charge, as an internal provider's bill.

In the FOCUS export the billing account is the business unit, the sub-account the cost center,
the provider, publisher and invoice issuer the service's provider cost center, the SKU the
service and the SKU price its rate of the month; BilledCost, EffectiveCost, ListCost and
ContractedCost are the charge in minor units as posted; PricingQuantity and ConsumedQuantity
the quantity at the rate. The FinOps Foundation's focus-validator 1.0.0 still reads five
columns under their names from before FOCUS 1.0 (InvoiceIssuer, Provider, Publisher,
ResourceID, ChargeType), so the export carries them too, beside their 1.0 names. poflow's own
columns are prefixed ``x_``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from domain.money import Money
from models.costs.chargeback_records import ChargebackStatement
from models.costs.statements import StatementLine
from models.costs.unit_costs import month_bounds

STATEMENT_COLUMNS = (
    "business_unit",
    "cost_center",
    "cost_center_name",
    "legal_entity",
    "service",
    "rule",
    "allocated_cost",
    "quantity",
    "unit",
    "rate",
    "basis",
    "inter_entity",
    "transfer_markup_percent",
    "amount",
    "currency",
    "lines",
)
FOCUS_COLUMNS = (
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName",
    "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",
    "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
    "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
    "CommitmentDiscountName", "CommitmentDiscountStatus", "CommitmentDiscountType",
    "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
    "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
    "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory",
    "ServiceName", "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
)  # fmt: skip
# focus-validator 1.0.0's names for five 1.0 columns: (its name, the 1.0 column it reads).
VALIDATOR_NAMES = (
    ("InvoiceIssuer", "InvoiceIssuerName"),
    ("Provider", "ProviderName"),
    ("Publisher", "PublisherName"),
    ("ResourceID", "ResourceId"),
    ("ChargeType", "ChargeCategory"),
)
POFLOW_COLUMNS = ("x_Rule", "x_RateBasis", "x_AllocatedCost", "x_TransferMarkupPercent")


def statement_csv(lines: list[StatementLine]) -> str:
    """The charges, one row each; amounts as decimal text in their currency's minor unit."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATEMENT_COLUMNS)
    for line in lines:
        writer.writerow(
            [
                line.business_unit,
                line.cost_center,
                line.cost_center_name,
                line.legal_entity or "",
                line.service or "",
                line.rule,
                _text(line.cost),
                _text(line.quantity),
                line.unit,
                _text(line.rate),
                line.basis,
                "yes" if line.inter_entity else "no",
                _text(line.transfer_markup_percent),
                _charged(line),
                line.currency,
                line.line_count,
            ]
        )
    return out.getvalue()


def focus_csv(statement: ChargebackStatement, lines: list[StatementLine]) -> str:
    """The statement as a FOCUS 1.0 cost-and-usage CSV, one row per charge."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        [*FOCUS_COLUMNS, *(name for name, _ in VALIDATOR_NAMES), *POFLOW_COLUMNS],
        lineterminator="\n",
    )
    writer.writeheader()
    for line in lines:
        row = focus_row(statement, line)
        writer.writerow({**row, **{name: row[column] for name, column in VALIDATOR_NAMES}})
    return out.getvalue()


def focus_row(statement: ChargebackStatement, line: StatementLine) -> dict[str, str]:
    """One charge in FOCUS columns (and poflow's ``x_`` ones); a column without a value is
    empty (null)."""
    start, end = _period(statement.period)
    charged = _charged(line)
    provider = line.provider_name or "poflow"
    service = line.service or "unpriced"
    row = dict.fromkeys(FOCUS_COLUMNS, "")
    row.update(
        BilledCost=charged, EffectiveCost=charged, ListCost=charged, ContractedCost=charged,
        BillingAccountId=line.business_unit, BillingAccountName=line.business_unit_name,
        BillingCurrency=line.currency, BillingPeriodStart=start, BillingPeriodEnd=end,
        ChargePeriodStart=start, ChargePeriodEnd=end, ChargeCategory="Usage",
        ChargeFrequency="Usage-Based", ChargeDescription=_description(line),
        ConsumedQuantity=_text(line.quantity), ConsumedUnit=line.unit if line.quantity else "",
        PricingQuantity=_text(line.quantity), PricingUnit=line.unit if line.quantity else "",
        ListUnitPrice=_text(line.rate), ContractedUnitPrice=_text(line.rate),
        PricingCategory="Standard", InvoiceIssuerName=provider, ProviderName=provider,
        PublisherName=provider, ServiceCategory="Other",
        ServiceName=line.service_name or "Allocated cost", SkuId=service,
        SkuPriceId=f"{service}:{statement.period:%Y-%m}:{line.basis}",
        SubAccountId=line.cost_center, SubAccountName=line.cost_center_name,
        Tags=json.dumps({"poflow/rule": line.rule, "poflow/statement": str(statement.version)}),
    )  # fmt: skip
    row.update(
        x_Rule=line.rule,
        x_RateBasis=line.basis,
        x_AllocatedCost=_text(line.cost),
        x_TransferMarkupPercent=_text(line.transfer_markup_percent),
    )
    return row


def _description(line: StatementLine) -> str:
    if line.rate is None:
        return f"{line.rule}: at cost"
    return f"{line.rule}: {line.quantity} {line.unit} at {line.rate} {line.currency}"


def _charged(line: StatementLine) -> str:
    return str(Money(line.amount_minor, line.currency).as_decimal())


def _period(month: date) -> tuple[str, str]:
    bounds = month_bounds(month)
    return f"{bounds['start']:%Y-%m-%dT%H:%M:%SZ}", f"{bounds['end']:%Y-%m-%dT%H:%M:%SZ}"


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)
