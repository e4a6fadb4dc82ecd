"""Each person chooses how poflow notifies them, through the JSON API; a choice that leaves them
unreachable, or asks for a digest without e-mail, is refused and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.notification_preferences import DIGEST_WITHOUT_EMAIL, UNREACHABLE
from models.people.accounts import issue_api_token, upsert_user
from models.people.notification_preferences import Preferences, preferences_of

PATH = "/api/me/notification-preferences"


def _auth(session: Session, username: str) -> dict[str, str]:
    user = upsert_user(session, username, roles=[Role.REQUESTER])
    return {"Authorization": f"Bearer {issue_api_token(session, user)}"}


def test_someone_who_never_chose_gets_email_at_once(client: TestClient, session: Session) -> None:
    response = client.get(PATH, headers=_auth(session, "newcomer"))
    assert response.status_code == 200
    assert response.json() == {"email": True, "chat": False, "digest": False}


def test_a_choice_is_saved_and_read_back(client: TestClient, session: Session) -> None:
    auth = _auth(session, "quinn")
    for choice in (
        {"email": True, "chat": True, "digest": True},
        {"email": False, "chat": True, "digest": False},
    ):
        saved = client.put(PATH, json=choice, headers=auth)
        assert saved.status_code == 200, saved.text
        assert saved.json() == choice
        assert client.get(PATH, headers=auth).json() == choice
        assert preferences_of(session, "quinn") == Preferences(**choice)


def test_a_refused_choice_names_the_rule_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    auth = _auth(session, "quinn")
    kept = {"email": True, "chat": False, "digest": True}
    assert client.put(PATH, json=kept, headers=auth).status_code == 200
    silent = {"email": False, "chat": False, "digest": False}
    digest_by_chat = {"email": False, "chat": True, "digest": True}
    refusals = {
        (UNREACHABLE, "unreachable_choice"): silent,
        (DIGEST_WITHOUT_EMAIL, "digest_needs_email"): digest_by_chat,
    }
    for (message, rule), choice in refusals.items():
        refused = client.put(PATH, json=choice, headers=auth)
        assert refused.status_code == 422
        assert refused.json() == {"detail": message, "rule": rule}
        assert client.get(PATH, headers=auth).json() == kept
    assert preferences_of(session, "quinn") == Preferences(**kept)
    assert "reach you" in UNREACHABLE and "needs e-mail on" in DIGEST_WITHOUT_EMAIL


def test_a_body_must_be_three_booleans_and_nothing_else(
    client: TestClient, session: Session
) -> None:
    auth = _auth(session, "quinn")
    for body in (
        {"email": True, "chat": True, "digest": False, "sms": True},
        {"email": "yes", "chat": True, "digest": False},
        {"email": True, "chat": True},
    ):
        assert client.put(PATH, json=body, headers=auth).status_code == 422, body
    assert preferences_of(session, "quinn") == Preferences()


def test_a_stranger_is_refused(client: TestClient) -> None:
    choice = {"email": True, "chat": False, "digest": False}
    assert client.get(PATH).status_code == 401
    assert client.put(PATH, json=choice).status_code == 401
    wrong = {"Authorization": "Bearer pf_wrong"}
    assert client.put(PATH, json=choice, headers=wrong).status_code == 401
