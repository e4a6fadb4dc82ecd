"""The dataclasses a PO workflow exchanges with its callers and activities."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.blanket import CallOff
from domain.catalog import Decision, PoStatus
from domain.chain import ApprovalState, DecisionRecord, Tier
from domain.change_orders import OPEN_OUTCOMES, ChangeOrderRecord
from domain.invoicing import InvoiceRecord
from domain.milestone_acceptance import MilestoneDecisionRecord
from domain.money import Money, convert
from domain.policy import Policy
from domain.receipts import ReceiptRecord
from domain.requisition import Requisition
from domain.routing import RoutingFacts
from domain.side_effects import Attention, Undelivered
from domain.validation import FieldRefusal, ValidationOutcome


@dataclass(frozen=True)
class PrepareRequest:
    po_number: str
    requisition: Requisition
    today: date


@dataclass(frozen=True)
class Preparation:
    """Validation, the policy pinned for this PO, the routing facts and the converted amount."""

    outcome: ValidationOutcome
    amount_base_minor: int = 0
    base_currency: str = "EUR"
    rate: str = "1"
    rate_date: date | None = None
    gl_account: str | None = None
    policy_id: int | None = None
    policy: Policy | None = None
    facts: RoutingFacts | None = None
    contract_end: date | None = None
    contract_notice_days: int = 0
    contract_auto_renew: bool = False
    vendor_email: str | None = None
    tax_code: str | None = None

    def to_base(self, amount: Money) -> int:
        """An amount of the PO's currency in base-currency minor units, at the PO's own rate
        (change orders and invoices are converted as the PO was)."""
        return convert(amount, Decimal(self.rate), self.base_currency).minor


@dataclass(frozen=True)
class BudgetMovement:
    """A ledger movement for one PO step; ``idempotency_key`` makes a retry write nothing twice."""

    po_number: str
    revision: int
    cost_center: str
    gl_account: str
    service_start: date
    amount_base_minor: int
    base_currency: str
    idempotency_key: str
    allow_over_budget: bool = False
    service_end: date | None = None  # None: a one-day service period
    rate: str = "1"
    rate_date: date | None = None
    change_minor: int = 0  # a change order's increase (or decrease, negative)
    as_of: date | None = None  # a change order reshapes the open commitment from this day on

    def last_day(self) -> date:
        return self.service_end or self.service_start


@dataclass(frozen=True)
class InvoicePosting:
    """An invoice against a PO: relieves its commitment and books the actual cost."""

    po_number: str
    revision: int
    cost_center: str
    gl_account: str
    invoice_number: str
    invoice_date: date
    amount_minor: int  # in the invoice's (the PO's) currency
    currency: str
    amount_base_minor: int
    base_currency: str
    rate: str
    rate_date: date | None
    posted_by: str

    @property
    def idempotency_key(self) -> str:
        return f"{self.po_number}:invoice:{self.invoice_number}"


@dataclass(frozen=True)
class InvoiceResult:
    relieved_minor: int  # commitment relieved, base currency
    actual_minor: int  # actual cost booked, base currency


@dataclass(frozen=True)
class ReservationResult:
    reserved: bool
    available_before_minor: int
    over_budget: bool
    reason: str = ""


@dataclass
class PoView:
    """A PO's full state as the workflow knows it: returned by the query, projected to Postgres."""

    po_number: str
    revision: int
    status: PoStatus
    requisition: Requisition
    amount_base_minor: int = 0
    base_currency: str = "EUR"
    rate_date: date | None = None
    policy_name: str | None = None
    policy_version: int | None = None
    policy_id: int | None = None
    tiers: list[Tier] = field(default_factory=list)
    tier_index: int = 0
    decisions: list[DecisionRecord] = field(default_factory=list)
    refusals: list[FieldRefusal] = field(default_factory=list)
    flags: list[FieldRefusal] = field(default_factory=list)
    information_request: str | None = None
    over_budget: bool = False
    erp_reference: str | None = None
    emergency_post_facto_due: datetime | None = None
    cancel_reason: str | None = None
    renewal: str | None = None
    approval_round_from: int = 0
    change_orders: list[ChangeOrderRecord] = field(default_factory=list)
    invoices: list[InvoiceRecord] = field(default_factory=list)
    call_offs: list[CallOff] = field(default_factory=list)
    receipts: list[ReceiptRecord] = field(default_factory=list)  # goods, services, milestones
    # each side's acceptance or rejection of a delivered milestone
    milestone_decisions: list[MilestoneDecisionRecord] = field(default_factory=list)
    held_for_change_ticket: str | None = None  # approved, waiting for this change ticket's approval
    erp_status: str | None = None  # the ERP's latest word on the order: acknowledged, ...
    erp_events: list[str] = field(default_factory=list)  # the ERP event ids taken in
    ticket_updates: int = 0  # write-backs to the ITSM ticket so far (each one's key)
    undelivered: list[Undelivered] = field(default_factory=list)  # messages that did not go out
    attention: Attention | None = None  # the step that failed for good, while it waits
    anomaly_score: int | None = None  # how far it lies from its history (domain.outliers)
    anomaly_reason: str | None = None  # why, in one sentence; also why it was not scored

    def invoiced_minor(self) -> int:
        return sum(invoice.amount_minor for invoice in self.invoices)

    def change_pending(self) -> bool:
        return any(c.outcome in OPEN_OUTCOMES for c in self.change_orders)

    def waiting_on(self) -> list[str]:
        if self.status not in (PoStatus.PENDING_APPROVAL, PoStatus.ISSUED) or not self.tiers:
            return []
        if self.tier_index >= len(self.tiers):
            return []
        tier = self.tiers[self.tier_index]
        if any(d.action is Decision.REJECT and d.tier == tier.name for d in self.decisions):
            return []  # an issued PO whose change order (or after-the-fact round) was rejected
        return list(dict.fromkeys(p for b in tier.branches for p in b.waiting_on()))

    def approval_state(self) -> ApprovalState:
        """The decision rules' view of this PO (for pages that show what a person may do)."""
        requisition = self.requisition
        return ApprovalState(
            requester=requisition.requester,
            cost_center=requisition.cost_center,
            amount_base_minor=self.amount_base_minor,
            tiers=self.tiers,
            tier_index=self.tier_index,
            waiting=bool(self.waiting_on()),
            decisions=self.decisions,
            round_starts_at=self.approval_round_from,
        )

    def current_tier(self) -> str | None:
        if self.waiting_on():
            return self.tiers[self.tier_index].name
        return None

    def next_deadline(self) -> datetime | None:
        if not self.waiting_on():
            return None
        deadlines = [b.deadline_at for b in self.tiers[self.tier_index].branches]
        return min((d for d in deadlines if d is not None), default=None)


