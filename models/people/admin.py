"""What an administrator changes: people and their roles, cost-center owners. Each change is
checked here (never leave poflow without an active admin; owners are active people) and written
to the audit trail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from domain.audit_chain import AuditEvent
from domain.catalog import Role
from models.audit.trail import append_audit_entry
from models.budgets.org import CostCenter
from models.people.accounts import find_user, set_password, upsert_user
from models.people.records import User, UserRole
from models.purchase_orders.delegations import DelegationEntry

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,79}$")
MIN_PASSWORD_LENGTH = 8


class AdminRefused(ValueError):
    """A change that is not made; ``field`` names the form field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Person:
    user: User
    manager: str | None


@dataclass(frozen=True)
class CostCenterListing:
    code: str
    name: str
    owner: str
    parent: str | None
    active: bool
    reserve_at: str = "creation"


def people(session: Session) -> list[Person]:
    """Every user with their manager's username, by username."""
    manager = aliased(User)
    rows = session.execute(
        select(User, manager.username)
        .outerjoin(manager, manager.id == User.manager_id)
        .order_by(User.username)
    ).all()
    return [Person(user, boss) for user, boss in rows]


def active_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).where(User.active.is_(True)).order_by(User.username)).all()


def add_user(
    session: Session,
    username: str,
    *,
    roles: Iterable[Role],
    display_name: str,
    email: str,
    password: str,
    manager: str | None,
    by: User,
    at: datetime,
) -> tuple[User, bool]:
    """Create the user with ``roles`` and an initial password (argon2), or add ``roles`` to the
    existing one (its name, e-mail and password stay). Returns the user and whether it is new."""
    roles = set(roles)
    existing = find_user(session, username)
    if existing is not None:
        added = roles - existing.role_names
        if added:
            upsert_user(session, username, roles=added)
            _audit(session, by, at, "user.roles_added", username, {"roles": _names(added)})
        return existing, False
    if not USERNAME.match(username):
        raise AdminRefused(
            "username", "2 to 80 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    if email and "@" not in email:
        raise AdminRefused("email", "an e-mail address has an @")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminRefused(
            "password", f"an initial password has at least {MIN_PASSWORD_LENGTH} characters"
        )
    boss = _active(session, manager, "manager") if manager else None
    user = upsert_user(
        session,
        username,
        roles=roles,
        display_name=display_name or None,
        email=email or None,
        manager=boss,
    )
    set_password(user, password)
    session.flush()
    after = {"roles": _names(roles), "manager": manager, "email": user.email}
    _audit(session, by, at, "user.created", username, after)
    return user, True


def set_roles(
    session: Session, user: User, roles: Iterable[Role], *, by: User, at: datetime
) -> None:
    """Give ``user`` exactly ``roles``; refused when it would leave no active admin."""
    wanted, before = set(roles), user.role_names
    if Role.ADMIN in before and Role.ADMIN not in wanted and user.active:
        # Two admins demoting each other at once queue here, so one of them stays.
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext("poflow:admins"))))
        others = session.scalar(
            select(func.count(User.id))
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
        )
        if not others:
            raise AdminRefused(
                "roles", f"{user.username} is the last admin; make someone else an admin first"
            )
    user.roles = [grant for grant in user.roles if grant.role in wanted]
    user.roles.extend(UserRole(role=role) for role in sorted(wanted - before))
    session.flush()
    change = {"before": _names(before), "after": _names(wanted)}
    _audit(session, by, at, "user.roles_set", user.username, change)


def cost_centers(session: Session) -> list[CostCenterListing]:
    """Every cost center with its owner's and its parent's code, by code."""
    owner, parent = aliased(User), aliased(CostCenter)
    rows = session.execute(
        select(CostCenter, owner.username, parent.code)
        .join(owner, owner.id == CostCenter.owner_id)
        .outerjoin(parent, parent.id == CostCenter.parent_id)
        .order_by(CostCenter.code)
    ).all()
    return [
        CostCenterListing(center.code, center.name, who, above, center.active, center.reserve_at)
        for center, who, above in rows
    ]


def change_owner(session: Session, code: str, owner: str, *, by: User, at: datetime) -> bool:
    """Make the active user ``owner`` own cost center ``code``; False when there is no such
    cost center. New POs route to the new owner; POs already routed keep their chain."""
    center = session.scalar(select(CostCenter).where(CostCenter.code == code))
    if center is None:
        return False
    person = _active(session, owner, "owner")
    previous = session.scalar(select(User.username).where(User.id == center.owner_id))
    center.owner_id = person.id
    session.flush()
    change = {"before": previous, "after": person.username}
    _audit(session, by, at, "cost_center.owner_changed", code, change, "cost_center")
    return True


def delegation_state(entry: DelegationEntry, at: datetime) -> str:
    """upcoming, active, ended or revoked, as of ``at``."""
    row = entry.row
    if row.revoked_at is not None:
        return "revoked"
    if at < row.starts_at:
        return "upcoming"
    return "active" if at < row.ends_at else "ended"


def _names(roles: Iterable[Role]) -> list[str]:
    return sorted(role.value for role in roles)


def _active(session: Session, username: str, field: str) -> User:
    if not username:
        raise AdminRefused(field, "choose a person")
    person = find_user(session, username)
    if person is None or not person.active:
        raise AdminRefused(field, f"{username} is not an active user")
    return person


def _audit(
    session: Session,
    by: User,
    at: datetime,
    action: str,
    entity_id: str,
    after: dict[str, Any],
    entity_type: str = "user",
) -> None:
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by.username,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            idempotency_key=f"{action}:{entity_id}:{uuid.uuid4()}",
            after=after,
        ),
    )
