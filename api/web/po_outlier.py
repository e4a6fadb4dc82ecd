"""Why a PO is under review as an outlier, for the PO page: the tiers of its chain that its
anomaly score brought in, by the policy version that routed it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domain.outliers import review_tiers
from domain.policy_document import build_policy
from domain.purchase_order import PoView
from models.purchase_orders.policies import ApprovalPolicy


def outlier_review_tiers(session: Session, view: PoView) -> list[str]:
    """The names of the PO's tiers that ask for the anomaly score it reached; empty when it
    was not scored, not routed, or scored below every such tier."""
    if view.anomaly_score is None or view.policy_id is None:
        return []
    row = session.get(ApprovalPolicy, view.policy_id)
    if row is None:
        return []
    policy = build_policy(row.name, row.version, row.document)
    return review_tiers(policy, (tier.name for tier in view.tiers), view.anomaly_score)
