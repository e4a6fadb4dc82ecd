"""Approval chains and POs waiting on a decision, for the rules about who decides (entitlement,
standing, the decision card): alex's PO on IT-INFRA, priya its cost-center owner, tom IT
leadership, paul the escalation pool, lee and nora the risk review."""

from dataclasses import replace
from datetime import UTC, date, datetime

from domain.approval import open_tier
from domain.catalog import PoStatus
from domain.chain import ApprovalState, Branch, Tier
from domain.policy import ApproverMode
from domain.purchase_order import PoView
from domain.requisition import LineItem, Requisition, RiskFlag

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REQUESTER = "alex"
COST_CENTER = "IT-INFRA"
AMOUNT = 3_000_000


def cost_center_owner_tier(
    *, comment_required: bool = False, pool: tuple[str, ...] = ("paul",)
) -> Tier:
    return Tier(
        "cost-center owner",
        [
            Branch(
                "cost-center owner",
                ["priya"],
                fallback=["tom"],
                escalation_pool=list(pool),
                comment_required=comment_required,
            )
        ],
    )


def leadership_tier(eligible: tuple[str, ...] = ("tom",), fallback: tuple[str, ...] = ()) -> Tier:
    return Tier(
        "IT leadership",
        [
            Branch(
                "IT leadership", list(eligible), fallback=list(fallback), escalation_pool=["paul"]
            )
        ],
    )


def risk_tier(
    security: tuple[str, ...] = ("lee",),
    legal: tuple[str, ...] = ("nora",),
    legal_mode: ApproverMode = ApproverMode.ANY_OF,
) -> Tier:
    return Tier(
        "risk review",
        [
            Branch("security", list(security)),
            Branch("legal", list(legal), mode=legal_mode),
        ],
    )


def chain(*tiers: Tier, allow_same_approver: bool = False) -> ApprovalState:
    """A PO by alex on IT-INFRA for 30,000.00, waiting on its first tier."""
    return ApprovalState(
        requester=REQUESTER,
        cost_center=COST_CENTER,
        amount_base_minor=AMOUNT,
        tiers=list(tiers) or [cost_center_owner_tier(), leadership_tier(), risk_tier()],
        waiting=True,
        allow_same_approver_across_tiers=allow_same_approver,
    )


LINES = (
    LineItem("Object storage, 1 TB-month", 12, 250_000, date(2026, 4, 1), date(2027, 3, 31)),
    LineItem("Support", 1, 100_000, date(2026, 4, 1), date(2027, 3, 31)),
)
REQUISITION = Requisition(
    requester="alex",
    title="Backup storage",
    cost_center="IT-INFRA",
    vendor="Northwind Cloud",
    service_type="cloud_infrastructure",  # type: ignore[arg-type]
    currency="USD",
    lines=LINES,
    risk_flags=(RiskFlag.HANDLES_PII, RiskFlag.THIRD_PARTY_ACCESS),
    business_case_ref="BC-2026-7",
    dpia_ref="DPIA-12",
)


def submitted() -> PoView:
    """A PO right after submit: not yet converted, routed or reserved."""
    return PoView("PO-1001", 1, PoStatus.VALIDATING, REQUISITION)


def waiting_on_priya() -> PoView:
    """The PO routed to priya (cost-center owner), then tom (IT leadership), 2,880,000 EUR."""
    tiers = [cost_center_owner_tier(comment_required=True), leadership_tier()]
    view = replace(submitted(), status=PoStatus.PENDING_APPROVAL, tiers=tiers)
    view.amount_base_minor, view.policy_name, view.policy_version = 2_880_000, "standard", 3
    open_tier(tiers[0], NOW)
    return view
