"""Bad cost input is refused with the file, row and column that are wrong; generic CSV sources
read through their own column mapping."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.costs.aws_formats import AWS_CUR
from domain.costs.errors import CostFileError
from domain.costs.generic_format import MappingError, generic_mapping
from domain.costs.normalise import Normaliser
from tests.builders.cost_files import AZURE_EA_SAMPLE, BAD_DATE_SAMPLES, normalised

VENDOR_STATEMENT = {
    "BilledCost": "CostInBillingCurrency",
    "ChargePeriodStart": "Date",
    "ServiceName": "MeterCategory",
    "SubAccountId": "SubscriptionId",
    "Tags": "Tags",
}


@pytest.mark.parametrize(("path", "row"), BAD_DATE_SAMPLES.items())
def test_an_impossible_date_in_a_real_file_names_its_row_and_column(path: object, row: int) -> None:
    with pytest.raises(CostFileError) as refused:
        normalised(path)  # type: ignore[arg-type]
    assert (refused.value.row, refused.value.column) == (row, "ChargePeriodEnd")
    assert str(refused.value) == (
        f"{path.name} row {row}, column ChargePeriodEnd: "  # type: ignore[attr-defined]
        "'2023-02-01T30:00:00Z' is not a date and time"
    )


def test_a_cost_that_is_not_a_number_names_its_row_and_column() -> None:
    header = ["lineItem/UnblendedCost", "lineItem/UsageStartDate", "lineItem/LineItemType"]
    normaliser = Normaliser("cur.csv", AWS_CUR, header)
    row = {"lineItem/UnblendedCost": "12,50", "lineItem/UsageStartDate": "2024-09-18 22:00:00"}
    with pytest.raises(CostFileError, match=r"^cur\.csv row 7, column lineItem/UnblendedCost: "):
        normaliser.normalise(7, {**row, "lineItem/LineItemType": "Usage"})


def test_cur_resource_tag_columns_become_tags_without_their_prefix() -> None:
    header = ["lineItem/UnblendedCost", "lineItem/UsageStartDate", "lineItem/LineItemType"]
    tags = ["resourceTags/user:CostCenter", "resourceTags/aws:createdBy"]
    normaliser = Normaliser("cur.csv", AWS_CUR, [*header, *tags])
    values = ["0.5", "2024-09-18T22:00:00Z", "Usage", "CC-100", ""]
    row = normaliser.normalise(1, dict(zip([*header, *tags], values, strict=True)))
    assert row.focus["Tags"] == {"user:CostCenter": "CC-100"}
    assert row.extras == {}


def test_a_generic_csv_reads_a_real_statement_through_its_mapping() -> None:
    mapping = generic_mapping(
        VENDOR_STATEMENT, {"ProviderName": "Contoso", "BillingCurrency": "CAD"}
    )
    rows = normalised(AZURE_EA_SAMPLE, mapping)
    assert len(rows) == 27
    second = rows[1]
    assert second.focus == {
        "BilledCost": Decimal("0.0000564902"),
        "BillingCurrency": "CAD",
        "ChargePeriodStart": datetime(2023, 9, 2, tzinfo=UTC),
        "ProviderName": "Contoso",
        "ServiceName": "Storage",
        "SubAccountId": "d275fcd5-3305-4a03-80c2-999999999999",
        "Tags": {"tagA": "valueA", "tagB": "valueB", "tagC": "valueC"},
    }
    assert second.extras["MeterName"] == "Class 2 Operations"


def test_a_generic_mapping_naming_a_column_focus_lacks_is_refused() -> None:
    with pytest.raises(MappingError, match="not FOCUS columns: Costs, Service"):
        generic_mapping({"BilledCost": "Amount", "Costs": "x", "Service": "y"})
    with pytest.raises(MappingError, match="BilledCost"):
        generic_mapping({"ServiceName": "Product"})


def test_a_file_without_a_column_its_generic_mapping_names_is_refused() -> None:
    mapping = generic_mapping({**VENDOR_STATEMENT, "RegionName": "Location"})
    with pytest.raises(
        CostFileError, match=r"^statement\.csv header, column Location: missing from the header"
    ):
        Normaliser("statement.csv", mapping, list(VENDOR_STATEMENT.values()))
