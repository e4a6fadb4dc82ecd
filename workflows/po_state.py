"""The PO as its workflow holds it: the view every caller sees, what callers asked for, and the
phase it is in. A phase is a type, so a step that needs the policy or the approval takes the phase
that has them: ``Prepared`` once validation accepted the requisition, ``Routed`` once it has an
approval chain. A PO that continued as new after issue is ``Prepared`` until a change order sends
it through approval again."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.catalog import Decision
    from domain.chain import ApprovalState
    from domain.change_orders import ChangeOrderRequest
    from domain.policy import Policy
    from domain.purchase_order import BudgetMovement, CancelRequest, PoView, Preparation
    from domain.routing import RoutingFacts


class Verdict(Enum):
    """How a tier, or a chain of tiers, ended."""

    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@dataclass
class Prepared:
    """A requisition validation accepted: its policy, routing facts and GL account."""

    preparation: Preparation
    policy: Policy
    facts: RoutingFacts
    gl_account: str

    @staticmethod
    def of(preparation: Preparation) -> Prepared | None:
        """None when validation refused the requisition (it has no policy or facts then)."""
        prep = preparation
        if prep.policy is None or prep.facts is None or prep.gl_account is None:
            return None
        return Prepared(prep, prep.policy, prep.facts, prep.gl_account)

    def movement(self, view: PoView, step: str, allow_over: bool = False) -> BudgetMovement:
        """The PO's budget step ``step``, keyed by PO number, revision and step."""
        prep, requisition = self.preparation, view.requisition
        return BudgetMovement(
            po_number=view.po_number,
            revision=view.revision,
            cost_center=requisition.cost_center,
            gl_account=self.gl_account,
            service_start=requisition.service_start,
            amount_base_minor=prep.amount_base_minor,
            base_currency=prep.base_currency,
            idempotency_key=f"{view.po_number}:{view.revision}:{step}",
            allow_over_budget=allow_over,
            service_end=requisition.service_end,
            rate=prep.rate,
            rate_date=prep.rate_date,
        )


@dataclass
class Routed:
    """A PO with an approval chain: the first one, or a change order's round."""

    prepared: Prepared
    approval: ApprovalState

    def rejected(self) -> bool:
        """Whether the current approval round (the first chain, or a change order's) was
        rejected."""
        in_round = self.approval.tiers_of_round()
        return any(
            d.action is Decision.REJECT and d.tier in in_round for d in self.approval.decisions
        )


class StepSteward:
    """What the PO knows of its held step (``workflows.attention``): how many retries operators
    asked for, and whether a failure happens while the hold itself is recorded (or while the PO
    is being abandoned)."""

    def __init__(self) -> None:
        self.retries_asked = 0
        self.retried_by = ""  # who asked last
        self.quiet = False  # failures now are logged, not held


class PoState:
    """One object for everything the PO's run and its handlers share."""

    def __init__(self, view: PoView, sequence: int, phase: Prepared | Routed | None) -> None:
        self.view = view
        self.sequence = sequence  # changes recorded so far (each one audit entry)
        self.phase = phase
        self.cancel_request: CancelRequest | None = None
        self.change_order_request: ChangeOrderRequest | None = None  # received, not yet recorded
        self.settled = False  # the final state is recorded; nothing more will happen
        self.steward = StepSteward()
        self._changes = 0

    @property
    def prepared(self) -> Prepared | None:
        phase = self.phase
        return phase.prepared if isinstance(phase, Routed) else phase

    @property
    def routed(self) -> Routed | None:
        return self.phase if isinstance(self.phase, Routed) else None

    def changed(self) -> None:
        """A caller changed the PO (a decision, a cancel, an invoice...): the run, waiting in
        ``wait_for_change``, looks again."""
        self._changes += 1

    async def wait_for_change(self, longest: timedelta | None) -> bool:
        """Wait until ``changed`` is called or ``longest`` passes (None: no limit); whether
        it was a change."""
        seen = self._changes
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._changes != seen, timeout=longest)
            return True
        return False
