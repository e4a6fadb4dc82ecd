"""``poflow assets``: register fixed assets from a CSV register, run the monthly depreciation
(capital purchases registered, every month up to the one named booked once), list the assets
and show an asset's schedule.

Writes are recorded as the user named by ``--as`` (finance or admin). A refusal is one line on
stderr naming its rule (and row), and exit status 2; nothing is written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from adapters.csv_table import read_csv_table
from cli.budgets import Author, fail, finance_user
from cli.config import database_engine, load_settings
from domain.asset_register import RegisterError, read_asset_register
from domain.money import Money
from models import FixedAsset
from models.budgets.asset_store import AssetRefused, register_assets
from models.budgets.depreciation import asset_books, asset_schedule, depreciate
from models.db import session_factory, unit_of_work

assets = typer.Typer(help="Fixed assets: register, depreciation run, list, schedule.")


@assets.command("register")
def register(
    register_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)], author: Author
) -> None:
    """Register (or re-term) every asset of the CSV register."""
    settings = load_settings()
    try:
        table = read_csv_table(register_file.read_text())
        rows = read_asset_register(table.header, table.rows)
        with unit_of_work(session_factory(database_engine(settings))) as session:
            stored = register_assets(
                session,
                rows,
                base_currency=settings.base_currency,
                by=finance_user(session, author),
                at=datetime.now(UTC),
            )
            tags = [asset.tag for asset in stored]
    except (RegisterError, AssetRefused) as refused:
        raise fail(f"{refused} ({refused.rule})") from refused
    typer.echo(f"{len(tags)} assets registered: {', '.join(tags)}")


@assets.command("depreciate")
def run_depreciation(
    through: Annotated[str, typer.Option(help="the last month to book, YYYY-MM")],
    author: Author,
    capex_gl: Annotated[
        str | None, typer.Option(help="the capital GL account of POs whose own is not one")
    ] = None,
) -> None:
    """Register capital purchases that have no asset yet, then book every month up to THROUGH
    (a month already booked is not booked again)."""
    settings = load_settings()
    try:
        month = date.fromisoformat(f"{through}-01")
    except ValueError as error:
        raise fail(f"{through!r} is not a month, YYYY-MM") from error
    try:
        with unit_of_work(session_factory(database_engine(settings))) as session:
            registered, run = depreciate(
                session,
                month,
                capex_gl=capex_gl,
                currency=settings.base_currency,
                start_month=settings.fiscal_year_start_month,
                by=finance_user(session, author),
                at=datetime.now(UTC),
            )
    except AssetRefused as refused:
        raise fail(f"{refused} ({refused.rule})") from refused
    for tag in registered:
        typer.echo(f"registered {tag}")
    booked = Money(run.booked_minor, run.currency)
    typer.echo(f"depreciation through {through}: {run.entries_posted} entries, {booked}")


@assets.command("list")
def list_assets() -> None:
    """Every asset: cost center, GL account, cost, booked to date and book value."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session:
        for book in asset_books(session):
            asset, currency = book.asset, book.asset.currency
            typer.echo(
                f"{asset.tag:<16} {book.cost_center}/{book.gl_account}  "
                f"{Money(asset.cost_minor, currency)}  booked {Money(book.booked_minor, currency)}"
                f"  book value {Money(book.book_value_minor, currency)}  {asset.method}"
                f" {asset.life_months}m from {asset.in_service}"
            )


@assets.command("schedule")
def show_schedule(tag: str) -> None:
    """The asset's schedule, month by month; booked months are marked."""
    settings = load_settings()
    with unit_of_work(session_factory(database_engine(settings))) as session:
        asset = session.scalar(select(FixedAsset).where(FixedAsset.tag == tag))
        if asset is None:
            raise fail(f"no asset {tag}")
        for charge in asset_schedule(session, asset):
            mark = "booked" if charge.booked else ""
            typer.echo(
                f"{charge.month:%Y-%m}  {Money(charge.charge_minor, asset.currency)}"
                f"  book value {Money(charge.book_value_minor, asset.currency)}  {mark}".rstrip()
            )
