"""Keyset paging over cost lines: a line's place in the stable order (slice, file, file row) as
an opaque cursor. A slice holds one load's lines, a load numbers its files once and a file its
rows once, so the triple is unique and every line is returned exactly once across pages."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from models.costs.explore_query import BadCostQuery


@dataclass(frozen=True, order=True)
class LineKey:
    slice_id: int
    file_index: int
    file_row: int

    def cursor(self) -> str:
        raw = f"{self.slice_id}:{self.file_index}:{self.file_row}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def after(cursor: str | None) -> LineKey | None:
    """The key a cursor names; ``BadCostQuery('invalid_cursor')`` for one no page handed out."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        slice_id, file_index, file_row = (int(part) for part in raw.split(":"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCostQuery("invalid_cursor", f"cursor {cursor!r} was not handed out") from None
    return LineKey(slice_id, file_index, file_row)
