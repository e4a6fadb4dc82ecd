"""A PO's terms (domain/terms/): the rules they keep, their limits, and the data-protection
clauses the policy requires by risk flag (docs/requisition.md#terms)."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.intake import MAX_QUANTITY, intake_refusals
from domain.policy import Policy, PriceAboveMsa
from domain.requisition import Requisition, RiskFlag
from domain.requisition_rules import validate_requisition
from domain.terms.clauses import ClauseId, DataProtectionClauses
from domain.terms.licence import LicenceMetric, LicenceTerms
from domain.terms.limits import MAX_ENTRIES
from domain.terms.milestones import Milestone
from domain.terms.po_terms import PoTerms
from domain.terms.required_clauses import ClauseRequirement
from domain.terms.subcontracting import Subcontracting
from domain.validation import ValidationOutcome
from temporal_client.converter import PoflowPayloadConverter
from tests.builders.requisitions import TODAY, valid_reference, valid_requisition
from tests.builders.terms import HANDOVER, KICK_OFF, SLA, full_terms


def checked(
    terms: PoTerms | None,
    *,
    flags: tuple[RiskFlag, ...] = (),
    required: tuple[ClauseRequirement, ...] = (),
) -> ValidationOutcome:
    requisition = replace(valid_requisition(), terms=terms, risk_flags=flags)
    if RiskFlag.HANDLES_PII in flags:
        requisition = replace(requisition, dpia_ref="DPIA-7")
    if RiskFlag.THIRD_PARTY_ACCESS in flags:
        requisition = replace(requisition, least_privilege_statement="read-only, one account")
    return validate_requisition(
        requisition,
        valid_reference(),
        today=TODAY,
        price_above_msa=PriceAboveMsa.REFUSE,
        required_clauses=required,
    )


def refused(terms: PoTerms) -> set[tuple[str, str]]:
    return {(refusal.rule, refusal.field) for refusal in checked(terms).refusals}


def with_sla(**changes: Any) -> PoTerms:
    return PoTerms(sla=replace(SLA, **changes))


def test_full_terms_and_no_terms_keep_every_rule() -> None:
    assert checked(full_terms()).accepted
    assert checked(None).accepted
    assert checked(PoTerms()).accepted


@pytest.mark.parametrize("percent", ["0", "-1", "100.01", "NaN"])
def test_availability_is_above_zero_and_at_most_a_hundred_percent(percent: str) -> None:
    assert refused(with_sla(availability_percent=Decimal(percent))) == {
        ("sla_availability_in_range", "terms.sla.availability_percent")
    }


def test_availability_of_a_hundred_percent_is_accepted() -> None:
    assert checked(with_sla(availability_percent=Decimal("100"))).accepted


def test_response_and_resolution_times_are_positive_and_at_most_a_year() -> None:
    assert refused(with_sla(response_minutes=0, resolution_minutes=366 * 24 * 60 + 1)) == {
        ("sla_time_in_range", "terms.sla.response_minutes"),
        ("sla_time_in_range", "terms.sla.resolution_minutes"),
    }


def test_an_incident_is_not_resolved_before_it_is_responded_to() -> None:
    outcome = checked(with_sla(response_minutes=60, resolution_minutes=30))
    [refusal] = outcome.refusals
    assert (refusal.rule, refusal.field) == (
        "sla_resolution_after_response",
        "terms.sla.resolution_minutes",
    )
    assert checked(with_sla(response_minutes=60, resolution_minutes=60)).accepted


def test_service_credits_are_between_zero_and_a_hundred_percent() -> None:
    too_much = with_sla(credit_percent_per_breach=Decimal("100.5"), credit_cap_percent=Decimal(-1))
    assert refused(too_much) == {
        ("sla_credit_in_range", "terms.sla.credit_percent_per_breach"),
        ("sla_credit_in_range", "terms.sla.credit_cap_percent"),
    }
    bounds = with_sla(credit_percent_per_breach=Decimal(0), credit_cap_percent=Decimal(100))
    assert checked(bounds).accepted
    assert checked(with_sla(credit_cap_percent=None)).accepted


def test_milestones_fall_within_the_service_period() -> None:
    early = replace(KICK_OFF, due=date(2026, 3, 31))
    late = replace(HANDOVER, due=date(2027, 4, 1))
    outcome = checked(PoTerms(milestones=(early, late)))
    assert {(r.rule, r.field) for r in outcome.refusals} == {
        ("milestone_in_service_period", "terms.milestones[0].due"),
        ("milestone_in_service_period", "terms.milestones[1].due"),
    }
    assert "2026-04-01 to 2027-03-31" in outcome.refusals[0].message
    first_and_last = (
        replace(KICK_OFF, due=date(2026, 4, 1)),
        replace(HANDOVER, due=date(2027, 3, 31)),
    )
    assert checked(PoTerms(milestones=first_and_last)).accepted


def test_milestone_names_are_unique_regardless_of_case() -> None:
    again = Milestone(" handover ", date(2027, 3, 2))
    assert refused(PoTerms(milestones=(KICK_OFF, HANDOVER, again))) == {
        ("milestone_names_unique", "terms.milestones[2].name")
    }


@pytest.mark.parametrize("quantity", [0, MAX_QUANTITY + 1])
def test_a_licence_grants_at_least_one_and_no_more_than_a_line_may_order(quantity: int) -> None:
    outcome = checked(PoTerms(licence=LicenceTerms(LicenceMetric.CORES, quantity)))
    [refusal] = outcome.refusals
    assert (refusal.rule, refusal.field) == ("licence_quantity_in_range", "terms.licence.quantity")
    assert f"{quantity} cores" in refusal.message
    assert checked(PoTerms(licence=LicenceTerms(LicenceMetric.CORES, MAX_QUANTITY))).accepted


def test_subcontracting_names_who_answers_for_the_work() -> None:
    prime_without_clause = Subcontracting(prime_accountable=True, accountability_clause="  ")
    assert refused(PoTerms(subcontracting=prime_without_clause)) == {
        ("accountability_clause_present", "terms.subcontracting.accountability_clause")
    }
    nobody_named = Subcontracting(prime_accountable=False, subcontractors=())
    assert refused(PoTerms(subcontracting=nobody_named)) == {
        ("subcontractors_named", "terms.subcontracting.subcontractors")
    }
    named = Subcontracting(prime_accountable=False, subcontractors=("Adatum Staffing",))
    assert checked(PoTerms(subcontracting=named)).accepted


PII_NEEDS_DPA = (ClauseRequirement(RiskFlag.HANDLES_PII, (ClauseId.DPA,)),)
ACCESS_NEEDS_TWO = (
    ClauseRequirement(RiskFlag.THIRD_PARTY_ACCESS, (ClauseId.AUDIT_RIGHTS, ClauseId.DPA)),
)


def test_a_requisition_with_a_flag_lacks_no_clause_the_policy_requires_of_it() -> None:
    outcome = checked(None, flags=(RiskFlag.HANDLES_PII,), required=PII_NEEDS_DPA)
    [refusal] = outcome.refusals
    assert (refusal.rule, refusal.field) == ("clause_required", "terms.data_protection.clauses")
    assert "handles_pii" in refusal.message and "dpa" in refusal.message
    carries = PoTerms(data_protection=DataProtectionClauses((ClauseId.DPA,)))
    assert checked(carries, flags=(RiskFlag.HANDLES_PII,), required=PII_NEEDS_DPA).accepted


def test_clauses_are_required_only_of_the_flags_carried_and_each_once() -> None:
    assert checked(None, required=PII_NEEDS_DPA).accepted
    both = (RiskFlag.HANDLES_PII, RiskFlag.THIRD_PARTY_ACCESS)
    outcome = checked(None, flags=both, required=PII_NEEDS_DPA + ACCESS_NEEDS_TWO)
    assert [(r.rule, r.message.split("clause ")[-1]) for r in outcome.refusals] == [
        ("clause_required", "dpa."),
        ("clause_required", "audit_rights."),
    ]
    assert "third_party_access" in outcome.refusals[1].message


def test_the_terms_lists_and_texts_keep_the_intake_limits() -> None:
    contacts = tuple(f"contact {n}" for n in range(MAX_ENTRIES + 1))
    terms = PoTerms(
        sla=replace(SLA, escalation_contacts=contacts),
        milestones=(Milestone("x" * 501, date(2026, 5, 1), ("ok", "bad\x00")),),
        subcontracting=Subcontracting(True, "clause\nover lines", ("Adatum\nStaffing",)),
    )
    refusals = intake_refusals(replace(valid_requisition(), terms=terms))
    assert {(r.rule, r.field) for r in refusals} == {
        ("entries_at_most", "terms.sla.escalation_contacts"),
        ("text_length", "terms.milestones[0].name"),
        ("text_characters", "terms.milestones[0].acceptance_criteria[1]"),
        ("text_characters", "terms.subcontracting.subcontractors[0]"),
    }
    assert all(len(refusal.message) < 200 for refusal in refusals)


def test_terms_and_the_policy_travel_through_the_workflows_data_converter() -> None:
    """Decimals stay Decimals and dates dates; a requisition recorded before terms existed
    (no ``terms`` in its JSON) decodes with none."""
    converter = PoflowPayloadConverter()
    requisition = replace(valid_requisition(), terms=full_terms())
    policy = Policy("p", 1, "EUR", (), required_clauses=PII_NEEDS_DPA)
    payloads = converter.to_payloads([requisition, policy])
    assert converter.from_payloads(payloads, [Requisition, Policy]) == [requisition, policy]
    [old] = converter.to_payloads([valid_requisition()])
    document = json.loads(old.data)
    del document["terms"]
    old.data = json.dumps(document).encode()
    assert converter.from_payloads([old], [Requisition]) == [valid_requisition()]
