"""What the cost page's filters offer: the sources, the cost centers and the tag keys the
sources' tag policies name (the tags the daily roll-ups group by)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class FilterChoices:
    sources: list[str]
    cost_centers: list[str]
    tag_keys: list[str]


def filter_choices(session: Session) -> FilterChoices:
    def column(sql: str) -> list[str]:
        return [str(value) for value in session.execute(text(sql)).scalars()]

    return FilterChoices(
        sources=column("SELECT name FROM cost_sources ORDER BY name"),
        cost_centers=column("SELECT code FROM cost_centers ORDER BY code"),
        tag_keys=column(
            "SELECT DISTINCT key FROM cost_sources, unnest(tag_policy_keys) key ORDER BY key"
        ),
    )
