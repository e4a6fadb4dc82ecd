"""Out-of-office delegations: dated and scoped; the delegate decides "on behalf of" the
delegator while one is active. People who decide (approvers, finance, procurement) give, see and
revoke their own; admins see and revoke every one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.params import RowId
from api.schemas.delegations import DelegationIn, DelegationOut
from domain.catalog import DECIDING_ROLES, Role
from domain.money import Money
from models.people.records import User
from models.purchase_orders.delegations import (
    DelegationEntry,
    DelegationRefused,
    delegation,
    delegations_of,
    record_delegation,
    revoke_delegation,
)

router = APIRouter(prefix="/api/delegations", tags=["delegations"], route_class=RefusalRoute)
Delegator = Annotated[User, Depends(require_role(*DECIDING_ROLES))]
Manager = Annotated[User, Depends(require_role(*DECIDING_ROLES, Role.ADMIN))]


@router.get("")
def my_delegations(user: Manager, session: SessionDep) -> list[DelegationOut]:
    """The delegations the caller gave or holds, newest first; an admin sees every one."""
    now = datetime.now(UTC)
    return [_out(entry, now) for entry in delegations_of(session, user)]


@router.post("", status_code=status.HTTP_201_CREATED)
def delegate(
    body: DelegationIn, user: Delegator, session: SessionDep, runtime: RuntimeDep
) -> DelegationOut:
    """Let ``delegate`` decide for the caller from ``starts_at`` until ``ends_at``, for the
    cost centers listed (all when none) and up to ``max_amount_base`` in the base currency."""
    now = datetime.now(UTC)
    try:
        limit = (
            Money.parse(body.max_amount_base, runtime.settings.base_currency).minor
            if body.max_amount_base is not None
            else None
        )
        entry = record_delegation(
            session,
            user,
            body.delegate,
            (body.starts_at, body.ends_at),
            body.cost_centers,
            limit,
            at=now,
        )
    except (DelegationRefused, ValueError) as refused:
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT, str(refused), rule="invalid_delegation"
        ) from refused
    created = _out(entry, now)
    return created


@router.delete("/{delegation_id}")
def revoke(delegation_id: RowId, user: Manager, session: SessionDep) -> DelegationOut:
    """End a delegation now; only its delegator or an admin may. Revoking twice changes nothing."""
    entry = delegation(session, delegation_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no delegation {delegation_id}")
    if entry.delegator != user.username and Role.ADMIN not in user.role_names:
        raise Refused(
            status.HTTP_403_FORBIDDEN,
            "only the delegator or an admin revokes a delegation",
            rule="not_delegator",
        )
    now = datetime.now(UTC)
    revoke_delegation(session, entry, user, now)
    revoked = _out(entry, now)
    return revoked


def _out(entry: DelegationEntry, now: datetime) -> DelegationOut:
    row = entry.row
    return DelegationOut(
        id=row.id,
        delegator=entry.delegator,
        delegate=entry.delegate,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        cost_centers=list(row.cost_centers),
        max_amount_base_minor=row.max_amount_base_minor,
        revoked_at=row.revoked_at,
        active=entry.active(now),
    )
