"""Whose figures a person may read on the expense dashboard and in its mailed summary:
finance, FinOps, auditors and admins read every cost center's (and the cost none owns); a
cost-center owner reads only the centers they own and those below them; anyone else nothing.

Read again at every use (a page, a summary at send time), so a role or an ownership taken
away stops showing the figures at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.budgets.org import CostCenter
from models.budgets.report_scope import centers_in_scope
from models.costs.explore_sql import owned_subtree
from models.people.records import User

DASHBOARD_READERS = (Role.FINANCE, Role.FINOPS, Role.AUDITOR, Role.ADMIN)


@dataclass(frozen=True)
class DashboardScope:
    """``centers`` None: everything; otherwise the ids of the cost centers, and their codes."""

    centers: frozenset[int] | None
    codes: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return self.centers is None


def dashboard_scope(session: Session, user: User) -> DashboardScope | None:
    """What ``user`` may read now; None when nothing (no reader role, no active account, no
    cost center owned)."""
    if not user.active:
        return None
    if user.role_names & set(DASHBOARD_READERS):
        return DashboardScope(None)
    owned = owned_subtree(session, user.id)
    if not owned:
        return None
    codes = session.scalars(select(CostCenter.code).where(CostCenter.id.in_(owned)))
    return DashboardScope(owned, frozenset(codes))


def narrowed(scope: DashboardScope, session: Session, codes: list[str]) -> DashboardScope:
    """``scope`` limited to the cost centers ``codes`` and those below them (empty: as is);
    UnknownCostCenter for a code that does not exist."""
    if not codes:
        return scope
    nodes = [node for code in codes for node in centers_in_scope(session, code)]
    wanted = frozenset(node.id for node in nodes)
    centers = wanted if scope.centers is None else wanted & scope.centers
    return DashboardScope(centers, frozenset(n.code for n in nodes if n.id in centers))
