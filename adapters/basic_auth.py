"""HTTP basic auth, as the ITSM tools' APIs and poflow's own inbound endpoints check it."""

from __future__ import annotations

import base64
import binascii
import hmac


def basic_auth_matches(authorization: str | None, user: str, password: str) -> bool:
    """Whether an ``Authorization: Basic ...`` header carries exactly ``user`` and ``password``
    (compared in constant time)."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return False
    return hmac.compare_digest(given, f"{user}:{password}".encode())
