"""The inbox as a worklist: how many items wait on someone (for the navigation of every page,
in one query), the orders it can be sorted in, and which of its POs are low-risk."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from domain.catalog import PoStatus
from domain.low_risk import RiskFacts, not_low_risk
from domain.policy import LowRiskRule
from domain.policy_document import build_policy
from domain.requisition import RiskFlag
from models.people.records import User
from models.purchase_orders.delegations import delegation_active
from models.purchase_orders.governance import DelegationRow
from models.purchase_orders.inbox import InboxRow
from models.purchase_orders.policies import ApprovalPolicy
from models.purchase_orders.records import PurchaseOrder


class InboxSort(StrEnum):
    """The orders the inbox offers: soonest deadline, largest amount (in base currency),
    requester A-Z, or the longest waiting (oldest PO) first."""

    DUE = "due"
    AMOUNT = "amount"
    REQUESTER = "requester"
    AGE = "age"


def sorted_worklist(rows: list[InboxRow], sort: InboxSort, at: datetime) -> list[InboxRow]:
    """``rows`` in the ``sort`` order; ties keep the PO number order, so the page is stable."""
    far = datetime.max.replace(tzinfo=at.tzinfo)
    by_number = sorted(rows, key=lambda row: row.po.po_number)
    if sort is InboxSort.AMOUNT:
        return sorted(by_number, key=lambda row: -row.po.amount_base_minor)
    if sort is InboxSort.REQUESTER:
        return sorted(by_number, key=lambda row: row.po.requester)
    if sort is InboxSort.AGE:
        return sorted(by_number, key=lambda row: row.po.created_at)
    return sorted(by_number, key=lambda row: row.po.tier_deadline or far)


def waiting_count(session: Session, user: User, at: datetime) -> int:
    """How many POs ``models.purchase_orders.inbox.inbox`` lists for ``user`` at ``at``, counted
    in one statement: their own tier waits on them, a delegator's does (within the delegation's
    scope), or an approver asked them, the requester, for information."""
    delegator = aliased(User)
    delegated = exists(
        select(DelegationRow.id)
        .join(delegator, delegator.id == DelegationRow.delegator_id)
        .where(
            delegation_active(delegator, user, at),
            delegator.username == PurchaseOrder.current_approvers.any_(),
            or_(
                func.cardinality(DelegationRow.cost_centers) == 0,
                PurchaseOrder.cost_center == DelegationRow.cost_centers.any_(),
            ),
            or_(
                DelegationRow.max_amount_base_minor.is_(None),
                PurchaseOrder.amount_base_minor <= DelegationRow.max_amount_base_minor,
            ),
        )
    )
    asked = and_(
        PurchaseOrder.requester == user.username,
        PurchaseOrder.status == PoStatus.INFORMATION_REQUESTED,
    )
    mine = PurchaseOrder.current_approvers.contains([user.username])
    count = select(func.count()).select_from(PurchaseOrder).where(or_(mine, asked, delegated))
    return session.scalar(count) or 0


def low_risk_refusals(session: Session, po_numbers: Collection[str]) -> dict[str, str | None]:
    """For each PO number, why it may not be approved together with others (None when it may),
    by the low-risk rule of the policy version that routed it; only a PO waiting for approval
    of the purchase qualifies. A number with no PO is left out. Reads the few fields the rule
    needs from the read model, not whole views (the inbox page calls this for every item)."""
    detail = PurchaseOrder.detail
    query = select(
        PurchaseOrder.po_number,
        PurchaseOrder.status,
        PurchaseOrder.policy_id,
        PurchaseOrder.amount_base_minor,
        PurchaseOrder.base_currency,
        PurchaseOrder.service_type,
        PurchaseOrder.is_emergency,
        detail["requisition"]["risk_flags"],
        detail["over_budget"],
        detail["flags"],
    ).where(PurchaseOrder.po_number.in_(po_numbers))
    found: dict[str, str | None] = {}
    rows = session.execute(query).all()
    rules = _low_risk_rules(session, {row.policy_id for row in rows})
    for number, status, policy_id, amount, currency, service, emergency, *view in rows:
        if status is not PoStatus.PENDING_APPROVAL:
            found[number] = "it is not waiting for approval of the purchase"
            continue
        risk_flags, over_budget, flags = view
        facts = RiskFacts(
            amount_base_minor=amount,
            base_currency=currency,
            service_type=service,
            risk_flags=tuple(RiskFlag(flag) for flag in risk_flags or ()),
            over_budget=bool(over_budget),
            policy_flags=tuple(str(flag.get("message", "")) for flag in flags or ()),
            emergency=emergency,
        )
        found[number] = not_low_risk(rules.get(policy_id), facts)
    return found


def _low_risk_rules(session: Session, policy_ids: set[int | None]) -> dict[int, LowRiskRule | None]:
    policies = session.scalars(select(ApprovalPolicy).where(ApprovalPolicy.id.in_(policy_ids)))
    return {p.id: build_policy(p.name, p.version, p.document).low_risk for p in policies}
