"""What an upload's CSV text becomes before the domain reads it, for tests that start from text:
the org files, an asset register, a card statement (stored as the API and CLI store it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.csv_table import read_csv_table
from domain.asset_register import RegisteredAsset, read_asset_register
from domain.costs.card_statements import read_card_statement
from domain.org_chart import (
    CenterDetails,
    Placement,
    read_center_details,
    read_hierarchy,
    read_people,
)
from models.costs.card_import import CardImport, import_card_statement
from models.people.records import User


def hierarchy_of(text: str) -> dict[str, str | None]:
    table = read_csv_table(text)
    return read_hierarchy(table.header, table.rows)


def center_details_of(text: str) -> dict[str, CenterDetails]:
    table = read_csv_table(text)
    return read_center_details(table.header, table.rows)


def people_of(text: str) -> list[Placement]:
    table = read_csv_table(text)
    return read_people(table.header, table.rows)


def register_of(text: str) -> list[RegisteredAsset]:
    table = read_csv_table(text)
    return read_asset_register(table.header, table.rows)


def import_statement(session: Session, text: str, *, by: User) -> CardImport:
    table = read_csv_table(text)
    payments = read_card_statement(table.header, table.rows)
    return import_card_statement(session, payments, digest=table.sha256, by=by)
