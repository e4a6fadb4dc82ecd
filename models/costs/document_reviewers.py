"""Who reviews a change to a governed cost document: the approval policy in force names the
tiers (one finance tier when it says nothing), and the people are resolved from today's roles
and org chart, never the author (docs/change-control.md, "Who reviews")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domain.chain import Tier
from domain.policy import FINANCE_REVIEW
from domain.routing import RoutingFacts, route_change
from models.purchase_orders.reference import manager_chain, policy_in_force, role_members


def review_tiers(session: Session, author: str) -> list[Tier]:
    """The review's tiers with their people; ``domain.routing.RoutingError`` when a tier has
    nobody but the author, even among the admins (the last resort)."""
    policy = policy_in_force(session)
    tiers = policy.cost_document_tiers if policy else FINANCE_REVIEW
    facts = RoutingFacts(
        amount_base_minor=0,
        over_budget=False,
        new_vendor=False,
        cost_center_owner="",
        manager_chain=manager_chain(session, author),
        role_members=role_members(session),
    )
    return route_change(tiers, author, facts)
