"""What every inbound delivery from an outside system shares: a configured secret to check it
against (none configured refuses all), a 401 naming what failed, and a JSON object body."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, status
from pydantic import SecretStr


def configured_secret(value: SecretStr | None, name: str) -> str:
    """The secret deliveries are checked against; with none set, every delivery is refused."""
    if value is None or not value.get_secret_value():
        raise unauthorised(f"deliveries are refused until {name} is set")
    return value.get_secret_value()


def unauthorised(why: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, why)


def json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "the body must be a JSON object")
    return payload
