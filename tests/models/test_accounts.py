"""People, roles, API tokens and passwords."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.people.accounts import (
    issue_api_token,
    password_matches,
    set_password,
    upsert_user,
    user_for_token,
)
from models.people.records import ApiToken


def test_a_token_identifies_its_user_and_only_its_hash_is_stored(session: Session) -> None:
    user = upsert_user(session, "jdoe", roles=[Role.REQUESTER])
    token = issue_api_token(session, user)
    assert user_for_token(session, token) is user
    assert user_for_token(session, token + "x") is None
    stored = session.scalars(select(ApiToken.token_sha256)).all()
    assert token not in stored and len(stored) == 1


def test_a_revoked_token_or_an_inactive_user_gets_nobody(session: Session) -> None:
    user = upsert_user(session, "jdoe", roles=[Role.REQUESTER])
    revoked, current = issue_api_token(session, user), issue_api_token(session, user)
    token_row = session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
    assert token_row is not None
    token_row.revoked_at = datetime.now(UTC)
    session.flush()
    assert user_for_token(session, revoked) is None
    assert user_for_token(session, current) is user
    user.active = False
    session.flush()
    assert user_for_token(session, current) is None


def test_adding_an_existing_user_adds_roles_without_removing_any(session: Session) -> None:
    upsert_user(session, "jdoe", roles=[Role.REQUESTER])
    user = upsert_user(session, "jdoe", roles=[Role.APPROVER, Role.REQUESTER])
    assert user.role_names == {Role.REQUESTER, Role.APPROVER}


def test_passwords_are_hashed_with_argon2(session: Session) -> None:
    user = upsert_user(session, "jdoe", roles=[Role.REQUESTER])
    set_password(user, "correct horse")
    assert user.password_hash is not None and user.password_hash.startswith("$argon2")
    assert password_matches(user, "correct horse")
    assert not password_matches(user, "wrong")
