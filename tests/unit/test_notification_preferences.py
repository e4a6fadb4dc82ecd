"""The rule a choice of notification channels must keep."""

from domain.notification_preferences import (
    DIGEST_WITHOUT_EMAIL,
    UNREACHABLE,
    preference_refusal,
)


def test_a_person_stays_reachable_by_email_or_chat() -> None:
    assert preference_refusal(email=False, chat=False, digest=False) == UNREACHABLE
    assert preference_refusal(email=False, chat=False, digest=True) == UNREACHABLE
    assert preference_refusal(email=True, chat=False, digest=False) is None
    assert preference_refusal(email=False, chat=True, digest=False) is None
    assert preference_refusal(email=True, chat=True, digest=False) is None


def test_the_digest_comes_only_with_email() -> None:
    assert preference_refusal(email=False, chat=True, digest=True) == DIGEST_WITHOUT_EMAIL
    assert preference_refusal(email=True, chat=False, digest=True) is None
    assert preference_refusal(email=True, chat=True, digest=True) is None
