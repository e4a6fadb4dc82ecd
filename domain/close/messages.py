"""What the month-end close workflow, its activities and its callers exchange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.chain import Tier
from domain.close.accruals import ACCRUED_LIABILITIES_GL, Journal

CLOSE_TASK = "close_approval"


class CloseStatus(StrEnum):
    WAITING_FOR_PERIOD_END = "waiting_for_period_end"
    DRAFTED = "drafted"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    EXPORT_PENDING = "export_pending"
    EXPORTED = "exported"
    REVERSED = "reversed"
    REJECTED = "rejected"


@dataclass(frozen=True)
class CloseStart:
    """Close ``period`` (YYYY-MM), started by ``started_by``; the close computes its accruals
    ``grace_days`` after the period ended."""

    period: str
    started_by: str = "poflow"
    grace_days: int = 5
    liabilities_gl: str = ACCRUED_LIABILITIES_GL


@dataclass(frozen=True)
class CloseOpening:
    """The period's run as opened: who may approve its journal, and its status (a run that
    closed the period before says ``reversed``, and the new one does nothing)."""

    approval: Tier
    status: CloseStatus


@dataclass(frozen=True)
class CloseDraft:
    """The accrual journal as computed and stored; ``stored`` is False when the period's
    journal was stored before (the stored one is returned)."""

    journal: Journal
    stored: bool = True


@dataclass(frozen=True)
class CloseStep:
    """A step of the close to record on its run: its status, and who or what caused it."""

    period: str
    status: str
    actor: str = "poflow"
    detail: str = ""


@dataclass(frozen=True)
class JournalPosting:
    """Post a journal of the period (to the ledger, or to the ERP)."""

    period: str
    kind: str


@dataclass(frozen=True)
class ExportOutcome:
    """What the ERP answered a journal: its reference, or why it holds none."""

    erp_reference: str | None
    refused: str | None = None


@dataclass(frozen=True)
class CloseDecision:
    """Finance's decision on the period's accrual journal."""

    actor: str
    approve: bool
    comment: str = ""


@dataclass
class CloseView:
    """Where a close stands, as its ``view`` query answers."""

    period: str
    started_by: str
    status: CloseStatus = CloseStatus.WAITING_FOR_PERIOD_END
    approval: Tier | None = None
    approved_by: str | None = None
    decided_at: datetime | None = None
    export_error: str | None = None
    differences: int | None = None
    accrued_minor: int = 0

    def waiting_on(self) -> list[str]:
        """Who may approve the accrual journal now (nobody once it is decided)."""
        if self.status is not CloseStatus.AWAITING_APPROVAL or self.approval is None:
            return []
        return [p for b in self.approval.branches for p in b.waiting_on()]


@dataclass(frozen=True)
class Reconciliation:
    """The GL reconciliation's count of differences, or why the ERP gave no GL export."""

    differences: int | None
    refused: str | None = None
