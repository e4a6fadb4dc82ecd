"""Reconciling the invoices of the loads a cost-load run swapped in (docs/costs.md,
"Reconciliation")."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.costs.settlement import ReconciliationSummary
from domain.temporal_names import Activity
from models.costs.reconciliation import reconcile
from models.db import unit_of_work


class CostReconcileActivities:
    """A retried or repeated run stores the same rows again: a slice's reconciliation is
    replaced whole, in one transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.RECONCILE_COST_LOADS)
    def reconcile_cost_loads(self, load_ids: list[int]) -> ReconciliationSummary:
        """Per invoice id of the loads: lines against the invoice total, classified; the
        counts per classification and the differences per currency."""
        with unit_of_work(self._sessions) as session:
            return reconcile(session, load_ids)
