"""``poflow chargeback``: run a month's statement (chargeback or showback) from its newest
allocation run, print a month's statement, and a month's unit costs and rates. Amounts print
in the base currency; ``--json`` prints what the API answers. A refusal is one line naming its
rule, exit status 2, and nothing written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from api.schemas.chargeback import StatementOut, UnitCostsOut
from cli.config import database_engine, load_settings
from domain.money import Money
from models.costs.rates import internal_rates
from models.costs.statements import statement_lines, statement_of
from models.costs.unit_costs import unit_costs_in_force
from models.db import session_factory
from models.people.accounts import find_user
from services.costs.allocation import allocation_period
from services.costs.chargeback import run_statement
from services.costs.refusals import CostRefused

chargeback = typer.Typer(help="Chargeback and showback statements, unit costs and rates.")
Month = Annotated[str, typer.Option("--period", help="the month, YYYY-MM")]
Json = Annotated[bool, typer.Option("--json", help="as the API answers it")]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"poflow: {message}", err=True)
    return typer.Exit(code)


@chargeback.command("run")
def run(
    period: Month,
    mode: Annotated[str, typer.Option(help="chargeback (posted) or showback (reported)")],
    as_user: Annotated[str, typer.Option("--as", help="who runs it")],
    as_json: Json = False,
) -> None:
    """The month's next statement from its newest allocation run."""
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        user = find_user(session, as_user)
        if user is None:
            raise fail(f"no user named {as_user!r}")
        try:
            statement = run_statement(
                session,
                period,
                mode,
                user,
                currency=settings.base_currency,
                start_month=settings.fiscal_year_start_month,
                alert_thresholds=settings.budget_alert_percents,
            )
        except CostRefused as refused:
            raise fail(f"{refused.message} ({refused.rule})") from refused
        session.commit()
        _print(session, period, statement.version, as_json)


@chargeback.command("show")
def show(
    period: Month,
    version: Annotated[int | None, typer.Option(help="a version; the newest by default")] = None,
    as_json: Json = False,
) -> None:
    """The month's statement: per business unit and cost center, each charge."""
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        _print(session, period, version, as_json)


def _print(session: Session, period: str, version: int | None, as_json: bool) -> None:
    try:
        found = statement_of(session, allocation_period(period), version)
    except CostRefused as refused:
        raise fail(f"{refused.message} ({refused.rule})") from refused
    if found is None:
        raise fail(f"no statement of {period}", 1)
    out = StatementOut.of(found, statement_lines(session, found.id))
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(f"{out.period} v{out.version} {out.mode}: {Money(out.total_minor, out.currency)}")
    for unit, minor in out.by_business_unit.items():
        typer.echo(f"  {unit}: {Money(minor, out.currency)}")
        for charge in (c for c in out.charges if c.business_unit == unit):
            rate = f"{charge.quantity} {charge.unit} at {charge.rate}" if charge.rate else "at cost"
            amount = Money(charge.amount_minor, charge.currency)
            typer.echo(f"    {charge.cost_center} {charge.service or '-'} {charge.rule}: "
                       f"{rate} = {amount}")  # fmt: skip


@chargeback.command("unit-costs")
def unit_costs(period: Month, as_json: Json = False) -> None:
    """Each service's unit cost of the month under the unit-cost model in force, and its rate."""
    settings = load_settings()
    now = datetime.now(UTC)
    with session_factory(database_engine(settings))() as session:
        try:
            month = allocation_period(period)
        except CostRefused as refused:
            raise fail(f"{refused.message} ({refused.rule})") from refused
        out = UnitCostsOut.of(
            month, unit_costs_in_force(session, month, now), internal_rates(session, month, now)
        )
    if as_json:
        typer.echo(json.dumps(out.model_dump(), indent=2))
        return
    rates = {rate.service: rate for rate in out.rates}
    for cost in out.unit_costs:
        rate = rates.get(cost.service)
        typer.echo(
            f"{cost.service}: {cost.per_unit or '-'} {cost.currency}/{cost.unit} "
            f"(list {cost.list_per_unit or '-'}; {cost.quantity or 0} {cost.unit}; "
            f"rate {rate.rate if rate and rate.rate else '-'})"
        )
