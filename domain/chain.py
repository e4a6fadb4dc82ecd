"""A routed PO's approval chain and how far it has come: tiers in order, branches in parallel.

The workflow holds one ``ApprovalState``; the entitlement and SoD rules read it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from domain.catalog import Decision
from domain.policy import ApproverMode


@dataclass
class Branch:
    """One line of approval inside a tier, with the people resolved at routing time."""

    name: str
    eligible: list[str]
    mode: ApproverMode = ApproverMode.ANY_OF
    deadline_minutes: int = 48 * 60
    reminder_minutes: int = 24 * 60
    fallback: list[str] = field(default_factory=list)
    escalation_pool: list[str] = field(default_factory=list)
    comment_required: bool = False
    approvals: list[str] = field(default_factory=list)
    escalation_level: int = 0
    deadline_at: datetime | None = None
    extended: bool = False

    @property
    def approved(self) -> bool:
        """Any-of: one approval. All-of: every eligible person, or, once escalated, one of the
        people it escalated to (they decide for those who let the deadline pass)."""
        if not self.approvals:
            return False
        if self.mode is ApproverMode.ANY_OF:
            return True
        escalated_to = set(self.entitled()) - set(self.eligible)
        return set(self.eligible) <= set(self.approvals) or bool(escalated_to & set(self.approvals))

    def entitled(self) -> list[str]:
        """Who may decide now: the eligible, plus fallback and procurement after escalation."""
        people = list(self.eligible)
        if self.escalation_level >= 1:
            people += self.fallback
        if self.escalation_level >= 2:
            people += self.escalation_pool
        return list(dict.fromkeys(people))

    def waiting_on(self) -> list[str]:
        if self.approved:
            return []
        return [person for person in self.entitled() if person not in self.approvals]


@dataclass
class Tier:
    """A tier of the policy: complete when all its branches are approved."""

    name: str
    branches: list[Branch]

    @property
    def approved(self) -> bool:
        return all(branch.approved for branch in self.branches)


@dataclass
class DecisionRecord:
    tier: str
    branch: str
    actor: str
    action: Decision
    at: datetime
    comment: str = ""
    on_behalf_of: str | None = None
    forward_to: str | None = None


def approved_by(decisions: list[DecisionRecord]) -> set[str]:
    """Everyone who approved the PO in any tier or round, or was acted for in an approval:
    segregation of duties keeps them from its invoices and receipts."""
    return {
        person
        for d in decisions
        if d.action is Decision.APPROVE
        for person in (d.actor, d.on_behalf_of)
        if person
    }


@dataclass
class ApprovalState:
    """Everything the decision rules need to know about a PO's approval."""

    requester: str
    cost_center: str
    amount_base_minor: int
    tiers: list[Tier]
    tier_index: int = 0
    waiting: bool = False
    allow_same_approver_across_tiers: bool = False
    decisions: list[DecisionRecord] = field(default_factory=list)
    # Segregation of duties holds within one approval round: the PO's first chain, or the
    # tiers a change order added from this index on.
    round_starts_at: int = 0

    def tiers_of_round(self) -> set[str]:
        return {tier.name for tier in self.tiers[self.round_starts_at :]}

    def tier_now(self) -> Tier | None:
        if self.waiting and 0 <= self.tier_index < len(self.tiers):
            return self.tiers[self.tier_index]
        return None
