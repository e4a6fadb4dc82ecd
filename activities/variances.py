"""What a variance investigation reads and writes in Postgres: the lines of a period breaching
the approval policy's thresholds, who answers for a line, and the investigation's row in the
variance report."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.catalog import Role
from domain.temporal_names import Activity
from domain.variance_investigation import (
    VarianceDetectRequest,
    VarianceParties,
    VarianceRecord,
    VarianceStart,
)
from models.budgets.variance_figures import breaching_starts
from models.budgets.variance_investigations import project_variance
from models.db import unit_of_work
from models.purchase_orders.reference import cost_center_owner, manager_chain, role_members


class VarianceActivities:
    """Reads are asked again on a retry and get what is true then; the projection is keyed by
    the workflow id, so a second write changes nothing."""

    def __init__(self, sessions: sessionmaker[Session], currency: str, start_month: int) -> None:
        self._sessions = sessions
        self._currency = currency
        self._start_month = start_month

    @activity.defn(name=Activity.VARIANCE_BREACHES)
    def variance_breaches(self, request: VarianceDetectRequest) -> list[VarianceStart]:
        """The lines of the period whose variance breaches the policy in force."""
        with unit_of_work(self._sessions) as session:
            return breaching_starts(
                session, request.period, start_month=self._start_month, currency=self._currency
            )

    @activity.defn(name=Activity.VARIANCE_PARTIES)
    def variance_parties(self, start: VarianceStart) -> VarianceParties:
        """The cost center's owner (finance's holders when it has none), the owner's manager
        and finance."""
        with unit_of_work(self._sessions) as session:
            finance = role_members(session, [Role.FINANCE]).get(Role.FINANCE.value, ())
            owner = cost_center_owner(session, start.cost_center)
            if owner is None:
                return VarianceParties(finance[0] if finance else "", None, finance)
            managers = manager_chain(session, owner, depth=1)
            return VarianceParties(owner, managers[0] if managers else None, finance)

    @activity.defn(name=Activity.PROJECT_VARIANCE)
    def project_variance(self, record: VarianceRecord) -> None:
        with unit_of_work(self._sessions) as session:
            project_variance(session, record.workflow_id, record.view, record.at)
