"""Matching invoice lines to their PO lines: tolerance boundaries for price and quantity, the
rule selection, 2-way and 3-way, currency, tax and duplicates (docs/invoice-matching.md)."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog import ServiceType
from domain.matching.lines import (
    InvoiceLine,
    InvoiceToMatch,
    LineToMatch,
    PoLine,
    RecordedInvoice,
)
from domain.matching.match import match_invoice
from domain.matching.results import InvoiceMatch, Variance, VarianceKind
from domain.matching.tolerances import EXACT, MatchMode, Tolerance
from domain.policy import Policy
from models.purchase_orders.policy_schema import parse_policy
from temporal_client.converter import PoflowPayloadConverter

BASE = {"base_currency": "EUR", "tiers": [{"name": "t", "approvers": {"role": "finance"}}]}
SAAS = ServiceType.SAAS_SUBSCRIPTION
HARDWARE = ServiceType.HARDWARE


def policy(*rules: dict[str, Any], **section: Any) -> Policy:
    document: dict[str, Any] = {
        **BASE,
        "invoice_matching": {**section, "tolerances": list(rules)},
    }
    return parse_policy("it-purchasing", 4, document)


def line(
    quantity: str = "10",
    price: int = 100_000,
    *,
    ordered: str = "10",
    po_price: int = 100_000,
    currency: str = "EUR",
    received: str | None = None,
    before: str = "0",
    tax: int = 0,
    tax_percent: str | None = None,
) -> LineToMatch:
    return LineToMatch(
        InvoiceLine(1, Decimal(quantity), price, currency, tax),
        PoLine(
            Decimal(ordered),
            po_price,
            "EUR",
            Decimal(before),
            None if tax_percent is None else Decimal(tax_percent),
        ),
        None if received is None else Decimal(received),
    )


def invoice(
    *lines: LineToMatch,
    vendor: str = "Contoso Software",
    service_type: ServiceType = SAAS,
    number: str = "INV-2026-001",
    recorded: tuple[RecordedInvoice, ...] = (),
    rate: str = "1",
) -> InvoiceToMatch:
    return InvoiceToMatch(vendor, number, service_type, lines, Decimal(rate), recorded)


def variances(result: InvoiceMatch) -> list[VarianceKind]:
    return [variance.kind for variance in result.all_variances()]


def only(result: InvoiceMatch) -> Variance:
    [variance] = result.all_variances()
    return variance


# A PO unit price of 1,000.00 EUR; each case is (the rule's limits, the invoiced unit price,
# matched?): just inside, exactly at, just outside each limit.
PRICE_CASES = [
    ({"price_percent": "2"}, 101_999, True),
    ({"price_percent": "2"}, 102_000, True),
    ({"price_percent": "2"}, 102_001, False),
    ({"price_percent": "2.5"}, 102_499, True),
    ({"price_percent": "2.5"}, 102_500, True),
    ({"price_percent": "2.5"}, 102_501, False),
    ({"price_amount_minor": 1_500}, 101_499, True),
    ({"price_amount_minor": 1_500}, 101_500, True),
    ({"price_amount_minor": 1_500}, 101_501, False),
    ({"price_percent": "2", "price_amount_minor": 1_500}, 101_500, True),
    ({"price_percent": "2", "price_amount_minor": 1_500}, 101_501, False),  # within 2 %
    ({"price_percent": "1", "price_amount_minor": 1_500}, 101_000, True),
    ({"price_percent": "1", "price_amount_minor": 1_500}, 101_001, False),  # within 15.00
    ({"price_amount_minor": 0}, 100_000, True),
    ({"price_amount_minor": 0}, 100_001, False),
]


@pytest.mark.parametrize(("limits", "price", "matched"), PRICE_CASES)
def test_a_unit_price_is_within_every_price_limit_given_the_limit_included(
    limits: dict[str, Any], price: int, matched: bool
) -> None:
    result = match_invoice(policy({**limits, "quantity_units": "0"}), invoice(line(price=price)))
    assert result.matched is matched
    if not matched:
        assert only(result).kind is VarianceKind.PRICE
        assert only(result).difference == price - 100_000


# 200 units ordered; 2.5 % of them is 5 units.
QUANTITY_CASES = [
    ({"quantity_percent": "2.5"}, "204.999", True),
    ({"quantity_percent": "2.5"}, "205", True),
    ({"quantity_percent": "2.5"}, "205.001", False),
    ({"quantity_units": "3"}, "202.99", True),
    ({"quantity_units": "3"}, "203", True),
    ({"quantity_units": "3"}, "203.01", False),
    ({"quantity_percent": "2.5", "quantity_units": "3"}, "203", True),
    ({"quantity_percent": "2.5", "quantity_units": "3"}, "203.01", False),  # within 2.5 %
    ({"quantity_percent": "1", "quantity_units": "3"}, "202", True),
    ({"quantity_percent": "1", "quantity_units": "3"}, "202.001", False),  # within 3 units
    ({"quantity_units": "0"}, "200", True),
    ({"quantity_units": "0"}, "200.001", False),
]


@pytest.mark.parametrize(("limits", "quantity", "matched"), QUANTITY_CASES)
def test_a_quantity_is_within_every_quantity_limit_given_the_limit_included(
    limits: dict[str, Any], quantity: str, matched: bool
) -> None:
    result = match_invoice(
        policy({**limits, "price_amount_minor": 0}), invoice(line(quantity, ordered="200"))
    )
    assert result.matched is matched
    if not matched:
        variance = only(result)
        assert variance.kind is VarianceKind.QUANTITY
        assert (variance.expected, variance.actual) == (Decimal(200), Decimal(quantity))
        assert variance.difference == Decimal(quantity) - 200


def test_the_quantity_limit_counts_what_earlier_invoices_billed() -> None:
    rules = policy({"price_amount_minor": 0, "quantity_units": "1"})
    assert match_invoice(rules, invoice(line("4", ordered="10", before="7"))).matched
    over = only(match_invoice(rules, invoice(line("5", ordered="10", before="7"))))
    assert (over.expected, over.actual, over.difference) == (Decimal(3), Decimal(5), Decimal(2))
    assert over.explanation == (
        "quantity 5 and the 7 invoiced before are 2 above the 10 ordered (20.00 %); tolerance 1"
    )


def test_billing_below_the_po_always_matches_even_without_tolerance() -> None:
    result = match_invoice(policy(), invoice(line("3", 90_000, ordered="10")))
    assert result.matched and result.tolerance == EXACT


@given(
    po_price=st.integers(min_value=1, max_value=10**9),
    tenths=st.integers(min_value=0, max_value=1000),
)
def test_the_highest_price_within_a_percent_matches_and_one_minor_unit_more_does_not(
    po_price: int, tenths: int
) -> None:
    percent = Decimal(tenths) / 10
    rules = policy({"price_percent": str(percent), "quantity_units": "0"})
    highest = po_price + int(po_price * percent / 100)
    assert match_invoice(rules, invoice(line(price=highest, po_price=po_price))).matched
    beyond = match_invoice(rules, invoice(line(price=highest + 1, po_price=po_price)))
    assert variances(beyond) == [VarianceKind.PRICE]


def test_a_price_variance_explains_itself_to_finance() -> None:
    rules = policy({"price_percent": "2", "price_amount_minor": 2_000, "quantity_units": "0"})
    variance = only(match_invoice(rules, invoice(line(price=105_000))))
    assert variance.explanation == (
        "unit price 1,050.00 EUR is 5.00 % above the PO's 1,000.00 EUR; tolerance 2 % and 20.00 EUR"
    )
    assert (variance.expected, variance.actual, variance.difference) == (
        Decimal(100_000),
        Decimal(105_000),
        Decimal(5_000),
    )
    assert variance.currency == "EUR"


def test_the_price_amount_limit_is_in_base_currency_at_the_po_s_rate() -> None:
    rules = policy({"price_amount_minor": 1_000, "quantity_units": "0"})

    def usd_line(price: int) -> LineToMatch:
        usd = line(price=price, currency="USD")
        return LineToMatch(usd.invoice, PoLine(Decimal(10), 100_000, "USD"), None)

    # 20.00 USD at 0.5 EUR per USD is 10.00 EUR, the limit itself.
    assert match_invoice(rules, invoice(usd_line(102_000), rate="0.5")).matched
    assert variances(match_invoice(rules, invoice(usd_line(102_002), rate="0.5"))) == [
        VarianceKind.PRICE
    ]


RULES = (
    {"price_percent": "1", "quantity_units": "0"},
    {"service_type": "hardware", "price_percent": "2", "quantity_units": "0"},
    {"vendor": "Contoso Software", "price_percent": "3", "quantity_units": "0"},
    {
        "vendor": "Contoso Software",
        "service_type": "hardware",
        "price_percent": "4",
        "quantity_units": "0",
    },
)


@pytest.mark.parametrize(
    ("vendor", "service_type", "percent"),
    [
        ("CONTOSO SOFTWARE, INC.", HARDWARE, "4"),
        ("Contoso Software", SAAS, "3"),
        ("Fabrikam Consulting", HARDWARE, "2"),
        ("Fabrikam Consulting", SAAS, "1"),
    ],
)
def test_the_most_specific_tolerance_rule_applies_and_is_pinned_on_the_result(
    vendor: str, service_type: ServiceType, percent: str
) -> None:
    result = match_invoice(
        policy(*reversed(RULES)),
        invoice(line(received="10"), vendor=vendor, service_type=service_type),
    )
    assert result.tolerance.price_percent == Decimal(percent)
    assert (result.policy_name, result.policy_version) == ("it-purchasing", 4)


def test_without_a_default_rule_an_unselected_po_matches_exactly() -> None:
    rules = policy(RULES[2])
    result = match_invoice(rules, invoice(line(price=100_001), vendor="Fabrikam"))
    assert result.tolerance == EXACT
    assert variances(result) == [VarianceKind.PRICE]


def test_the_policy_chooses_2_way_or_3_way_by_service_type() -> None:
    unreceived = line("10", received=None)
    by_default = policy()
    assert match_invoice(by_default, invoice(unreceived, service_type=SAAS)).matched
    hardware = match_invoice(by_default, invoice(unreceived, service_type=HARDWARE))
    assert hardware.lines[0].mode is MatchMode.THREE_WAY
    assert variances(hardware) == [VarianceKind.NOT_RECEIVED]
    flipped = policy(three_way_service_types=["saas_subscription"])
    assert match_invoice(flipped, invoice(unreceived, service_type=HARDWARE)).matched
    saas = match_invoice(flipped, invoice(unreceived, service_type=SAAS))
    assert saas.lines[0].mode is MatchMode.THREE_WAY and not saas.matched


def test_nothing_received_in_3_way_is_not_received_for_the_whole_quantity() -> None:
    variance = only(match_invoice(policy(), invoice(line("10"), service_type=HARDWARE)))
    assert variance.kind is VarianceKind.NOT_RECEIVED
    assert (variance.expected, variance.actual, variance.difference) == (
        Decimal(0),
        Decimal(10),
        Decimal(10),
    )
    assert variance.explanation == "quantity 10 is not received: nothing is received yet"


def test_3_way_pays_only_what_was_received_and_not_invoiced_before() -> None:
    rules = policy({"price_amount_minor": 0, "quantity_units": "5"})
    assert match_invoice(rules, invoice(line("8", received="8"), service_type=HARDWARE)).matched
    partly = only(
        match_invoice(rules, invoice(line("5", received="8", before="5"), service_type=HARDWARE))
    )
    assert (partly.kind, partly.expected, partly.difference) == (
        VarianceKind.NOT_RECEIVED,
        Decimal(3),
        Decimal(2),
    )
    assert partly.explanation == "2 of quantity 5 not received: 8 received, 5 of it invoiced before"


def test_an_over_delivery_received_within_the_quantity_tolerance_matches_3_way() -> None:
    rules = policy({"price_amount_minor": 0, "quantity_units": "1"})
    result = match_invoice(rules, invoice(line("11", received="11"), service_type=HARDWARE))
    assert result.matched


def test_a_currency_other_than_the_po_s_is_a_currency_variance_not_a_price_one() -> None:
    result = match_invoice(policy(), invoice(line(price=150_000, currency="USD")))
    variance = only(result)
    assert variance.kind is VarianceKind.CURRENCY
    assert variance.explanation == (
        "invoiced in USD but the PO is in EUR; the unit price is not compared"
    )


@pytest.mark.parametrize(
    ("tax", "matched"),
    [(190_000, True), (190_001, True), (189_999, True), (190_002, False), (189_998, False)],
)
def test_tax_is_checked_against_the_po_line_s_rate_within_a_minor_unit_of_rounding(
    tax: int, matched: bool
) -> None:
    result = match_invoice(policy(), invoice(line(tax=tax, tax_percent="19")))
    assert result.matched is matched
    if not matched:
        assert only(result).kind is VarianceKind.TAX
        assert only(result).difference == tax - 190_000


def test_a_tax_variance_explains_itself() -> None:
    variance = only(match_invoice(policy(), invoice(line(tax=210_000, tax_percent="19"))))
    assert variance.explanation == (
        "tax 2,100.00 EUR is 200.00 EUR above 19 % of the net 10,000.00 EUR (1,900.00 EUR)"
    )


def test_the_same_invoice_number_from_the_same_vendor_is_a_duplicate() -> None:
    earlier = (RecordedInvoice("CONTOSO SOFTWARE, INC.", "inv 2026/001"),)
    result = match_invoice(policy(), invoice(line(), recorded=earlier))
    assert variances(result) == [VarianceKind.DUPLICATE] and result.lines[0].matched
    assert only(result).explanation == (
        "invoice INV-2026-001 from Contoso Software is already recorded as inv 2026/001 "
        "from CONTOSO SOFTWARE, INC."
    )
    elsewhere = (RecordedInvoice("Fabrikam Consulting", "INV-2026-001"),)
    assert match_invoice(policy(), invoice(line(), recorded=elsewhere)).matched
    other = (RecordedInvoice("Contoso Software", "INV-2026-002"),)
    assert match_invoice(policy(), invoice(line(), recorded=other)).matched


def test_every_variance_of_a_line_is_reported_together() -> None:
    rules = policy({"price_percent": "1", "quantity_units": "0"})
    result = match_invoice(
        rules,
        invoice(line("12", 110_000, received="10", tax=1, tax_percent="19"), service_type=HARDWARE),
    )
    assert variances(result) == [
        VarianceKind.PRICE,
        VarianceKind.QUANTITY,
        VarianceKind.NOT_RECEIVED,
        VarianceKind.TAX,
    ]
    assert not result.matched


def test_the_rule_for_a_tolerance_applies_to_a_vendor_by_normalised_name() -> None:
    rule = Tolerance(vendor="contoso software", price_percent=Decimal(1))
    assert rule.applies_to("contoso software", SAAS)
    assert policy(RULES[2]).invoice_matching.tolerances[0] == Tolerance(
        vendor="contoso software", price_percent=Decimal(3), quantity_units=Decimal(0)
    )


def test_a_match_and_its_policy_travel_through_the_workflows_data_converter() -> None:
    rules = policy(*RULES)
    result = match_invoice(
        rules, invoice(line("12", 110_000, received="10"), service_type=HARDWARE)
    )
    converter = PoflowPayloadConverter()
    payloads = converter.to_payloads([rules, result])
    assert converter.from_payloads(payloads, [Policy, InvoiceMatch]) == [rules, result]
