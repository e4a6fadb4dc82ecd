"""``poflow costs recommendations``: detection over a month's cost lines (unused commitments, idle
resources, resources nobody owns), then the month's recommendations with their owner,
estimated saving and status, as text or JSON lines."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from domain.money import Money
from models.costs.recommendation_detection import detect
from models.costs.recommendation_records import CostRecommendation
from models.db import session_factory, unit_of_work
from services.costs.recommendations import RecommendationFilter, visible_recommendations


def recommendations(
    period: Annotated[str, typer.Option(help="the month to judge, YYYY-MM")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per row")] = False,
) -> None:
    """Judge the month (a second run adds nothing and keeps statuses), then list its
    recommendations, largest estimated saving first."""
    month = _month(period)
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session:
        found = detect(session, month, datetime.now(UTC))
        rows = visible_recommendations(session, None, RecommendationFilter(month))
        typer.echo(f"{period}: {found.found} found, {found.new} new", err=True)
        for row in rows:
            typer.echo(json.dumps(_as_json(row)) if as_json else _as_text(row))


def _as_text(row: CostRecommendation) -> str:
    saving = row.estimated_saving_minor
    estimated = Money(saving, row.currency) if saving is not None else "-"
    return (
        f"{row.id:>6} {row.kind:<18} {row.resource_id:<40} {estimated!s:>14}  "
        f"{row.owner or 'FinOps':<12} {row.status}"
    )


def _as_json(row: CostRecommendation) -> dict[str, object]:
    fields = (
        *("id", "kind", "resource_id", "service_name", "currency", "cost_minor"),
        *("estimated_saving_minor", "owner", "status", "realised_saving_minor", "reason"),
    )
    return {**{name: getattr(row, name) for name in fields}, "period": f"{row.period:%Y-%m}"}


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        typer.echo(f"poflow: {text!r} is not a month, YYYY-MM", err=True)
        raise typer.Exit(2) from error