@dataclass(frozen=True)
class StateAfter:
    """What the audit entry of an event says the PO became, taken when the event is recorded
    (events projected together share one view, the newest)."""

    status: PoStatus
    tier: str | None
    waiting_on: list[str]
    amount_base_minor: int

    @staticmethod
    def of(view: PoView) -> "StateAfter":
        return StateAfter(
            view.status, view.current_tier(), view.waiting_on(), view.amount_base_minor
        )


@dataclass(frozen=True)
class PoEvent:
    """One state change, projected to the read model and the audit trail exactly once."""

    sequence: int
    workflow_id: str
    run_id: str
    occurred_at: datetime
    action: str
    actor: str
    view: PoView
    before_status: PoStatus | None = None
    on_behalf_of: str | None = None
    comment: str = ""
    decision: DecisionRecord | None = None
    state_after: StateAfter | None = None  # unset in events recorded before it existed
    receipt: ReceiptRecord | None = None  # the receipt this event records, for po_receipts
    milestone_decision: MilestoneDecisionRecord | None = None  # for po_milestone_decisions

    def after(self) -> StateAfter:
        return self.state_after or StateAfter.of(self.view)


@dataclass(frozen=True)
class CarriedState:
    """What an issued PO carries into a new run when it continues as new."""

    view: PoView
    sequence: int
    preparation: Preparation


@dataclass(frozen=True)
class PurchaseOrderStart:
    po_number: str
    requisition: Requisition
    revision: int = 1
    carried: CarriedState | None = None


@dataclass(frozen=True)
class InformationAnswer:
    actor: str
    answer: str


@dataclass(frozen=True)
class CancelRequest:
    actor: str
    reason: str
    actor_is_procurement: bool = False
