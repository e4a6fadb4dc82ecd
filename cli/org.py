"""``poflow org``: import a version of the org (the cost-center hierarchy and the org chart)
effective from a date, show the hierarchy as of a day, and restate past months per business
unit under another day's structure.

Imports are recorded as the user named by ``--as`` (finance or admin). A refusal is one line
on stderr naming its rule (and row), and exit status 2; nothing is written."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from adapters.csv_table import read_csv_table
from cli.budgets import Author, fail, finance_user
from cli.config import database_engine, load_settings
from domain.money import Money
from domain.org_chart import (
    CenterDetails,
    OrgFileError,
    Placement,
    read_center_details,
    read_hierarchy,
    read_people,
    read_scim_users,
)
from models.budgets.org_history import OrgImport, OrgRefused, hierarchy_as_of, import_org
from models.budgets.restatement import restate
from models.db import session_factory, unit_of_work

org = typer.Typer(help="The org through time: versions, hierarchy as of a day, restatement.")


def _file(help_text: str) -> object:
    return typer.Option(exists=True, dir_okay=False, help=help_text)


Day = Annotated[str | None, typer.Option(help="YYYY-MM-DD (today unless given)")]


@org.command("import")
def import_version(
    effective: Annotated[str, typer.Option(help="the day it takes effect, YYYY-MM-DD")],
    author: Author,
    hierarchy: Annotated[
        Path | None, _file("CSV: cost_center,parent[,name,owner,legal_entity]")
    ] = None,
    people: Annotated[Path | None, _file("CSV: person,cost_center,manager")] = None,
    scim: Annotated[Path | None, _file("JSON: a SCIM 2.0 ListResponse of users")] = None,
    note: str = "",
) -> None:
    """Store the org in force from EFFECTIVE; print each cost center it moves, and those it
    creates (a hierarchy row naming a new code, with its owner)."""
    settings = load_settings()
    try:
        parents, details = _hierarchy(hierarchy)
        source = "scim" if scim else "csv"
        people_of = _people(people, scim)
        org_import = OrgImport(_day(effective), source, parents, people_of, note, details)
        with unit_of_work(session_factory(database_engine(settings))) as session:
            user = finance_user(session, author)
            imported = import_org(session, org_import, by=user, at=datetime.now(UTC))
    except (OrgFileError, OrgRefused) as refused:
        raise fail(f"{refused} ({refused.rule})") from refused
    typer.echo(f"org version from {effective} ({org_import.source}) stored")
    for code, (before, after) in sorted(imported.moved.items()):
        typer.echo(f"  {code}: {before or '(business unit)'} -> {after or '(business unit)'}")
    if imported.created:
        typer.echo(f"created cost centers: {', '.join(imported.created)}")


@org.command("hierarchy")
def show_hierarchy(as_of: Day = None) -> None:
    """Every cost center with its parent and business unit as of the day."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session:
        version_from, places = hierarchy_as_of(session, _day(as_of))
    typer.echo(f"version in force from {version_from or '(none imported)'}")
    for place in places:
        typer.echo(f"{place.code:<20} parent {place.parent or '-':<20} unit {place.business_unit}")


@org.command("restate")
def restate_months(
    first: Annotated[str, typer.Option("--from", help="the first month, YYYY-MM")],
    last: Annotated[str | None, typer.Option("--to", help="the last month, YYYY-MM")] = None,
    as_of: Day = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Each month's cost and actuals per business unit, as they stood and restated under the
    structure of AS_OF."""
    settings = load_settings()
    start, end = _month(first), _month(last or first)
    with unit_of_work(session_factory(database_engine(settings))) as session:
        rows = restate(
            session, start, end, as_of=_day(as_of), start_month=settings.fiscal_year_start_month
        )
    for row in rows:
        if as_json:
            typer.echo(json.dumps({**vars(row), "month": f"{row.month:%Y-%m}"}))
            continue
        original = Money(row.original_minor, row.currency)
        restated = Money(row.restated_minor, row.currency)
        unit = f"{row.month:%Y-%m} {row.measure:<6} {row.business_unit:<20}"
        typer.echo(f"{unit} original {original}  restated {restated}")


def _people(people: Path | None, scim: Path | None) -> list[Placement] | None:
    if scim is not None:
        try:
            return read_scim_users(json.loads(scim.read_text()))
        except json.JSONDecodeError as error:
            raise OrgFileError(f"{scim.name} is not JSON ({error.msg})", "not_scim") from error
    if people is None:
        return None
    table = read_csv_table(people.read_text())
    return read_people(table.header, table.rows)


def _hierarchy(
    path: Path | None,
) -> tuple[dict[str, str | None] | None, dict[str, CenterDetails]]:
    if path is None:
        return None, {}
    table = read_csv_table(path.read_text())
    return read_hierarchy(table.header, table.rows), read_center_details(table.header, table.rows)


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else datetime.now(UTC).date()
    except ValueError as error:
        raise fail(f"{text!r} is not a day, YYYY-MM-DD") from error


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise fail(f"{text!r} is not a month, YYYY-MM") from error
