"""What a person may choose for how poflow tells them: e-mail, chat, and a daily digest that
holds e-mail which asks for no decision."""

UNREACHABLE = "e-mail or chat must stay on, so that poflow can always reach you"
DIGEST_WITHOUT_EMAIL = (
    "the daily digest is sent by e-mail, so it needs e-mail on: turn e-mail on or the digest off"
)


def preference_refusal(email: bool, chat: bool, digest: bool) -> str | None:
    """Why this choice of channels is refused, or None when it may be stored. A stored choice
    always leaves the person reachable, and asks for a digest only together with e-mail."""
    if not (email or chat):
        return UNREACHABLE
    if digest and not email:
        return DIGEST_WITHOUT_EMAIL
    return None
