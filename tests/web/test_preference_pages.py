"""The notification preferences page: a person signed in through the login form sees their
choice, saves a new one and is told so; a refused choice comes back in an alert and nothing is
stored."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.notification_preferences import DIGEST_WITHOUT_EMAIL, UNREACHABLE
from models.accounts import set_password, upsert_user
from models.notification_preferences import Preferences, preferences_of, set_preferences
from tests.web.pages import csrf_of

PASSWORD = "a-long-secret-1"


def _signed_in(client: TestClient, session: Session, username: str) -> str:
    """Sign ``username`` in through the form; the CSRF token of the preferences page."""
    set_password(upsert_user(session, username, roles=[Role.REQUESTER]), PASSWORD)
    login = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(login.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/preferences")
    assert page.status_code == 200
    return csrf_of(page.text)


def _checked(html: str) -> dict[str, bool]:
    """Which of the three boxes the page shows ticked."""
    boxes = re.findall(r'<input type="checkbox" id="(\w+)" name="\w+" value="true"( checked)?', html)
    return {name: bool(ticked) for name, ticked in boxes}


def test_a_person_saves_a_choice_and_sees_it(client: TestClient, session: Session) -> None:
    token = _signed_in(client, session, "rowan")
    page = client.get("/preferences")
    assert '<a href="/preferences">Preferences</a>' in page.text
    assert _checked(page.text) == {"email": True, "chat": False, "digest": False}
    assert "Approval requests, reminders and escalations always come at once" in page.text

    saved = client.post(
        "/preferences",
        data={"email": "true", "chat": "true", "digest": "true", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/preferences"
    shown = client.get("/preferences")
    assert (
        '<p class="flash ok">Saved: poflow tells you by e-mail in a daily digest '
        "and in your team&#39;s chat channel</p>" in shown.text
    )
    assert _checked(shown.text) == {"email": True, "chat": True, "digest": True}
    assert preferences_of(session, "rowan") == Preferences(email=True, chat=True, digest=True)

    chat_only = client.post("/preferences", data={"chat": "true", "csrf_token": token})
    assert chat_only.status_code == 200 and "Saved: poflow tells you in your team" in chat_only.text
    assert _checked(chat_only.text) == {"email": False, "chat": True, "digest": False}
    assert preferences_of(session, "rowan") == Preferences(email=False, chat=True, digest=False)


def test_a_refused_choice_shows_the_rule_and_saves_nothing(
    client: TestClient, session: Session
) -> None:
    token = _signed_in(client, session, "rowan")
    kept = Preferences(email=True, chat=False, digest=True)
    set_preferences(session, "rowan", kept)
    for rule, form in (
        (UNREACHABLE, {}),
        (UNREACHABLE, {"digest": "true"}),
        (DIGEST_WITHOUT_EMAIL, {"chat": "true", "digest": "true"}),
    ):
        refused = client.post("/preferences", data={**form, "csrf_token": token})
        assert refused.status_code == 422
        assert (
            '<p class="flash bad" id="preferences-error" role="alert" aria-live="assertive">'
            f"Nothing was saved: {rule}.</p>" in refused.text.replace("&#39;", "'")
        )
        assert 'aria-describedby="preferences-error"' in refused.text
        typed = {name: name in form for name in ("email", "chat", "digest")}
        assert _checked(refused.text) == typed
        assert preferences_of(session, "rowan") == kept
    assert "Saved:" not in client.get("/preferences").text


def test_a_post_without_the_csrf_token_saves_nothing(client: TestClient, session: Session) -> None:
    _signed_in(client, session, "rowan")
    refused = client.post("/preferences", data={"chat": "true"})
    assert refused.status_code == 403
    assert preferences_of(session, "rowan") == Preferences()
