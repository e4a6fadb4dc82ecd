"""``poflow costs allocate``: run the allocation model in force over a billing period (the
period's next version) and print what it allocated per business unit, cost center, IT service
and rule (each pool's parts, ledger pools included), and what stayed unallocated, as text or
JSON (amounts as exact decimal text)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cli.config import database_engine, load_settings
from models.db import session_factory, unit_of_work
from models.people.accounts import find_user
from services.costs.allocation import run_allocation
from services.costs.allocation_report import AllocationReport, Subtotal, allocation_report
from services.costs.refusals import CostRefused


def allocate(
    period: Annotated[str, typer.Option(help="the billing period, YYYY-MM")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    actor: Annotated[str, typer.Option("--as", help="who runs it, for the record")] = "fiona",
) -> None:
    """Allocate PERIOD's cost by the allocation model in force (a new version of the period's
    allocation) and print it per business unit, cost center and service, with the
    unallocated."""
    settings = load_settings()
    sessions = session_factory(database_engine(settings))
    try:
        with unit_of_work(sessions) as session:
            user = find_user(session, actor)
            if user is None:
                raise CostRefused("unknown_user", f"no user {actor!r}")
            start_month = settings.fiscal_year_start_month
            version = run_allocation(session, period, user, start_month=start_month).version
        with sessions() as session:
            report = allocation_report(session, period, version)
    except CostRefused as refused:
        typer.echo(f"poflow: {refused.message} ({refused.rule})", err=True)
        raise typer.Exit(2 if refused.rule == "invalid_period" else 1) from refused
    assert report is not None  # the run just committed
    if as_json:
        typer.echo(json.dumps(report_as_json(report), indent=2))
    else:
        for line in report_as_text(report):
            typer.echo(line)


def report_as_text(report: AllocationReport) -> list[str]:
    run = report.run
    lines = [
        f"allocation {run.period:%Y-%m} version {run.version} (model v{run.model_version}, "
        f"{run.line_count} lines)"
    ]
    for title, rows in _sections(report):
        lines.append(f"{title}:")
        lines += [f"  {row.name}  {row.currency} {row.amount}" for row in rows] or ["  none"]
    return lines


def report_as_json(report: AllocationReport) -> dict[str, Any]:
    run = report.run
    return {
        "period": f"{run.period:%Y-%m}",
        "version": run.version,
        "model_version": run.model_version,
        "line_count": run.line_count,
        **{
            title.replace(" ", "_"): [
                {"name": row.name, "currency": row.currency, "amount": format(row.amount, "f")}
                for row in rows
            ]
            for title, rows in _sections(report)
        },
    }


def _sections(report: AllocationReport) -> list[tuple[str, list[Subtotal]]]:
    return [
        ("by business unit", report.by_business_unit),
        ("by cost center", report.by_cost_center),
        ("by service", report.by_service),
        ("by rule", report.by_rule),
        ("unallocated", report.unallocated),
        ("total", report.totals),
    ]
