"""The decision card: what an approver decides from, built once for every place they decide
(the PO page, the signed-link page, the approval e-mail and the chat message). Pure: the PO's
view, its budget figure, the person's standing and ``now`` come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.catalog import Decision, PoStatus
from domain.chain import Branch, Tier
from domain.entitlement import forward_candidates
from domain.money import Money
from domain.purchase_order import PoView
from domain.requisition import Requisition, RiskFlag
from domain.standing import Standing

# How long an approver may extend a tier's deadline by, offered as choices; the workflow
# accepts at most the tier's own length, so longer choices are left out.
EXTEND_CHOICES_MINUTES = (24 * 60, 2 * 24 * 60, 3 * 24 * 60, 5 * 24 * 60)


@dataclass(frozen=True)
class BudgetFigure:
    """The PO's budget line and what it has left after this PO: in its tightest period, or,
    negative, the shortfall summed over the periods it is short in."""

    cost_center: str
    gl_account: str
    left_after: Money


@dataclass(frozen=True)
class TierStep:
    """A tier of the chain and the people it waits (or will wait) on."""

    number: int
    name: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class DecisionCard:
    """The facts of one PO for one person. ``amount_base`` is None while the PO is being
    converted and routed; ``tier`` is None when it waits on no decision; ``actions`` are the
    decisions this person may take now, in the order they are offered."""

    po_number: str
    status: PoStatus
    title: str
    vendor: str
    what: str
    amount: Money
    amount_base: Money | None
    requester: str
    budget: BudgetFigure | None
    over_budget: bool
    justification: str
    risk_flags: tuple[str, ...]
    risk_papers: tuple[str, ...]
    tier: TierStep | None
    tier_count: int
    then: tuple[TierStep, ...]
    due: str
    overdue: bool
    actions: tuple[Decision, ...] = ()
    forward_to: tuple[str, ...] = ()
    comment_required: bool = False
    extend_choices: tuple[int, ...] = ()

    @property
    def preparing(self) -> bool:
        return self.status is PoStatus.VALIDATING

    @property
    def over_by(self) -> Money | None:
        """How far over budget the PO takes its line, when it does."""
        if self.budget is None or self.budget.left_after.minor >= 0:
            return None
        left = self.budget.left_after
        return Money(-left.minor, left.currency)

    def extend_options(self) -> list[tuple[int, str]]:
        """The extensions offered, in minutes, each with its length in words ("2 days")."""
        return [(minutes, _length(minutes)) for minutes in self.extend_choices]

    # The card's sentences, worded once for the page, the e-mail and the chat message.

    def amount_text(self) -> str:
        if self.amount_base is None:
            return f"{self.amount} (base-currency amount being converted…)"
        if self.amount_base.currency != self.amount.currency:
            return f"{self.amount} = {self.amount_base}"
        return str(self.amount)

    def budget_text(self) -> str:
        line = f"{self.budget.cost_center} · GL {self.budget.gl_account}" if self.budget else ""
        if self.over_by is not None:
            return f"Over budget by {self.over_by} on {line}"
        if self.over_budget:
            return "Over budget"
        if self.budget is not None:
            return f"Within budget: {self.budget.left_after} left on {line} after this PO"
        return "Budget being checked…" if self.preparing else "No budget held"

    def risk_text(self) -> str:
        if not self.risk_flags:
            return "none flagged"
        papers = f" ({'; '.join(self.risk_papers)})" if self.risk_papers else ""
        return f"{', '.join(self.risk_flags)}{papers}"

    def tier_text(self) -> str:
        """Where the approval stands: the tier now, its people (or "you" when this person
        decides), the tiers after it, and the deadline."""
        if self.tier is None:
            return "Approval chain being prepared…" if self.preparing else "Waits on no decision"
        who = "you" if self.actions else ", ".join(self.tier.people)
        text = f"Tier {self.tier.number} of {self.tier_count}: {self.tier.name} ({who})"
        later = [f"{step.name} ({', '.join(step.people)})" for step in self.then]
        if later:
            text += ", then " + ", ".join(later)
        return text + (f" · {self.due}" if self.due else "")


def decision_card(
    view: PoView,
    budget: BudgetFigure | None,
    now: datetime,
    standing: Standing | None = None,
    person: str = "",
) -> DecisionCard:
    """The card of ``view`` as ``person`` (with ``standing``) sees it at ``now``; without a
    standing it offers no actions (a message to several people, or a page for one who may
    not decide)."""
    requisition = view.requisition
    tier = _open_tier(view)
    deadline = view.next_deadline()
    found = _branch_of(tier, standing, person) if tier and standing else None
    branch = found[0] if found else None
    forward_to = _forward_to(view, tier, found) if tier and found else ()
    return DecisionCard(
        po_number=view.po_number,
        status=view.status,
        title=requisition.title,
        vendor=requisition.vendor,
        what=_what(requisition),
        amount=requisition.amount(),
        amount_base=None if view.policy_version is None else _base(view),
        requester=requisition.requester,
        budget=budget,
        over_budget=view.over_budget or (budget is not None and budget.left_after.minor < 0),
        justification=_justification(requisition),
        risk_flags=tuple(flag.value.replace("_", " ") for flag in requisition.risk_flags),
        risk_papers=_risk_papers(requisition),
        tier=_step(view, view.tier_index) if tier else None,
        tier_count=len(view.tiers),
        then=tuple(_step(view, i) for i in range(view.tier_index + 1, len(view.tiers))),
        due=relative_deadline(deadline, now) if deadline else "",
        overdue=deadline is not None and deadline < now,
        actions=_actions(branch, forward_to) if branch else (),
        forward_to=forward_to,
        comment_required=bool(branch and branch.comment_required),
        extend_choices=_extend_choices(branch) if branch else (),
    )


def relative_deadline(deadline: datetime, now: datetime) -> str:
    """ "due in 2 days", "due in 5 hours", "overdue by 3 hours": whole units, rounded down."""
    left = deadline - now
    span = _span(abs(left))
    return f"due in {span}" if left >= timedelta(0) else f"overdue by {span}"


def _span(length: timedelta) -> str:
    hours = int(length.total_seconds() // 3600)
    if hours >= 48:
        return _count(hours // 24, "day")
    if hours >= 2:
        return _count(hours, "hour")
    return _count(int(length.total_seconds() // 60), "minute")


def _length(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return _count(minutes // (24 * 60), "day")
    return _count(minutes // 60, "hour") if minutes % 60 == 0 else _count(minutes, "minute")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _open_tier(view: PoView) -> Tier | None:
    return view.tiers[view.tier_index] if view.waiting_on() else None


def _branch_of(tier: Tier, standing: Standing, person: str) -> tuple[Branch, str] | None:
    """The branch this person decides and for whom: themselves, or the first delegator they
    may act for."""
    if not standing.may_decide:
        return None
    principals = ([person] if standing.for_myself else []) + list(standing.on_behalf_of)
    for principal in principals:
        for branch in tier.branches:
            if principal in branch.waiting_on():
                return branch, principal
    return None


def _forward_to(view: PoView, tier: Tier, found: tuple[Branch, str]) -> tuple[str, ...]:
    """Whom the branch may be forwarded to, by the rule the workflow's validator applies."""
    branch, principal = found
    return tuple(forward_candidates(view.approval_state(), tier, branch, principal))


