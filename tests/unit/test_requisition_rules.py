"""The requisition rules (domain/requisition_rules.py): requester, lines, currency, blanket
ceiling, cost center, project, GL account, business case, risk documents, emergencies."""

from dataclasses import replace
from datetime import date

import pytest

from domain.catalog import VendorStatus
from domain.policy import PriceAboveMsa
from domain.requisition import PoType, RiskFlag
from domain.validation import VendorFacts
from tests.builders.requisitions import (
    LINE,
    check,
    only_refusal,
    valid_reference,
    valid_requisition,
    with_line,
)


def test_a_fully_valid_requisition_is_accepted_with_no_flags() -> None:
    outcome = check()
    assert outcome.accepted
    assert outcome.refusals == ()
    assert outcome.flags == ()


def test_an_inactive_requester_is_refused() -> None:
    failure = only_refusal(check(reference=replace(valid_reference(), requester_active=False)))
    assert (failure.rule, failure.field) == ("requester_active", "requester")
    assert "alice" in failure.message


def test_a_requisition_without_lines_is_refused_once() -> None:
    failure = only_refusal(check(replace(valid_requisition(), lines=())))
    assert (failure.rule, failure.field) == ("lines_present", "lines")


def test_a_zero_quantity_is_refused() -> None:
    failure = only_refusal(check(with_line(replace(LINE, quantity=0))))
    assert (failure.rule, failure.field) == ("quantity_positive", "lines[0].quantity")
    assert "quantity 0" in failure.message


def test_a_negative_unit_price_is_refused() -> None:
    failure = only_refusal(check(with_line(replace(LINE, unit_price_minor=-500))))
    assert (failure.rule, failure.field) == ("unit_price_not_negative", "lines[0].unit_price_minor")
    assert "-5.00 EUR" in failure.message


def test_a_line_ending_before_it_starts_is_refused() -> None:
    outcome = check(
        with_line(replace(LINE, service_start=date(2026, 6, 1), service_end=date(2026, 5, 1)))
    )
    failure = only_refusal(outcome)
    assert (failure.rule, failure.field) == ("service_period_valid", "lines[0].service_end")
    assert "2026-05-01" in failure.message and "2026-06-01" in failure.message


def test_a_service_period_that_ended_before_today_is_refused() -> None:
    outcome = check(today=date(2027, 4, 1))
    failure = only_refusal(outcome)
    assert (failure.rule, failure.field) == ("service_period_not_past", "lines[0].service_end")
    assert "2027-03-31" in failure.message


def test_a_service_period_ending_today_is_not_past() -> None:
    assert check(today=date(2027, 3, 31)).accepted


@pytest.mark.parametrize("code", ["eur", "EU", "EURO", "E1R"])
def test_a_malformed_currency_code_is_refused(code: str) -> None:
    reference = replace(valid_reference(), catalog=())
    requisition = replace(
        valid_requisition(), currency=code, lines=(replace(LINE, catalog_sku=None),)
    )
    failure = only_refusal(check(requisition, reference))
    assert (failure.rule, failure.field) == ("currency_valid", "currency")
    assert repr(code) in failure.message


def test_a_blanket_po_without_a_positive_ceiling_is_refused() -> None:
    requisition = replace(valid_requisition(), po_type=PoType.BLANKET, blanket_ceiling_minor=0)
    failure = only_refusal(check(requisition))
    assert (failure.rule, failure.field) == ("blanket_ceiling", "blanket_ceiling_minor")
    assert "got 0" in failure.message


def test_a_blanket_po_with_a_positive_ceiling_is_accepted() -> None:
    requisition = replace(
        valid_requisition(), po_type=PoType.BLANKET, blanket_ceiling_minor=5_000_000
    )
    assert check(requisition).accepted


def test_a_one_time_po_with_a_ceiling_is_refused() -> None:
    failure = only_refusal(check(replace(valid_requisition(), blanket_ceiling_minor=100_000)))
    assert (failure.rule, failure.field) == ("blanket_ceiling", "blanket_ceiling_minor")
    assert "1,000.00 EUR" in failure.message


def test_an_inactive_cost_center_is_refused() -> None:
    failure = only_refusal(check(reference=replace(valid_reference(), cost_center_active=False)))
    assert (failure.rule, failure.field) == ("cost_center_active", "cost_center")
    assert "CC-IT-100" in failure.message


