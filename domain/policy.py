"""An approval policy: data, versioned, never code (docs/policies.md).

These are the parsed forms; ``domain.policy_document`` turns a stored JSON document into them.
"""

from dataclasses import dataclass
from enum import StrEnum

from domain.catalog import Role, ServiceType
from domain.costs.anomaly_escalation import DEFAULT_ESCALATION, EscalationRule
from domain.matching.tolerances import DEFAULT_MATCHING, MatchingPolicy
from domain.requisition import RiskFlag
from domain.terms.required_clauses import ClauseRequirement
from domain.variances import DEFAULT_VARIANCE_RULE, VarianceRule


class ApproverMode(StrEnum):
    ANY_OF = "any_of"
    ALL_OF = "all_of"


class PriceAboveMsa(StrEnum):
    """What a price above the MSA catalog price does to a requisition."""

    FLAG = "flag"
    REFUSE = "refuse"


class OverBudget(StrEnum):
    """What a requisition short of budget does: go on (a tier conditioned on it applies) or stop."""

    ROUTE = "route"
    REFUSE = "refuse"


@dataclass(frozen=True)
class ApproverSpec:
    """Who may decide: named users, holders of a role, the cost-center owner, the requester's
    managers (1 = direct manager, 2 = also the manager's manager, …). Several sources add up."""

    users: tuple[str, ...] = ()
    role: Role | None = None
    cost_center_owner: bool = False
    manager_levels: int = 0
    mode: ApproverMode = ApproverMode.ANY_OF


@dataclass(frozen=True)
class Condition:
    """Holds when every field that is set holds; unset fields do not matter."""

    amount_base_minor_at_least: int | None = None
    amount_base_minor_below: int | None = None
    service_types: tuple[ServiceType, ...] = ()
    any_risk_flag: tuple[RiskFlag, ...] = ()
    over_budget: bool | None = None
    new_vendor: bool | None = None
    emergency: bool | None = None
    vendors: tuple[str, ...] = ()  # normalised names (``domain.vendor_names``)
    monthly_run_rate_base_minor_at_least: int | None = None
    anomaly_score_at_least: int | None = None  # ``domain.outliers``; an unscored PO never holds


@dataclass(frozen=True)
class BranchSpec:
    name: str
    approvers: ApproverSpec
    deadline_minutes: int = 48 * 60
    reminder_minutes: int = 24 * 60
    fallback: ApproverSpec | None = None
    comment_required: bool = False


@dataclass(frozen=True)
class TierSpec:
    """A tier applies when any of ``when`` holds (always, when empty); its branches run at once."""

    name: str
    branches: tuple[BranchSpec, ...]
    when: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class EmergencySpec:
    approvers: ApproverSpec
    after_the_fact_days: int = 5


@dataclass(frozen=True)
class LowRiskRule:
    """Which POs an approver may approve several at a time from the inbox: below an amount in
    base currency, within budget, with no risk flag, no policy flag (such as a price above the
    MSA) and not an emergency; of one of ``service_types`` when any are named."""

    amount_base_minor_below: int
    service_types: tuple[ServiceType, ...] = ()


# A change to a governed cost document waits on finance unless the policy says otherwise.
FINANCE_REVIEW = (
    TierSpec(
        "finance",
        (
            BranchSpec(
                "finance", ApproverSpec(role=Role.FINANCE), fallback=ApproverSpec(role=Role.FINOPS)
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Policy:
    name: str
    version: int
    base_currency: str
    tiers: tuple[TierSpec, ...]
    emergency: EmergencySpec | None = None
    price_above_msa: PriceAboveMsa = PriceAboveMsa.FLAG
    over_budget: OverBudget = OverBudget.ROUTE
    allow_same_approver_across_tiers: bool = False
    renewal_notice_days: tuple[int, ...] = (90, 30)
    # A change order's increase above this amount (base minor units) or percent of the PO's
    # amount goes through approval again; with neither set, every increase does.
    change_order_reapproval_above_minor: int = 0
    change_order_reapproval_above_percent: int | None = None
    # A PO any of these conditions holds for names a change ticket, and is issued only once
    # the change is approved in the ITSM tool.
    approved_change_required_when: tuple[Condition, ...] = ()
    # The POs approvers may approve together from the inbox; none when unset.
    low_risk: LowRiskRule | None = None
    # Who approves a change to a governed cost document (tag policy, allocation model, unit-cost
    # model, rate card), tier by tier; its author never does.
    cost_document_tiers: tuple[TierSpec, ...] = FINANCE_REVIEW
    # When a budget line's variance in a period opens an investigation (docs/variances.md).
    variance_investigation: VarianceRule = DEFAULT_VARIANCE_RULE
    # How a spend anomaly's owner is reminded and when it escalates (docs/anomalies.md).
    spend_anomaly_escalation: EscalationRule = DEFAULT_ESCALATION
    # How invoices are matched to the PO: 2-way or 3-way, and the tolerances
    # (docs/invoice-matching.md).
    invoice_matching: MatchingPolicy = DEFAULT_MATCHING
    # The data-protection clauses a PO carries by its risk flags; none when unset
    # (docs/policies.md#required-clauses).
    required_clauses: tuple[ClauseRequirement, ...] = ()
