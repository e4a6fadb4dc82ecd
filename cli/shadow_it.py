"""``poflow shadow-it``: the shadow IT report per month (unowned accounts' cost, vendors paid
outside procurement) as text, JSON lines or CSV, and the import of a card statement."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from adapters.csv_table import read_csv_table
from api.shadow_it_csv import shadow_it_csv
from cli.budgets import Author, fail, finance_user
from cli.config import database_engine, load_settings
from domain.costs.card_statements import CardStatementError, read_card_statement
from domain.money import Money
from models.costs.card_import import import_card_statement
from models.costs.shadow_it import shadow_it
from models.db import session_factory, unit_of_work

shadow = typer.Typer(help="Shadow IT: the report per month, card-statement imports.")


@shadow.command("report")
def report(
    first: Annotated[str, typer.Option("--from", help="the first month, YYYY-MM")],
    last: Annotated[str | None, typer.Option("--to", help="the last month, YYYY-MM")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per row")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV, header first")] = False,
) -> None:
    """Shadow IT spend per month: unowned accounts, vendors not in the master or paid
    without a PO."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session:
        rows = shadow_it(session, _month(first), _month(last or first))
    if as_csv:
        sys.stdout.write(shadow_it_csv(rows))
        return
    for row in rows:
        if as_json:
            typer.echo(json.dumps({**vars(row), "month": f"{row.month:%Y-%m}"}))
            continue
        amount = Money(row.amount_minor, row.currency)
        typer.echo(
            f"{row.month:%Y-%m} {row.paid_through:<9} {row.name:<30} {amount:>16}  "
            f"{','.join(row.reasons)}{f'  ({row.detail})' if row.detail else ''}"
        )


@shadow.command("import-cards")
def import_cards(
    statement: Annotated[Path, typer.Argument(exists=True, dir_okay=False)], author: Author
) -> None:
    """Import a card statement (date, merchant, amount, currency, card_holder[, mcc,
    description]); the same file again adds nothing."""
    settings = load_settings()
    try:
        with unit_of_work(session_factory(database_engine(settings))) as session:
            table = read_csv_table(statement.read_text())
            payments = read_card_statement(table.header, table.rows)
            imported = import_card_statement(
                session, payments, digest=table.sha256, by=finance_user(session, author)
            )
    except CardStatementError as refused:
        raise fail(f"{refused} ({refused.rule})") from refused
    typer.echo(f"{imported.transactions} transactions read, {imported.added} new")


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise fail(f"{text!r} is not a month, YYYY-MM") from error