def test_a_project_of_another_cost_center_is_refused() -> None:
    reference = replace(valid_reference(), project_cost_center="CC-FIN-200")
    failure = only_refusal(check(reference=reference))
    assert (failure.rule, failure.field) == ("project_of_cost_center", "project")
    assert "PRJ-WORKPLACE" in failure.message and "CC-FIN-200" in failure.message


def test_an_unknown_project_is_refused() -> None:
    failure = only_refusal(check(reference=replace(valid_reference(), project_cost_center=None)))
    assert (failure.rule, failure.field) == ("project_known", "project")
    assert "PRJ-WORKPLACE" in failure.message


def test_no_project_needs_no_project_cost_center() -> None:
    requisition = replace(valid_requisition(), project=None)
    assert check(requisition, replace(valid_reference(), project_cost_center=None)).accepted


@pytest.mark.parametrize("active", [False, None])
def test_a_gl_account_not_confirmed_active_is_refused(active: bool | None) -> None:
    failure = only_refusal(check(reference=replace(valid_reference(), gl_account_active=active)))
    assert (failure.rule, failure.field) == ("gl_account_active", "gl_account")
    assert "6100" in failure.message


def test_no_gl_account_needs_no_gl_check() -> None:
    requisition = replace(valid_requisition(), gl_account=None)
    assert check(requisition, replace(valid_reference(), gl_account_active=None)).accepted


@pytest.mark.parametrize("ref", [None, "", "   "])
def test_a_missing_business_case_is_refused(ref: str | None) -> None:
    failure = only_refusal(check(replace(valid_requisition(), business_case_ref=ref)))
    assert (failure.rule, failure.field) == ("business_case_present", "business_case_ref")
    assert "Contoso Suite renewal" in failure.message


def test_pii_without_a_dpia_is_refused() -> None:
    requisition = replace(valid_requisition(), risk_flags=(RiskFlag.HANDLES_PII,))
    failure = only_refusal(check(requisition))
    assert (failure.rule, failure.field) == ("dpia_present", "dpia_ref")
    assert "Contoso Suite renewal" in failure.message
    assert check(replace(requisition, dpia_ref="DPIA-77")).accepted


def test_third_party_access_without_a_least_privilege_statement_is_refused() -> None:
    requisition = replace(valid_requisition(), risk_flags=(RiskFlag.THIRD_PARTY_ACCESS,))
    failure = only_refusal(check(requisition))
    assert failure.rule == "least_privilege_statement_present"
    assert failure.field == "least_privilege_statement"
    assert "Contoso Software" in failure.message
    assert check(replace(requisition, least_privilege_statement="Read-only, SSO")).accepted


def test_an_unjustified_emergency_is_refused_for_each_missing_part() -> None:
    outcome = check(replace(valid_requisition(), emergency=True))
    assert not outcome.accepted
    assert [(f.rule, f.field) for f in outcome.refusals] == [
        ("emergency_justified", "emergency_justification"),
        ("emergency_justified", "incident_ref"),
    ]
    assert all("Contoso Suite renewal" in f.message for f in outcome.refusals)


@pytest.mark.parametrize(
    ("incident_ref", "change_ticket"), [("INC0012345", None), (None, "CHG0004321")]
)
def test_a_justified_emergency_with_an_incident_or_change_is_accepted(
    incident_ref: str | None, change_ticket: str | None
) -> None:
    requisition = replace(
        valid_requisition(),
        emergency=True,
        emergency_justification="Licence server down",
        incident_ref=incident_ref,
        change_ticket=change_ticket,
    )
    assert check(requisition).accepted


def test_every_failure_is_reported_at_once() -> None:
    requisition = replace(
        valid_requisition(),
        business_case_ref=None,
        risk_flags=(RiskFlag.HANDLES_PII,),
        lines=(replace(LINE, quantity=0, unit_price_minor=13_000),),
    )
    reference = replace(
        valid_reference(),
        vendor=VendorFacts("Contoso Software", VendorStatus.BLOCKED),
        cost_center_active=False,
    )
    outcome = check(requisition, reference, price_above_msa=PriceAboveMsa.FLAG)
    assert sorted(f.rule for f in outcome.refusals) == [
        "business_case_present",
        "cost_center_active",
        "dpia_present",
        "quantity_positive",
        "vendor_approved",
    ]
    assert [f.rule for f in outcome.flags] == ["price_above_msa"]
