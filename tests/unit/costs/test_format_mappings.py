"""Each format's mapping, column by column, on a row of a real export."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from adapters.costs.open_file import open_cost_file
from domain.costs.azure_formats import AZURE_MCA
from domain.costs.cost_row import CostRow
from domain.costs.detect import FORMATS, detect_format
from domain.costs.focus_columns import FOCUS_COLUMNS
from domain.costs.normalise import Normaliser
from tests.builders.cost_files import (
    AWS_CUR_SAMPLE,
    AZURE_EA_OLDER_SAMPLE,
    AZURE_EA_SAMPLE,
    DATA,
    FOCUS_SAMPLES,
    normalised,
)


def _row(rows: list[CostRow], number: int) -> CostRow:
    return next(row for row in rows if row.row_number == number)


def test_aws_cur_legacy_columns_map_to_focus() -> None:
    # Row 15: an S3 data-transfer usage line, costs written as exponents (1.81E-8).
    row = _row(normalised(AWS_CUR_SAMPLE), 15)
    assert row.focus == {
        "AvailabilityZone": None,
        "BilledCost": Decimal("1.81E-8"),
        "BillingAccountId": "123412340534",
        "BillingCurrency": "USD",
        "BillingPeriodEnd": datetime(2023, 12, 1, tzinfo=UTC),
        "BillingPeriodStart": datetime(2023, 11, 1, tzinfo=UTC),
        "ChargeCategory": "Usage",
        "ChargeDescription": (
            "$0.02 per GB - US East (Northern Virginia) data transfer to EU (Germany)"
        ),
        "ChargePeriodEnd": datetime(2023, 11, 5, tzinfo=UTC),
        "ChargePeriodStart": datetime(2023, 11, 4, 23, tzinfo=UTC),
        "CommitmentDiscountId": None,
        "ConsumedQuantity": Decimal("9.052E-7"),
        "ContractedCost": Decimal("1.81E-8"),
        "ContractedUnitPrice": Decimal("0.02"),
        "EffectiveCost": Decimal("1.81E-8"),
        "InvoiceId": None,
        "InvoiceIssuerName": "Amazon Web Services Canada, Inc.",
        "ListCost": Decimal("1.81E-8"),
        "ListUnitPrice": Decimal("0.02"),
        "PricingQuantity": Decimal("9.052E-7"),
        "PricingUnit": "GB",
        "ProviderName": "AWS",
        "PublisherName": "AWS",
        "RegionId": None,
        "RegionName": None,
        "ServiceCategory": "Storage",
        "ServiceName": "Amazon Simple Storage Service",
        "SkuId": "2BG23xxxxxxBKVFW",
        "SkuPriceId": "2BG23N2FNX3BKxxx.xxxxxxxxxx.xxx6EN2CT7",
        "SubAccountId": "123412340534",
        "Tags": None,
    }
    assert row.extras["lineItem/Operation"] == "HeadBucket"
    assert row.extras["product/region"] == "us-east-1"
    assert "lineItem/UnblendedCost" not in row.extras
    assert "reservation/EffectiveCost" not in row.extras  # read by the EffectiveCost rule


def test_aws_cur_tax_lines_are_tax() -> None:
    rows = normalised(AWS_CUR_SAMPLE)
    taxed = [row for row in rows if row.extras.get("lineItem/TaxType") == "Canada Tax"]
    assert len(taxed) == 12
    assert {row.focus["ChargeCategory"] for row in taxed} == {"Tax"}


def test_azure_ea_columns_map_to_focus() -> None:
    # Row 2: `5.64902E-05` cost, `9/2/2023` date, an inclusive `9/30/2023` period end; a
    # first-party (PublisherType Azure) charge without a PublisherName, of Microsoft.Storage.
    row = _row(normalised(AZURE_EA_SAMPLE), 2)
    assert row.focus == {
        "AvailabilityZone": None,
        "BilledCost": Decimal("0.0000564902"),
        "BillingAccountId": "12345678",
        "BillingAccountName": "Example LTD.",
        "BillingCurrency": "CAD",
        "BillingPeriodEnd": datetime(2023, 10, 1, tzinfo=UTC),
        "BillingPeriodStart": datetime(2023, 9, 1, tzinfo=UTC),
        "ChargeCategory": "Usage",
        "ChargeDescription": "Queues v2 - Class 2 Operations - US Central",
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": datetime(2023, 9, 3, tzinfo=UTC),
        "ChargePeriodStart": datetime(2023, 9, 2, tzinfo=UTC),
        "CommitmentDiscountId": None,
        "CommitmentDiscountName": None,
        "ConsumedQuantity": Decimal("0.0129"),
        "ConsumedUnit": "10K",
        "ContractedCost": Decimal("0.00129"),
        "ContractedUnitPrice": Decimal("0.1"),
        "EffectiveCost": Decimal("0.0000564902"),
        "InvoiceIssuerName": "Microsoft",
        "ListCost": Decimal("0.005160000"),
        "ListUnitPrice": Decimal("0.40000"),
        "PricingCategory": "Standard",
        "PricingQuantity": Decimal("0.0129"),
        "PricingUnit": "10K",
        "ProviderName": "Microsoft",
        "PublisherName": "Microsoft",
        "RegionName": "CentralUS",
        "ResourceId": (
            "/subscriptions/<guid>/resourceGroups/<rg name>/providers/<arm provider>"
            "/<serviceName>/<deployedResourceName>"
        ),
        "ResourceName": "the name or GUID",
        "ServiceCategory": "Storage",
        "ServiceName": "Storage",
        "SkuId": "ABC-1235",
        "SkuMeter": "Class 2 Operations",
        "SkuPriceId": "4a2ca774-7dad-4fa3-b080-d08a3c830b61",
        "SubAccountId": "d275fcd5-3305-4a03-80c2-999999999999",
        "SubAccountName": "sub-example",
        "Tags": {"tagA": "valueA", "tagB": "valueB", "tagC": "valueC"},
    }
    assert row.extras["MeterRegion"] == "Iowa"
    assert row.extras["AdditionalInfo"].startswith("{")
    assert "CostCenter" not in row.extras  # empty in the file


def test_an_older_azure_ea_export_maps_its_own_column_names() -> None:
    # Row 2: `Cost`, `BillingCurrency`, `Product`, `09/04/2023`; a byte-order mark in the file.
    row = _row(normalised(AZURE_EA_OLDER_SAMPLE), 2)
    assert row.focus == {
        "AvailabilityZone": None,
        "BilledCost": Decimal("0.00004"),
        "BillingAccountId": "8611537",
        "BillingAccountName": "Trey Research Demo (DO NOT USE)",
        "BillingCurrency": "USD",
        "BillingPeriodEnd": datetime(2023, 10, 1, tzinfo=UTC),
        "BillingPeriodStart": datetime(2023, 9, 1, tzinfo=UTC),
        "ChargeCategory": "Usage",
        "ChargeDescription": (
            "Tiered Block Blob - GRS - List and Create Container Operations - US East 2"
        ),
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": datetime(2023, 9, 5, tzinfo=UTC),
        "ChargePeriodStart": datetime(2023, 9, 4, tzinfo=UTC),
        "CommitmentDiscountId": None,
        "CommitmentDiscountName": None,
        "ConsumedQuantity": Decimal("0.0004"),
        "ConsumedUnit": "10K",
        "ContractedCost": Decimal("0.00004"),
        "ContractedUnitPrice": Decimal("0.1"),
        "EffectiveCost": Decimal("0.00004"),
        "InvoiceIssuerName": "Microsoft",
        "ListCost": Decimal("0.00004"),
        "ListUnitPrice": Decimal("0.1"),
        "PricingCategory": "Standard",
        "PricingQuantity": Decimal("0.0004"),
        "PricingUnit": "10K",
        "ProviderName": "Microsoft",
        "PublisherName": "Microsoft",
        "RegionName": "EastUS2",
        "ResourceId": (
            "/subscriptions/ed570627-0265-4620-bb42-bae06bcfa914/resourceGroups/"
            "databricks-rg-PeskyData-s6taefbli5c5e/providers/Microsoft.Storage/storageAccounts/"
            "dbstoragewp6hglwvvrad2"
        ),
        "ResourceName": "dbstoragewp6hglwvvrad2",
        "ServiceCategory": "Storage",
        "ServiceName": "Storage",
        "SkuId": "AAD-37090",
        "SkuMeter": "GRS List and Create Container Operations",
        "SkuPriceId": "aaaef613-418a-4a5f-af72-d224d7dee2c6",
        "SubAccountId": "ed570627-0265-4620-bb42-bae06bcfa914",
        "SubAccountName": "Trey Research IT",
        "Tags": {
            "CostCenter": "1234",
            "env": "prod",
            "org": "trey",
            "application": "databricks",
            "databricks-environment": "true",
        },
    }
    assert row.extras["CostCenter"] == "ACM9000"  # Azure's own cost center, not a FOCUS column


def test_an_azure_reservation_purchase_is_a_recurring_committed_purchase() -> None:
    row = _row(normalised(AZURE_EA_OLDER_SAMPLE), 1)
    assert row.focus["ChargeCategory"] == "Purchase"
    assert row.focus["ChargeFrequency"] == "Recurring"
    assert row.focus["PricingCategory"] == "Committed"
    assert row.focus["CommitmentDiscountId"] == "49ed0e4d-8e0c-4f1f-af2c-67c865056615"


def test_azure_ea_spot_rows_are_dynamic_pricing() -> None:
    row = _row(normalised(AZURE_EA_SAMPLE), 3)
    assert row.focus["PricingCategory"] == "Dynamic"
    assert row.focus["ServiceName"] == "Virtual Machines"


def test_focus_columns_map_to_themselves_with_literal_nulls_and_any_case() -> None:
    # The spec's own example writes `SkuPriceid` and `null`.
    name = "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource"
    row = normalised(DATA / "focus-spec-examples" / f"{name}.csv")[0]
    assert row.focus == {
        "BilledCost": Decimal("0.50"),
        "BillingPeriodEnd": datetime(2023, 2, 1, tzinfo=UTC),
        "BillingPeriodStart": datetime(2023, 1, 1, tzinfo=UTC),
        "ChargeCategory": "Purchase",
        "ChargeFrequency": "Recurring",
        "ChargePeriodEnd": datetime(2023, 1, 1, 1, tzinfo=UTC),
        "ChargePeriodStart": datetime(2023, 1, 1, tzinfo=UTC),
        "CommitmentDiscountCategory": "Usage",
        "CommitmentDiscountId": "<my-commitment-discount-id>",
        "CommitmentDiscountQuantity": Decimal("1.00"),
        "CommitmentDiscountStatus": None,
        "CommitmentDiscountUnit": "Normalized Hour",
        "ConsumedQuantity": None,
        "ConsumedUnit": None,
        "EffectiveCost": Decimal("0.00"),
        "ListCost": Decimal("1.00"),
        "ListUnitPrice": Decimal("1.00"),
        "PricingCategory": "Standard",
        "PricingQuantity": Decimal("1.00"),
        "ResourceId": "<my-commitment-discount-id>",
        "SkuId": "VM_SMALL",
        "SkuPriceId": "VM_SMALL_COMMITTED_PURCHASE_NO_UPFRONT",
    }
    assert row.extras == {"x_CommitmentDiscountUnitPrice": "0.50"}


def test_every_focus_sample_keeps_its_rows_in_catalogue_order() -> None:
    order = [column.name for column in FOCUS_COLUMNS]
    for path in FOCUS_SAMPLES:
        for row in normalised(path):
            assert list(row.focus) == [name for name in order if name in row.focus]


def test_every_mapping_names_only_focus_columns() -> None:
    known = {column.name for column in FOCUS_COLUMNS}
    for mapping in FORMATS.values():
        assert set(mapping.rules) <= known, mapping.name


def test_an_mca_header_in_camel_case_maps_like_ea_plus_its_invoice_and_pricing_currency() -> None:
    # No public MCA export was found: the real EA row 2, with MCA's camelCase names and the
    # columns only MCA writes.
    reader = open_cost_file(AZURE_EA_SAMPLE)
    ea_row = next(row for row in reader.rows() if row.row_number == 2)
    camel = {name[0].lower() + name[1:]: value for name, value in ea_row.values.items()}
    mca_only = {
        "invoiceId": "G012345678",
        "pricingCurrency": "USD",
        "productId": "DZH318Z0BQ3Q",
        "paygCostInBillingCurrency": "0.00516",
    }
    header = [*camel, *mca_only]
    assert detect_format("mca.csv", header) is AZURE_MCA
    row = Normaliser("mca.csv", AZURE_MCA, header).normalise(2, {**camel, **mca_only})
    ea = _row(normalised(AZURE_EA_SAMPLE), 2)
    assert row.focus == {
        **ea.focus,
        "InvoiceId": "G012345678",
        "PricingCurrency": "USD",
        "SkuId": "DZH318Z0BQ3Q",
    }
    assert row.extras["paygCostInBillingCurrency"] == "0.00516"
