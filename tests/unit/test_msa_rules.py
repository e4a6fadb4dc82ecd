"""The vendor and MSA rules (domain/msa_rules.py): a known, approved vendor under an MSA of its own
covering the service period, catalog items in the MSA's currency, prices at or below it."""

from dataclasses import replace
from datetime import date

import pytest

from domain.catalog import VendorStatus
from domain.policy import PriceAboveMsa
from domain.validation import ValidationOutcome, VendorFacts
from tests.builders.requisitions import (
    LINE,
    check,
    only_refusal,
    valid_reference,
    valid_requisition,
    with_line,
)


def test_an_unknown_vendor_is_refused() -> None:
    failure = only_refusal(check(reference=replace(valid_reference(), vendor=None)))
    assert (failure.rule, failure.field) == ("vendor_known", "vendor")
    assert "Contoso Software" in failure.message


def test_a_blocked_vendor_is_refused() -> None:
    blocked = VendorFacts("Contoso Software", VendorStatus.BLOCKED)
    failure = only_refusal(check(reference=replace(valid_reference(), vendor=blocked)))
    assert (failure.rule, failure.field) == ("vendor_approved", "vendor")
    assert failure.message == "Contoso Software is blocked; choose an approved vendor."


def test_a_requisition_naming_no_msa_is_refused_once() -> None:
    outcome = check(
        replace(valid_requisition(), contract=None), replace(valid_reference(), contract=None)
    )
    failure = only_refusal(outcome)
    assert (failure.rule, failure.field) == ("msa_present", "contract")
    assert "Contoso Software" in failure.message


def test_an_unknown_msa_is_refused_once() -> None:
    outcome = check(
        replace(valid_requisition(), contract="MSA-XX-99"),
        replace(valid_reference(), contract=None),
    )
    failure = only_refusal(outcome)
    assert (failure.rule, failure.field) == ("msa_known", "contract")
    assert "MSA-XX-99" in failure.message


def test_an_msa_with_another_vendor_is_refused() -> None:
    reference = valid_reference()
    assert reference.contract is not None
    other = replace(reference.contract, vendor="Fabrikam Cloud")
    failure = only_refusal(check(reference=replace(reference, contract=other)))
    assert (failure.rule, failure.field) == ("msa_of_vendor", "contract")
    assert "Fabrikam Cloud" in failure.message and "Contoso Software" in failure.message


@pytest.mark.parametrize(
    ("start_date", "end_date"),
    [(date(2026, 5, 1), None), (date(2025, 1, 1), date(2027, 1, 31))],
)
def test_an_msa_not_covering_the_service_period_is_refused(
    start_date: date, end_date: date | None
) -> None:
    reference = valid_reference()
    assert reference.contract is not None
    contract = replace(reference.contract, start_date=start_date, end_date=end_date)
    failure = only_refusal(check(reference=replace(reference, contract=contract)))
    assert (failure.rule, failure.field) == ("msa_valid_for_service_period", "contract")
    assert start_date.isoformat() in failure.message
    assert "2026-04-01" in failure.message and "2027-03-31" in failure.message


def test_an_open_ended_msa_covers_any_later_service_period() -> None:
    reference = valid_reference()
    assert reference.contract is not None
    open_ended = replace(reference.contract, end_date=None)
    assert check(reference=replace(reference, contract=open_ended)).accepted


def test_an_msa_exactly_spanning_the_service_period_covers_it() -> None:
    reference = valid_reference()
    assert reference.contract is not None
    exact = replace(reference.contract, start_date=LINE.service_start, end_date=LINE.service_end)
    assert check(reference=replace(reference, contract=exact)).accepted


def test_a_sku_missing_from_the_msa_catalog_is_refused() -> None:
    failure = only_refusal(check(with_line(replace(LINE, catalog_sku="CS-GOLD-SUPPORT"))))
    assert (failure.rule, failure.field) == ("catalog_item_known", "lines[0].catalog_sku")
    assert "CS-GOLD-SUPPORT" in failure.message and "MSA-CS-01" in failure.message


def test_a_catalog_price_in_another_currency_is_refused() -> None:
    reference = valid_reference()
    usd = replace(reference.catalog[0], currency="USD", unit_price_minor=1)
    failure = only_refusal(check(reference=replace(reference, catalog=(usd,))))
    assert (failure.rule, failure.field) == ("catalog_currency_matches", "currency")
    assert "USD" in failure.message and "EUR" in failure.message


def test_a_price_above_the_msa_is_refused_under_refuse() -> None:
    outcome = check(
        with_line(replace(LINE, unit_price_minor=12_500)), price_above_msa=PriceAboveMsa.REFUSE
    )
    failure = only_refusal(outcome)
    assert (failure.rule, failure.field) == ("price_above_msa", "lines[0].unit_price_minor")
    assert "125.00 EUR" in failure.message and "120.00 EUR" in failure.message


def test_a_price_above_the_msa_is_only_flagged_under_flag() -> None:
    outcome = check(
        with_line(replace(LINE, unit_price_minor=12_500)), price_above_msa=PriceAboveMsa.FLAG
    )
    assert outcome.accepted
    assert outcome.refusals == ()
    assert [(f.rule, f.field) for f in outcome.flags] == [
        ("price_above_msa", "lines[0].unit_price_minor")
    ]
    assert "125.00 EUR" in outcome.flags[0].message


@pytest.mark.parametrize("policy", list(PriceAboveMsa))
def test_a_price_at_or_below_the_msa_is_neither_flagged_nor_refused(policy: PriceAboveMsa) -> None:
    for price in (12_000, 9_000):
        outcome = check(with_line(replace(LINE, unit_price_minor=price)), price_above_msa=policy)
        assert outcome == ValidationOutcome(refusals=(), flags=())


def test_a_line_without_a_catalog_sku_is_not_checked_against_the_catalog() -> None:
    assert check(with_line(replace(LINE, catalog_sku=None, unit_price_minor=99_999))).accepted
