"""The notification preferences page on the real app: a person signed in through the login form
sees their choice, saves a new one and is told so; a refused choice comes back in an alert and
nothing is stored."""

from __future__ import annotations

import re
import uuid

import httpx

from domain.catalog import Role
from domain.notification_preferences import DIGEST_WITHOUT_EMAIL, UNREACHABLE
from models.db import unit_of_work
from models.people.accounts import set_password, upsert_user
from models.people.notification_preferences import Preferences, preferences_of, set_preferences
from tests.api import e2e
from tests.web.pages import DEMO_PASSWORD, csrf_of, person

stack = e2e.stack


async def _newcomer(stack: e2e.Stack) -> tuple[str, httpx.AsyncClient]:
    """A person who never chose, signed in through the login form."""
    username = f"rowan{uuid.uuid4().hex[:6]}"
    with unit_of_work(stack.sessions) as session:
        set_password(upsert_user(session, username, roles=[Role.REQUESTER]), DEMO_PASSWORD)
    return username, await person(stack, username)


def _stored(stack: e2e.Stack, username: str) -> Preferences:
    with stack.sessions() as session:
        return preferences_of(session, username)


def _store(stack: e2e.Stack, username: str, preferences: Preferences) -> None:
    with unit_of_work(stack.sessions) as session:
        set_preferences(session, username, preferences)


def _checked(html: str) -> dict[str, bool]:
    """Which of the three boxes the page shows ticked."""
    box = r'<input type="checkbox" id="(\w+)" name="\w+" value="true"( checked)?'
    boxes = re.findall(box, html)
    return {name: bool(ticked) for name, ticked in boxes}


async def test_a_person_saves_a_choice_and_sees_it(stack: e2e.Stack) -> None:
    username, client = await _newcomer(stack)
    page = await client.get("/preferences")
    assert page.status_code == 200
    assert '<a href="/preferences">Preferences</a>' in page.text
    assert _checked(page.text) == {"email": True, "chat": False, "digest": False}
    assert "Approval requests, reminders and escalations always come at once" in page.text

    choice = {"email": "true", "chat": "true", "digest": "true"}
    saved = await client.post("/preferences", data={**choice, "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 303 and saved.headers["location"] == "/preferences"
    shown = await client.get("/preferences")
    assert (
        '<p class="flash ok">Saved: poflow tells you by e-mail in a daily digest '
        "and in your team&#39;s chat channel</p>" in shown.text
    )
    assert _checked(shown.text) == {"email": True, "chat": True, "digest": True}
    assert _stored(stack, username) == Preferences(email=True, chat=True, digest=True)

    chat_only = await client.post(
        "/preferences", data={"chat": "true", "csrf_token": csrf_of(shown.text)}
    )
    assert chat_only.status_code == 303
    shown = await client.get("/preferences")
    assert "Saved: poflow tells you in your team&#39;s chat channel" in shown.text
    assert _checked(shown.text) == {"email": False, "chat": True, "digest": False}
    assert _stored(stack, username) == Preferences(email=False, chat=True, digest=False)


async def test_a_refused_choice_shows_the_rule_and_saves_nothing(stack: e2e.Stack) -> None:
    username, client = await _newcomer(stack)
    kept = Preferences(email=True, chat=False, digest=True)
    _store(stack, username, kept)
    token = csrf_of((await client.get("/preferences")).text)
    for rule, form in (
        (UNREACHABLE, {}),
        (UNREACHABLE, {"digest": "true"}),
        (DIGEST_WITHOUT_EMAIL, {"chat": "true", "digest": "true"}),
    ):
        refused = await client.post("/preferences", data={**form, "csrf_token": token})
        assert refused.status_code == 422
        assert (
            '<p class="flash bad" id="preferences-error" role="alert" aria-live="assertive">'
            f"Nothing was saved: {rule}.</p>" in refused.text
        )
        assert '<fieldset aria-describedby="preferences-error">' in refused.text
        typed = {name: name in form for name in ("email", "chat", "digest")}
        assert _checked(refused.text) == typed
        assert _stored(stack, username) == kept
    after = await client.get("/preferences")
    assert "Saved:" not in after.text and 'role="alert"' not in after.text
    assert _checked(after.text) == {"email": True, "chat": False, "digest": True}


async def test_a_post_without_the_csrf_token_saves_nothing(stack: e2e.Stack) -> None:
    username, client = await _newcomer(stack)
    refused = await client.post("/preferences", data={"chat": "true"})
    assert refused.status_code == 403
    assert _stored(stack, username) == Preferences()
