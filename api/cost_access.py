"""Who reads cost data: finance, procurement, auditors, admins and the FinOps role read every
line; a cost-center owner reads only the lines allocated to a center they own or one below it;
anyone else is refused with 403 ``cost_reader_required``. Loads and sources (files, quality,
reconciliation) are for finance, procurement, auditors and admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, status
from sqlalchemy.orm import Session

from api.deps import ROLE_CHECKS, CurrentUser, SessionDep
from api.errors import Refused
from domain.catalog import Role
from models.costs.explore_query import BadCostQuery
from models.costs.explore_sql import CostScope, owned_subtree
from models.people.records import User

COST_READERS = (Role.FINANCE, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN)
SPEND_READERS = (*COST_READERS, Role.FINOPS)
READER_RULE = "cost_reader_required"


def scope_of(session: Session, user: User) -> CostScope:
    """Everything for a cost reader, the owned subtrees for a cost-center owner; else 403."""
    if user.role_names & set(SPEND_READERS):
        return CostScope()
    owned = owned_subtree(session, user.id)
    if not owned:
        raise Refused(
            status.HTTP_403_FORBIDDEN,
            "cost data is for finance, procurement, auditors, admins and cost-center owners",
            rule=READER_RULE,
        )
    return CostScope(owned)


async def reader_scope(user: CurrentUser, session: SessionDep) -> CostScope:
    """The API caller's scope (a dependency, so the OpenAPI document declares its 403)."""
    return scope_of(session, user)


ROLE_CHECKS.add(reader_scope)
ReaderScope = Annotated[CostScope, Depends(reader_scope)]


def unprocessable(bad: BadCostQuery) -> Refused:
    """A filter, group-by, cursor or limit that cannot be answered: 422 naming its rule."""
    return Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, bad.message, rule=bad.rule)
