"""``poflow costs anomalies``: the spend anomalies found (runaway days of a billing account or a
service, spend with no owner or no PO) with their outcome, as text or JSON lines; with
``--detect``, detection runs over the month first (its findings' runs start, as the daily
schedule starts them)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Annotated

import typer

from cli.config import database_engine, load_settings
from devstack.temporal import connect_or_explain
from domain.costs.spend_anomalies import Detection
from domain.money import Money
from models.costs.anomaly_records import SpendAnomaly
from models.db import session_factory
from services.costs.anomalies import FindingFilter, detect, visible_findings


def anomalies(
    period: Annotated[str | None, typer.Option(help="the findings' month, YYYY-MM")] = None,
    run_detection: Annotated[
        bool, typer.Option("--detect", help="judge the month's days first (needs --period)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per finding")] = False,
) -> None:
    """Spend anomalies with their outcome, newest day first."""
    settings = load_settings()
    month = _month(period) if period else None
    if run_detection:
        if month is None:
            raise _fail("--detect needs --period")
        found = asyncio.run(_detect(month))
        short = len(found.too_little_history)
        typer.echo(
            f"detection of {period}: {found.series} series judged, {short} with too little "
            f"history (under 14 days: no finding), {len(found.started)} runs started",
            err=True,
        )
    with session_factory(database_engine(settings))() as session:
        rows = visible_findings(session, None, FindingFilter(month))
        for row in rows:
            typer.echo(json.dumps(_as_json(row)) if as_json else _as_text(row))


async def _detect(month: date) -> Detection:
    settings = load_settings()
    temporal = await connect_or_explain(settings)
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return await detect(temporal, settings, month, last)


def _as_text(row: SpendAnomaly) -> str:
    spent, impact = Money(row.actual_minor, row.currency), Money(row.impact_minor, row.currency)
    answer = f"  {row.feedback} by {row.answered_by}: {row.explanation}" if row.feedback else ""
    waiting = f" (waiting on {', '.join(row.waiting_on)})" if row.waiting_on else ""
    return (
        f"{row.day}  {row.kind:<8} {row.series_key:<40} {spent!s:>16} +{impact}  "
        f"{row.status}{waiting}{answer}"
    )


def _as_json(row: SpendAnomaly) -> dict[str, object]:
    fields = (
        *("id", "kind", "series_key", "source", "currency", "actual_minor"),
        *("expected_minor", "impact_minor", "score", "owner", "status", "feedback"),
    )
    return {
        **{name: getattr(row, name) for name in fields},
        "day": row.day.isoformat(),
        "waiting_on": list(row.waiting_on),
        "explanation": row.explanation,
        "answered_by": row.answered_by,
    }


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise _fail(f"{text!r} is not a month, YYYY-MM") from error


def _fail(message: str) -> typer.Exit:
    typer.echo(f"poflow: {message}", err=True)
    return typer.Exit(2)
