"""Who am I: the caller's identity and roles, for API clients checking their token, and how
poflow notifies the caller."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from api.deps import CurrentUser, SessionDep
from api.errors import Refused
from domain.catalog import Role
from domain.notification_preferences import (
    DIGEST_WITHOUT_EMAIL,
    UNREACHABLE,
    preference_refusal,
)
from models.people.notification_preferences import Preferences, preferences_of, set_preferences

router = APIRouter(prefix="/api", tags=["people"])
PREFERENCE_RULES = {UNREACHABLE: "unreachable_choice", DIGEST_WITHOUT_EMAIL: "digest_needs_email"}


class Me(BaseModel):
    username: str
    display_name: str
    email: str
    roles: list[Role]


class NotificationPreferences(BaseModel):
    """``email``: e-mail to the caller's address; ``chat``: the team's Slack or Teams channel;
    ``digest``: one daily e-mail instead of one per event, except approval requests, reminders
    and escalations, which always come at once. E-mail or chat stays on; a digest needs e-mail."""

    model_config = ConfigDict(extra="forbid", strict=True)

    email: bool
    chat: bool
    digest: bool


@router.get("/me")
def me(user: CurrentUser) -> Me:
    return Me(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        roles=sorted(user.role_names),
    )


@router.get("/me/notification-preferences")
def my_notification_preferences(user: CurrentUser, session: SessionDep) -> NotificationPreferences:
    """The caller's channels; e-mail alone, at once, until they choose."""
    return _out(preferences_of(session, user.username))


@router.put("/me/notification-preferences")
def choose_notification_preferences(
    body: NotificationPreferences, user: CurrentUser, session: SessionDep
) -> NotificationPreferences:
    """Replace the caller's channels; 422 naming the rule when the choice would leave them
    unreachable or asks for a digest without e-mail, and nothing is stored then."""
    refusal = preference_refusal(body.email, body.chat, body.digest)
    if refusal is not None:
        rule = PREFERENCE_RULES[refusal]
        raise Refused(status.HTTP_422_UNPROCESSABLE_CONTENT, refusal, rule=rule)
    chosen = Preferences(email=body.email, chat=body.chat, digest=body.digest)
    return _out(set_preferences(session, user.username, chosen))


def _out(preferences: Preferences) -> NotificationPreferences:
    return NotificationPreferences(
        email=preferences.email, chat=preferences.chat, digest=preferences.digest
    )
