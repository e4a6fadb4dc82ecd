"""``poflow tags``: tag governance from the command line. ``export aws|azure`` prints the tag
policy in force as an AWS Organizations tag policy or an Azure Policy definition (for an
infrastructure-as-code pipeline); ``compliance`` prints a period's compliance per provider,
billing account or team; ``close`` freezes a period's compliance at month-end. A refusal (no
policy in force, a bad period, an unknown user) is one line on stderr and exit status 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from cli.config import database_engine, load_settings
from models.costs.tag_compliance import Dimension, tag_compliance
from models.costs.tag_enforcement import EnforcementTarget, enforcement_export
from models.costs.tag_judged import BadPeriod, NoTagPolicy
from models.costs.tag_snapshots import freeze_tag_snapshot, snapshot_row
from models.db import session_factory
from models.people.accounts import find_user

tags = typer.Typer(help="Tag governance: export the tag policy, compliance, month-end close.")
PeriodArg = Annotated[str, typer.Option("--period", help="the billing period, YYYY-MM")]


@contextmanager
def _session() -> Iterator[Session]:
    with session_factory(database_engine(load_settings()))() as session:
        try:
            yield session
        except (NoTagPolicy, BadPeriod) as refused:
            typer.echo(f"poflow: {refused} ({refused.rule})", err=True)
            raise typer.Exit(2) from refused


@tags.command("export")
def export(
    target: Annotated[EnforcementTarget, typer.Argument(help="aws or azure")],
    out: Annotated[Path | None, typer.Option(help="write to this file")] = None,
) -> None:
    """The tag policy in force as TARGET's policy document (JSON)."""
    with _session() as session:
        text = json.dumps(enforcement_export(session, target), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@tags.command("compliance")
def compliance(period: PeriodArg, by: Dimension = Dimension.PROVIDER) -> None:
    """Per group: cost, compliant, untagged and misclassified cost, completeness and accuracy,
    compliant resources; one JSON object per line, exact decimals."""
    with _session() as session:
        report = tag_compliance(session, period, (by,))
    for row in report.rows[by]:
        typer.echo(json.dumps(snapshot_row(row)))


@tags.command("close")
def close(
    period: PeriodArg,
    actor: Annotated[str, typer.Option("--as", help="who closes the period")],
    force: Annotated[bool, typer.Option(help="freeze a new version beside the first")] = False,
    reason: Annotated[str, typer.Option(help="why, for the audit trail")] = "",
) -> None:
    """Freeze the period's tag completeness and accuracy; a period already frozen keeps its
    snapshot unless --force."""
    with _session() as session:
        user = find_user(session, actor)
        if user is None:
            typer.echo(f"poflow: no user named {actor!r}", err=True)
            raise typer.Exit(2)
        row, created = freeze_tag_snapshot(
            session, period, actor=user, at=datetime.now(UTC), force=force, reason=reason
        )
        session.commit()
        state = "frozen" if created else "already frozen, kept"
        typer.echo(f"{row.period} v{row.version} {state} (tag policy v{row.policy_version})")
