"""Virtual tags: a tag value that an owner or finance sets on cost lines by hand (every line of a
resource, a sub-account, a billing account or a service), without touching the provider's tags.
It applies to every period, past ones included; retired ones stop applying. Allocation and tag
compliance read a line's tags as ``effective_tags_sql``: the provider's normalised tags with the
virtual tags over them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.costs.governance import VirtualTagMatch
from models.base import Base, CreatedAt, IntPk, string_enum


class VirtualTag(Base):
    __tablename__ = "cost_virtual_tags"

    id: Mapped[IntPk]
    match: Mapped[VirtualTagMatch] = mapped_column(string_enum(VirtualTagMatch, "match"))
    match_value: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(200))  # a normalised tag key
    value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


_SPECIFICITY = " ".join(f"WHEN '{match}' THEN {rank}" for rank, match in enumerate(VirtualTagMatch))
_MATCHES = " OR ".join(
    f"(v.match = '{match}' AND v.match_value = {{alias}}.{match})" for match in VirtualTagMatch
)


def effective_tags_sql(alias: str) -> str:
    """A SQL expression: the tags of the cost line ``alias`` (a ``cost_lines`` row) as allocation
    and compliance read them, the provider's normalised tags overlaid by the virtual tags that
    name the line (per key, the most specific, then the newest)."""
    virtual = (
        "(SELECT jsonb_object_agg(t.key, to_jsonb(t.value)) FROM ("
        "SELECT DISTINCT ON (v.key) v.key, v.value FROM cost_virtual_tags v "
        f"WHERE v.retired_at IS NULL AND ({_MATCHES.format(alias=alias)}) "
        f"ORDER BY v.key, CASE v.match {_SPECIFICITY} END, v.id DESC) t)"
    )
    return (
        f"(COALESCE({alias}.tags_normalised, '{{}}'::jsonb) || COALESCE({virtual}, '{{}}'::jsonb))"
    )
