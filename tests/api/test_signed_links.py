"""Signed decision links: round trip, expiry, tampering, key rotation, single use in Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from api.signed_links import (
    DecisionLink,
    LinkExpired,
    LinkTampered,
    confirmation_matches,
    confirmation_token,
    make_decision_link,
    read_link,
    spend,
)
from domain.catalog import Decision
from models.purchase_orders.links import used_link
from settings import Settings

KEY_2025 = "k-2025-" + "a" * 40
KEY_2026 = "k-2026-" + "b" * 40
KEY_2027 = "k-2027-" + "c" * 40


def settings_with(secret: str, *old: str, **changes: object) -> Settings:
    return Settings(
        _env_file=None,
        secret_key=SecretStr(secret),
        old_secret_keys=[SecretStr(key) for key in old],
        public_url="https://poflow.example.org/",
        **changes,  # type: ignore[arg-type]
    )


def token_of(url: str) -> str:
    prefix = "https://poflow.example.org/links/"
    assert url.startswith(prefix), url
    return url.removeprefix(prefix)


def link_for(
    settings: Settings, action: Decision = Decision.APPROVE, issued_at: datetime | None = None
) -> str:
    url = make_decision_link(
        settings, "PO-1234", "priya", action, "cost-center owner", "link-1", issued_at=issued_at
    )
    return token_of(url)


def test_a_link_names_the_decision_it_was_made_for() -> None:
    settings = settings_with(KEY_2026)
    link = read_link(settings, link_for(settings, Decision.REJECT))
    assert link == DecisionLink("PO-1234", "priya", Decision.REJECT, "cost-center owner", "link-1")


def test_only_approve_and_reject_links_are_made() -> None:
    with pytest.raises(ValueError, match="forward"):
        link_for(settings_with(KEY_2026), Decision.FORWARD)


def test_a_link_older_than_its_max_age_has_expired_but_still_names_its_po() -> None:
    settings = settings_with(KEY_2026, link_max_age_hours=72)
    now = datetime.now(UTC)
    fresh = link_for(settings, issued_at=now - timedelta(hours=71))
    assert read_link(settings, fresh).po_number == "PO-1234"
    stale = link_for(settings, issued_at=now - timedelta(hours=73))
    with pytest.raises(LinkExpired) as expired:
        read_link(settings, stale)
    assert expired.value.po_number == "PO-1234"


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),  # signature
        lambda token: ("x" if token[0] != "x" else "y") + token[1:],  # payload
        lambda token: token.rsplit(".", 1)[0],  # signature cut off
        lambda token: "not-a-token",
    ],
)
def test_a_changed_token_is_refused_as_tampered(damage: object) -> None:
    settings = settings_with(KEY_2026)
    token = link_for(settings)
    assert callable(damage)
    with pytest.raises(LinkTampered):
        read_link(settings, damage(token))


def test_a_token_signed_for_another_purpose_is_not_a_link() -> None:
    settings = settings_with(KEY_2026)
    link = read_link(settings, link_for(settings))
    with pytest.raises(LinkTampered):
        read_link(settings, confirmation_token(settings, link))


def test_rotation_accepts_links_signed_with_an_old_key_and_refuses_unknown_keys() -> None:
    before = settings_with(KEY_2025)
    rotated = settings_with(KEY_2026, KEY_2025)
    retired = settings_with(KEY_2027, KEY_2026)

    old_link = link_for(before)
    assert read_link(rotated, old_link).approver == "priya"
    with pytest.raises(LinkTampered):
        read_link(retired, old_link)

    new_link = link_for(rotated)  # signed with the current key only
    assert read_link(retired, new_link).approver == "priya"
    with pytest.raises(LinkTampered):
        read_link(before, new_link)


def test_the_confirmation_token_is_bound_to_its_link() -> None:
    settings = settings_with(KEY_2026)
    link = read_link(settings, link_for(settings))
    other = DecisionLink("PO-1234", "priya", Decision.APPROVE, "cost-center owner", "link-2")
    token = confirmation_token(settings, link)
    assert confirmation_matches(settings, link, token)
    assert not confirmation_matches(settings, other, token)
    assert not confirmation_matches(settings, link, "")
    assert not confirmation_matches(settings_with(KEY_2027), link, token)


def test_a_link_is_spent_once(sessions: sessionmaker[Session]) -> None:
    settings = settings_with(KEY_2026)
    approve = read_link(settings, link_for(settings, Decision.APPROVE))
    reject = read_link(settings, link_for(settings, Decision.REJECT))
    with sessions.begin() as session:
        assert used_link(session, approve.link_id) is None
        assert spend(session, approve)
    with sessions.begin() as session:
        assert not spend(session, approve)
        assert not spend(session, reject), "both links of one message share their link id"
        used = used_link(session, approve.link_id)
        assert used is not None and used.used_by == "priya" and used.used_at is not None


def test_a_spend_rolled_back_leaves_the_link_usable(session: Session) -> None:
    settings = settings_with(KEY_2026)
    link = read_link(settings, link_for(settings))
    savepoint = session.begin_nested()
    assert spend(session, link)
    savepoint.rollback()
    assert used_link(session, link.link_id) is None
    assert spend(session, link)
