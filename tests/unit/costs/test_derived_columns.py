"""The mandatory FOCUS columns a provider's export does not hold as such, derived column by column
from the export's own columns: ServiceCategory, PublisherName, ServiceName, InvoiceIssuerName."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from domain.costs.aws_formats import AWS_CUR, AWS_CUR_2, cur2_name
from domain.costs.aws_service_categories import AWS_PRODUCT_CATEGORY
from domain.costs.azure_formats import AZURE_EA
from domain.costs.azure_service_categories import AZURE_CONSUMED_SERVICE_CATEGORY
from domain.costs.focus_columns import BY_NAME, MANDATORY
from domain.costs.mapping import FormatMapping
from domain.costs.normalise import Normaliser
from tests.builders.cost_files import (
    AWS_CUR_SAMPLE,
    AZURE_EA_OLDER_SAMPLE,
    AZURE_EA_SAMPLE,
    normalised,
)

# FOCUS 1.2's allowed ServiceCategory values.
FOCUS_SERVICE_CATEGORIES = {
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
}
NOT_NULL = [name for name in MANDATORY if not BY_NAME[name].nullable]
PROVIDER_SAMPLES = [AWS_CUR_SAMPLE, AZURE_EA_SAMPLE, AZURE_EA_OLDER_SAMPLE]


@pytest.mark.parametrize("sample", PROVIDER_SAMPLES, ids=lambda path: path.parent.name)
@pytest.mark.parametrize("column", NOT_NULL)
def test_every_line_of_a_provider_export_fills_each_mandatory_column(
    sample: Path, column: str
) -> None:
    empty = [row.row_number for row in normalised(sample) if row.focus.get(column) is None]
    assert empty == []


def test_every_category_in_the_lookup_tables_is_a_focus_one() -> None:
    for _, category in AWS_PRODUCT_CATEGORY + AZURE_CONSUMED_SERVICE_CATEGORY:
        assert category in FOCUS_SERVICE_CATEGORIES


def _sample_rows(path: Path) -> dict[int, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return dict(enumerate(csv.DictReader(file), start=1))


def test_a_cur_line_is_in_its_product_codes_category() -> None:
    raw = _sample_rows(AWS_CUR_SAMPLE)
    table = dict(AWS_PRODUCT_CATEGORY)
    rows = normalised(AWS_CUR_SAMPLE)
    for row in rows:
        code = raw[row.row_number]["lineItem/ProductCode"]
        assert row.focus["ServiceCategory"] == table.get(code, "Other"), code
    categories = {row.focus["ServiceCategory"] for row in rows}
    assert {"Storage", "Integration", "Analytics", "Other"} <= categories


def _one_row(mapping: FormatMapping, values: dict[str, str]) -> dict[str, object]:
    header = list(values)
    normaliser = Normaliser("test.csv", mapping, header)
    return dict(normaliser.normalise(1, dict(values)).focus)


CUR_LINE = {
    "lineItem/UnblendedCost": "1.5",
    "lineItem/UsageStartDate": "2024-09-01T00:00:00Z",
    "lineItem/LineItemType": "Usage",
    "lineItem/ProductCode": "AmazonRDS",
    "product/ProductName": "Amazon Relational Database Service",
    "bill/InvoicingEntity": "Amazon Web Services EMEA SARL",
}


def test_a_cur_line_names_its_service_and_issuer_from_what_it_has() -> None:
    focus = _one_row(AWS_CUR, CUR_LINE)
    assert (focus["ServiceCategory"], focus["ServiceName"]) == (
        "Databases",
        "Amazon Relational Database Service",
    )
    assert focus["InvoiceIssuerName"] == "Amazon Web Services EMEA SARL"
    unnamed = _one_row(AWS_CUR, {**CUR_LINE, "product/ProductName": "", "bill/InvoicingEntity": ""})
    assert (unnamed["ServiceName"], unnamed["InvoiceIssuerName"]) == ("AmazonRDS", "AWS")
    unknown = _one_row(AWS_CUR, {**CUR_LINE, "lineItem/ProductCode": "AmazonSomethingNew"})
    assert unknown["ServiceCategory"] == "Other"
    older = {k: v for k, v in CUR_LINE.items() if k != "bill/InvoicingEntity"}
    assert _one_row(AWS_CUR, older)["InvoiceIssuerName"] == "AWS"


def test_a_cur_2_line_derives_the_same_columns_from_its_own_names() -> None:
    line = {cur2_name(k): v for k, v in CUR_LINE.items() if k != "product/ProductName"}
    line["product"] = '{"product_name": "Amazon Relational Database Service"}'
    focus = _one_row(AWS_CUR_2, line)
    assert (focus["ServiceCategory"], focus["ServiceName"]) == (
        "Databases",
        "Amazon Relational Database Service",
    )
    assert _one_row(AWS_CUR_2, {**line, "product": "{}"})["ServiceName"] == "AmazonRDS"


AZURE_LINE = {
    "SubscriptionId": "sub-1",
    "Date": "9/2/2023",
    "CostInBillingCurrency": "2",
    "MeterCategory": "Storage",
    "ConsumedService": "Microsoft.Storage",
    "ServiceFamily": "Compute",
    "PublisherType": "Azure",
    "PublisherName": "",
}


@pytest.mark.parametrize(
    ("changes", "category"),
    [
        ({}, "Storage"),  # the provider's category, in any case, over ServiceFamily
        ({"ConsumedService": "microsoft.sql"}, "Databases"),
        (
            {"ConsumedService": "Contoso.Unknown", "ServiceFamily": "AI + Machine Learning"},
            "AI and Machine Learning",
        ),
        ({"ConsumedService": "", "ServiceFamily": "Networking"}, "Networking"),
        ({"ConsumedService": "", "ServiceFamily": "Mixed Reality"}, "Other"),
    ],
)
def test_an_azure_line_is_in_its_resource_providers_category(
    changes: dict[str, str], category: str
) -> None:
    assert _one_row(AZURE_EA, {**AZURE_LINE, **changes})["ServiceCategory"] == category


@pytest.mark.parametrize(
    ("changes", "publisher"),
    [
        ({}, "Microsoft"),  # a first-party charge that leaves the name empty
        ({"PublisherType": "Microsoft"}, "Microsoft"),  # MCA names first party so
        ({"PublisherType": "Marketplace", "PublisherName": "Contoso"}, "Contoso"),
        ({"PublisherType": "Marketplace"}, None),  # no one to name: quarantined as missing
    ],
)
def test_an_azure_lines_publisher_is_its_own_or_microsoft_for_first_party_charges(
    changes: dict[str, str], publisher: str | None
) -> None:
    assert _one_row(AZURE_EA, {**AZURE_LINE, **changes})["PublisherName"] == publisher


def test_the_older_ea_samples_reservation_purchase_is_published_by_microsoft() -> None:
    purchase = next(row for row in normalised(AZURE_EA_OLDER_SAMPLE) if row.row_number == 1)
    assert purchase.extras["PublisherType"] == "Azure"
    assert purchase.focus["PublisherName"] == "Microsoft"
    assert purchase.focus["ServiceCategory"] == "Other"  # Microsoft.Capacity: a commitment
