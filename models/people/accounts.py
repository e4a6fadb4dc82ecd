"""People and their credentials: creating users, granting roles, API tokens, passwords."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.people.records import ApiToken, User, UserRole

_passwords = PasswordHasher()
TOKEN_PREFIX = "pf_"  # noqa: S105 - a marker, not a secret


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def find_by_name_or_email(session: Session, who: str) -> User | None:
    """The active user an outside system names by username or e-mail address (any case)."""
    column = User.email if "@" in who else User.username
    return session.scalars(
        select(User).where(func.lower(column) == who.strip().lower(), User.active).limit(1)
    ).first()


def upsert_user(
    session: Session,
    username: str,
    *,
    roles: Iterable[Role],
    display_name: str | None = None,
    email: str | None = None,
    manager: User | None = None,
) -> User:
    """Create the user, or add the given roles to the existing one; roles are never removed here."""
    user = find_user(session, username)
    if user is None:
        user = User(
            username=username,
            display_name=display_name or username.title(),
            email=email or f"{username}@example.org",
        )
        session.add(user)
    if manager is not None:
        user.manager_id = manager.id
    for role in set(roles) - user.role_names:
        user.roles.append(UserRole(role=role))
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = _passwords.hash(password)


def password_matches(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _passwords.verify(user.password_hash, password)
    except VerificationError:
        return False


def issue_api_token(session: Session, user: User, label: str = "cli") -> str:
    """A new bearer token for ``user``; shown once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), label=label))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user holding this unrevoked token, or None."""
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_sha256 == _digest(token),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
