"""``poflow budget``: the lines in force, revisions, transfers, history and year-end carry-forward.

Writes are recorded as the user named by ``--as``, who must hold the finance or admin role.
A refusal is one line on stderr naming its rule, and exit status 2; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import InvalidOperation
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from cli.config import database_engine, load_settings
from domain.catalog import Role
from domain.fiscal import FiscalPeriod
from domain.money import Money
from models.budgets.carry_forward import carry_forward
from models.budgets.history import budget_history, lines_in_force
from models.budgets.versions import BudgetRefused, LineRef, revise_budget, transfer_budget
from models.db import session_factory, unit_of_work
from models.people.accounts import find_user
from models.people.records import User
from settings import Settings

budget = typer.Typer(help="Budgets: lines in force, revisions, transfers, carry-forward.")
Author = Annotated[str, typer.Option("--as", help="who does it (a finance or admin user)")]
Reason = Annotated[str, typer.Option(help="why (required)")]
LINE_HELP = "a budget line as COST_CENTER/GL/FISCAL_YEAR/PERIOD, e.g. IT-INFRA/6100/2027/3"


def fail(message: str) -> typer.Exit:
    typer.echo(f"poflow: {message}", err=True)
    return typer.Exit(2)


@contextmanager
def refusals() -> Iterator[None]:
    """A refusal becomes one line and exit 2 (the unit of work rolls back)."""
    try:
        yield
    except BudgetRefused as refusal:
        raise fail(f"{refusal} ({refusal.rule})") from refusal


def finance_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise fail(f"no user named {username!r}")
    if not user.role_names & {Role.FINANCE, Role.ADMIN}:
        raise fail(f"{username} holds neither the finance nor the admin role")
    return user


def minor(amount: str, settings: Settings) -> int:
    try:
        return Money.parse(amount, settings.base_currency).minor
    except (ValueError, InvalidOperation) as error:
        raise fail(f"{amount!r} is not an amount in {settings.base_currency}") from error


def line_ref(text: str) -> LineRef:
    parts = text.split("/")
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        raise fail(f"{text!r} is not {LINE_HELP}")
    return LineRef(parts[0], parts[1], FiscalPeriod(int(parts[2]), int(parts[3])))


@budget.command("list")
def list_lines(
    fiscal_year: int,
    cost_center: Annotated[str | None, typer.Option(help="only this cost center")] = None,
) -> None:
    """The version in force of every budgeted line of the year, with what it holds."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session, refusals():
        for found in lines_in_force(session, fiscal_year, cost_center):
            figures, currency = found.balance, found.currency
            typer.echo(
                f"{found.line}  v{found.version}  budget {Money(figures.budget_minor, currency)}"
                f"  available {Money(figures.available_minor, currency)}"
            )


@budget.command("set")
def set_budget(
    cost_center: str,
    gl_account: str,
    fiscal_year: int,
    period: int,
    amount: str,
    reason: Reason,
    author: Author,
) -> None:
    """Put AMOUNT (in the base currency, e.g. 40000.00) in force as the line's next version."""
    settings = load_settings()
    line = LineRef(cost_center, gl_account, FiscalPeriod(fiscal_year, period))
    with unit_of_work(session_factory(database_engine(settings))) as session, refusals():
        version = revise_budget(
            session,
            line,
            minor(amount, settings),
            finance_user(session, author),
            reason,
            currency=settings.base_currency,
            alert_thresholds=settings.budget_alert_percents,
        )
        money = Money(version.amount_minor, version.currency)
        typer.echo(f"{line} v{version.version} ({version.kind}): {money}")


@budget.command("transfer")
def transfer(
    source: Annotated[str, typer.Argument(help=f"from: {LINE_HELP}")],
    target: Annotated[str, typer.Argument(help="to: a budget line, the same way")],
    amount: str,
    reason: Reason,
    author: Author,
) -> None:
    """Move AMOUNT of available budget from one line to another."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session, refusals():
        moved = transfer_budget(
            session,
            line_ref(source),
            line_ref(target),
            minor(amount, settings),
            finance_user(session, author),
            reason,
            alert_thresholds=settings.budget_alert_percents,
        )
        typer.echo(
            f"transfer {moved.transfer_id}: {Money(moved.amount_minor, moved.currency)} "
            f"from {source} (now v{moved.source.version}) to {target} (now v{moved.target.version})"
        )


@budget.command("history")
def history(cost_center: str, gl_account: str, fiscal_year: int) -> None:
    """Every version of the account's lines in the year: period by period, newest first."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session, refusals():
        for entry in budget_history(session, cost_center, gl_account, fiscal_year):
            transfer_id = f"  transfer {entry.transfer_id}" if entry.transfer_id else ""
            typer.echo(
                f"P{entry.period:02d} v{entry.version} {entry.kind:<8} "
                f"{Money(entry.amount_minor, entry.currency)}  {entry.author}  "
                f"{entry.created_at:%Y-%m-%d %H:%M}  {entry.reason}{transfer_id}"
            )


@budget.command("carry-forward")
def carry_forward_year(fiscal_year: int, author: Author) -> None:
    """Move open POs' reserved and committed amounts on FISCAL_YEAR to period 1 of the next
    year; running it again moves nothing twice."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session, refusals():
        summary = carry_forward(
            session,
            fiscal_year,
            finance_user(session, author),
            alert_thresholds=settings.budget_alert_percents,
        )
        moved = Money(summary.moved_minor, summary.currency or settings.base_currency)
        typer.echo(
            f"carried forward from FY{fiscal_year} to FY{fiscal_year + 1} period 1: "
            f"{len(summary.purchase_orders)} POs, {moved}"
        )
