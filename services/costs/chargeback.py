"""Monthly chargeback and showback statements: a run of a month prices what the month's newest
allocation run gave every cost center at the internal rates in force, as the month's next
statement version. In chargeback mode its charges are posted to the ledger (the receiving cost
centers charged, the providers credited), replacing what an earlier version posted; in showback
mode they are only reported (and what an earlier chargeback posted is reversed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.costs.chargeback import CHARGEBACK, MODES
from domain.costs.governance import DocumentKind
from models.audit.trail import append_audit_entry
from models.budgets.alerts import DEFAULT_THRESHOLDS
from models.costs.allocation_runs import latest_run
from models.costs.chargeback_postings import post_statement
from models.costs.chargeback_records import ChargebackStatement
from models.costs.document_store import document_in_force
from models.costs.rates import internal_rates
from models.costs.statements import StatementBasis, write_statement
from models.people.records import User
from services.costs.allocation import allocation_period
from services.costs.refusals import CostRefused


def run_statement(
    session: Session,
    period: str | date,
    mode: str,
    by_user: User,
    *,
    currency: str,
    start_month: int,
    at: datetime | None = None,
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> ChargebackStatement:
    """The month's next statement from its newest allocation run, priced by the documents in
        force at ``at`` (now by default), in ``currency`` (the ledger's base currency; a rate card
        in another currency prices nothing) on the fiscal calendar starting in ``start_month``.
        Refused when the month has no allocation run, or for a chargeback without a rate card
        (which names the GL account charges are booked on). Charges reaching a budget line's
    ``alert_thresholds`` raise its alerts. The caller commits."""
    if mode not in MODES:
        raise CostRefused("invalid_request", f"a statement is one of {', '.join(MODES)}")
    month = allocation_period(period)
    when = at or datetime.now(UTC)
    run = latest_run(session, month)
    if run is None:
        raise CostRefused("no_allocation_run", f"{month:%Y-%m} has not been allocated yet")
    card = document_in_force(session, DocumentKind.RATE_CARD, when)
    if mode == CHARGEBACK and card is None:
        raise CostRefused("no_rate_card", "a chargeback needs a rate card in force")
    basis = StatementBasis(
        run,
        {rate.service: rate for rate in internal_rates(session, month, when)},
        card,
        document_in_force(session, DocumentKind.UNIT_COST_MODEL, when),
    )
    statement, charges = write_statement(session, basis, mode, currency, by_user.id)
    entries = post_statement(session, statement, charges, start_month, alert_thresholds)
    _audit(session, statement, by_user, when, sum(c.amount_minor for c in charges), entries)
    return statement


def _audit(
    session: Session,
    statement: ChargebackStatement,
    by_user: User,
    at: datetime,
    total_minor: int,
    entries: int,
) -> None:
    """Who ran which statement from what, and what it posted, in the audit trail."""
    month = f"{statement.period:%Y-%m}"
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by_user.username,
            action=f"chargeback.{statement.mode}_run",
            entity_type="chargeback_statement",
            entity_id=f"{month} v{statement.version}",
            idempotency_key=f"chargeback:{month}:v{statement.version}",
            after={
                "allocation_run_id": statement.allocation_run_id,
                "unit_cost_model_version": statement.unit_cost_model_version,
                "rate_card_version": statement.rate_card_version,
                "total_minor": total_minor,
                "currency": statement.currency,
                "ledger_entries": entries,
            },
        ),
    )