def _actions(branch: Branch, forward_to: tuple[str, ...]) -> tuple[Decision, ...]:
    actions = [Decision.APPROVE, Decision.REJECT, Decision.REQUEST_INFORMATION]
    if forward_to:
        actions.append(Decision.FORWARD)
    if not branch.extended:
        actions.append(Decision.EXTEND_DEADLINE)
    return tuple(actions)


def _extend_choices(branch: Branch) -> tuple[int, ...]:
    """The offered extensions the workflow accepts; the tier's own length when none fits."""
    if branch.extended:
        return ()
    fitting = tuple(m for m in EXTEND_CHOICES_MINUTES if m <= branch.deadline_minutes)
    return fitting or (branch.deadline_minutes,)


def _step(view: PoView, index: int) -> TierStep:
    tier = view.tiers[index]
    people = [p for b in tier.branches for p in (b.waiting_on() or b.eligible)]
    return TierStep(index + 1, tier.name, tuple(dict.fromkeys(people)))


def _base(view: PoView) -> Money:
    return Money(view.amount_base_minor, view.base_currency)


def _what(requisition: Requisition) -> str:
    first = requisition.lines[0]
    shown = f"{first.quantity} x {first.description}"
    more = len(requisition.lines) - 1
    return shown + (f" and {_count(more, 'more line')}" if more else "")


def _justification(requisition: Requisition) -> str:
    if requisition.emergency and requisition.emergency_justification:
        return f"Emergency: {requisition.emergency_justification}"
    if requisition.business_case_ref:
        return f"Business case {requisition.business_case_ref}"
    return "No business case given"


def _risk_papers(requisition: Requisition) -> tuple[str, ...]:
    """The papers each risk flag calls for, with their references or "missing"."""
    papers = []
    flags = set(requisition.risk_flags)
    if RiskFlag.HANDLES_PII in flags:
        papers.append(f"DPIA {requisition.dpia_ref or 'missing'}")
    if RiskFlag.THIRD_PARTY_ACCESS in flags:
        given = "given" if requisition.least_privilege_statement else "missing"
        papers.append(f"least-privilege statement {given}")
    return tuple(papers)
