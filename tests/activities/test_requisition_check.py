"""The requisition check the API runs before a PO starts is the one its workflow runs when it
prepares the PO: a requisition started by a path that skipped the first check is refused the
same way, with the same rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from activities.requisitions import RequisitionActivities
from adapters.ecb_rates import EcbRates
from domain.intake import MAX_QUANTITY
from domain.purchase_order import PrepareRequest
from domain.requisition import Requisition
from domain.validation import FieldRefusal
from models.db import unit_of_work
from services.requisitions import refusals_of
from tests.builders.requisitions import LINE, valid_requisition

TODAY = date.today()


Refusals = tuple[FieldRefusal, ...]


def _both_checks(
    sessions: sessionmaker[Session], requisition: Requisition
) -> tuple[Refusals, Refusals]:
    """(what the workflow's preparation refused, what the API's check refused)."""
    activity = RequisitionActivities(sessions, EcbRates(), "EUR")
    prepared = activity.prepare_requisition(PrepareRequest("PO-CHECK", requisition, TODAY))
    with unit_of_work(sessions) as session:
        return prepared.outcome.refusals, refusals_of(session, requisition)


def test_without_a_stored_policy_both_checks_refuse_naming_the_missing_policy(
    sessions: sessionmaker[Session],
) -> None:
    in_workflow, in_api = _both_checks(sessions, valid_requisition())
    no_policy = (FieldRefusal("policy_present", "policy", "no approval policy is stored"),)
    assert in_workflow == in_api == no_policy


def test_a_requisition_beyond_the_intake_limits_is_refused_before_any_query(
    sessions: sessionmaker[Session],
) -> None:
    too_many = replace(valid_requisition(), lines=(replace(LINE, quantity=MAX_QUANTITY + 1),))
    in_workflow, in_api = _both_checks(sessions, too_many)
    assert in_workflow == in_api
    assert [(failure.rule, failure.field) for failure in in_api] == [
        ("quantity_in_range", "lines[0].quantity")
    ]
