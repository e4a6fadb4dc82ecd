"""The one check a requisition passes, run before its workflow starts (so a refused requisition
stores nothing) and again when the workflow prepares it (a path that skipped the first check is
refused there too): the intake limits, then the active policy's price rule and required
clauses over Postgres' reference data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from domain.intake import intake_refusals
from domain.policy import Policy
from domain.policy_document import build_policy
from domain.requisition import Requisition
from domain.requisition_rules import validate_requisition
from domain.validation import CatalogPrice, FieldRefusal, ValidationOutcome
from models.purchase_orders.reference import active_policy, reference_data

NO_POLICY = FieldRefusal("policy_present", "policy", "no approval policy is stored")


@dataclass(frozen=True)
class RequisitionCheck:
    """What the check decided; the policy and catalog it used when it got that far."""

    outcome: ValidationOutcome
    policy_id: int | None = None
    policy: Policy | None = None
    catalog: tuple[CatalogPrice, ...] = ()


def check_requisition(session: Session, requisition: Requisition, today: date) -> RequisitionCheck:
    """The limits a requisition breaks (checked first: nothing out of bounds reaches a query),
    else no stored policy, else what ``validate_requisition`` says under the active policy's
    price rule and required clauses on ``today``."""
    beyond_limits = intake_refusals(requisition)
    if beyond_limits:
        return RequisitionCheck(ValidationOutcome(beyond_limits, ()))
    stored = active_policy(session)
    if stored is None:
        return RequisitionCheck(ValidationOutcome((NO_POLICY,), ()))
    policy = build_policy(stored.name, stored.version, stored.document)
    reference = reference_data(session, requisition)
    outcome = validate_requisition(
        requisition,
        reference,
        today=today,
        price_above_msa=policy.price_above_msa,
        required_clauses=policy.required_clauses,
    )
    return RequisitionCheck(outcome, stored.id, policy, reference.catalog)
