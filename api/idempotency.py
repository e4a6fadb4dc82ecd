"""``Idempotency-Key``: a request sent again (after a dropped connection, a 500, a double click)
answers what the first one did, and changes nothing twice (``services.idempotency`` says how)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

KEY_LENGTH = 200
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=KEY_LENGTH,
        description="Send the request again with the same key to get the first answer.",
    ),
]
