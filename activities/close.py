"""The month-end close's steps that touch Postgres and the ERP (docs/month-end-close.md).

Every step may run again (a retry, a replayed local activity) and changes nothing twice: the
run is opened once per period, a journal is stored once per period and kind, ledger entries are
keyed, and the ERP keeps a journal under its id."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.erp_journals import JournalsNotSupported
from adapters.ports import ErpJournalPort
from domain.catalog import Role
from domain.chain import Branch, Tier
from domain.close.accruals import Journal, JournalKind, accrual_journal, journal_id, reversal_of
from domain.close.messages import (
    CloseDraft,
    CloseOpening,
    CloseStart,
    CloseStatus,
    CloseStep,
    ExportOutcome,
    JournalPosting,
    Reconciliation,
)
from domain.close.reconciliation import gl_differences
from domain.temporal_names import Activity
from models.close import ledger, runs, usage
from models.close.records import close_runs
from models.db import unit_of_work
from models.people.records import User, UserRole


class CloseActivities:
    """The close's activities over Postgres and the ERP's general ledger (``journals``)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        journals: ErpJournalPort,
        base_currency: str,
        fiscal_year_start_month: int,
    ) -> None:
        self._sessions = sessions
        self._journals = journals
        self._currency = base_currency
        self._start_month = fiscal_year_start_month

    @activity.defn(name=Activity.OPEN_CLOSE)
    def open_close(self, start: CloseStart) -> CloseOpening:
        """Open the period's run (unless open already) and say where it stands; its approvers
        are every active finance user but the one who started it, escalating to the admins."""
        with unit_of_work(self._sessions) as session:
            runs.open_run(session, start)
            status = session.scalar(
                select(close_runs.c.status).where(close_runs.c.period == start.period)
            )
            finance = _users_with(session, Role.FINANCE, start.started_by)
            admins = _users_with(session, Role.ADMIN, start.started_by)
            branch = Branch("finance", finance, fallback=[a for a in admins if a not in finance])
            return CloseOpening(Tier("close", [branch]), CloseStatus(str(status)))

    @activity.defn(name=Activity.RECORD_CLOSE_STEP)
    def record_close_step(self, step: CloseStep) -> None:
        with unit_of_work(self._sessions) as session:
            runs.record_step(session, step, datetime.now(UTC))

    @activity.defn(name=Activity.DRAFT_ACCRUALS)
    def draft_accruals(self, start: CloseStart) -> CloseDraft:
        """The period's accrual journal of usage not yet invoiced, stored once: a second draft
        returns the stored journal, computed from the data as it was then."""
        with unit_of_work(self._sessions) as session:
            stored = runs.stored_journal(session, start.period, JournalKind.ACCRUAL)
            if stored is not None:
                return CloseDraft(stored, stored=False)
            found = usage.uninvoiced_usage(session, start.period, self._currency)
            journal = accrual_journal(start.period, found, start.liabilities_gl)
            runs.store_journal(session, journal)
            return CloseDraft(journal)

    @activity.defn(name=Activity.POST_CLOSE_JOURNAL)
    def post_close_journal(self, posting: JournalPosting) -> int:
        """Post the period's journal of ``kind`` to the budget ledger (a reversal is made from
        the stored accrual and stored first); the number of entries posted now."""
        with unit_of_work(self._sessions) as session:
            journal = self._journal(session, posting)
            gl = session.scalar(
                select(close_runs.c.liabilities_gl).where(close_runs.c.period == posting.period)
            )
            return ledger.post_journal(session, journal, str(gl), self._start_month)

    @activity.defn(name=Activity.EXPORT_CLOSE_JOURNAL)
    def export_close_journal(self, posting: JournalPosting) -> ExportOutcome:
        """Send the journal to the ERP, recording the attempt. An ERP out of reach fails the
        activity (the close retries it); an ERP that takes no journals answers why, once."""
        with unit_of_work(self._sessions) as session:
            journal = self._journal(session, posting)
        if not journal.lines:
            return ExportOutcome(None, refused="the journal has no lines")
        try:
            receipt = self._journals.post_journal(journal)
        except JournalsNotSupported as refused:
            self._record_export(posting, None, str(refused))
            return ExportOutcome(None, refused=str(refused))
        except httpx.HTTPError as error:
            self._record_export(posting, None, f"{type(error).__name__}: {error}"[:500])
            raise
        self._record_export(posting, receipt.erp_reference, "")
        return ExportOutcome(receipt.erp_reference)

    @activity.defn(name=Activity.RECONCILE_CLOSE)
    def reconcile_close(self, period: str) -> Reconciliation:
        """The ledger's actuals of the period per cost center x GL against the ERP's GL export
        (its accrued-liabilities account left out: it has no budget line); the differences
        replace the period's earlier ones."""
        try:
            exported = self._journals.gl_balances(period)
        except JournalsNotSupported as refused:
            return Reconciliation(None, refused=str(refused))
        with unit_of_work(self._sessions) as session:
            gl = session.scalar(
                select(close_runs.c.liabilities_gl).where(close_runs.c.period == period)
            )
            ours = usage.ledger_actuals(session, period, self._currency, self._start_month)
            theirs = [row for row in exported if row.gl_account != gl]
            differences = gl_differences(ours, theirs)
            runs.store_differences(session, period, differences)
        return Reconciliation(len(differences))

    def _journal(self, session: Session, posting: JournalPosting) -> Journal:
        accrual = runs.stored_journal(session, posting.period, JournalKind.ACCRUAL)
        if accrual is None:  # nothing was accrued: an empty journal of either kind
            empty = accrual_journal(posting.period, [])
            return empty if posting.kind == JournalKind.ACCRUAL else reversal_of(empty)
        if posting.kind == JournalKind.ACCRUAL:
            return accrual
        stored = runs.stored_journal(session, posting.period, JournalKind.REVERSAL)
        if stored is None:
            stored = reversal_of(accrual)
            runs.store_journal(session, stored)
        assert stored.journal_id == journal_id(posting.period, posting.kind)
        return stored

    def _record_export(self, posting: JournalPosting, reference: str | None, detail: str) -> None:
        with unit_of_work(self._sessions) as session:
            runs.record_export(session, posting.period, posting.kind, reference, detail)


def _users_with(session: Session, role: Role, but: str) -> list[str]:
    names = session.scalars(
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.active.is_(True))
        .order_by(User.username)
    )
    return [name for name in names if name != but]
