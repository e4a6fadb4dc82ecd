"""Usage of a billing period of its own for month-end close tests: lines loaded and swapped in
as a load does (EffectiveCost in the base currency, on a cost center and GL account, with or
without an invoice id), invoice totals entered for some invoice ids, and the loads' cloud
actuals booked in the ledger. Everything is committed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from psycopg import Connection as PgConnection
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.costs.actuals import book_actuals
from models.costs.invoice_totals import InvoiceTotal, enter_invoice_total
from models.costs.loading import copy_staged, open_load, swap_in
from models.db import unit_of_work
from tests.models.costs.lines import a_source

_COLUMNS = (
    "slice_id",
    "load_id",
    "file_row",
    "billing_account_id",
    "billing_period_start",
    "charge_period_start",
    "charge_category",
    "service_name",
    "invoice_id",
    "billed_cost",
    "effective_cost",
    "billing_currency",
    "base_currency",
    "effective_cost_base",
    "cost_center_id",
    "gl_account_id",
)


@dataclass(frozen=True)
class Usage:
    """A line of usage: EUR, on the account's cost center and GL, ``invoice`` if invoiced."""

    account: str
    amount: Decimal
    invoice: str | None = None


def load_usage(
    sessions: sessionmaker[Session],
    period: date,
    center_id: int,
    gl_id: int,
    usage: Sequence[Usage],
    received: Sequence[tuple[str, Decimal]] = (),
) -> int:
    """Load ``usage`` of ``period`` (one load per billing account of a new source), enter the
    ``received`` invoice totals, and book the loads' actuals in EUR; the source's id."""
    engine = sessions.kw["bind"]
    assert isinstance(engine, Engine)
    source = a_source(engine)
    start = datetime(period.year, period.month, 1, tzinfo=UTC)
    loads = []
    for account in sorted({item.account for item in usage}):
        load_id = open_load(
            engine,
            source_id=source,
            billing_account_id=account,
            billing_period_start=start,
            file_name=f"{account}.csv",
            file_hash=uuid.uuid4().hex,
        )
        with engine.connect() as connection:
            slice_id = connection.exec_driver_sql(
                f"SELECT slice_id FROM cost_loads WHERE id = {load_id}"
            ).scalar_one()
            raw = connection.connection.driver_connection
            assert isinstance(raw, PgConnection)
            mine = [item for item in usage if item.account == account]
            rows = [
                _row(slice_id, load_id, n, start, item, center_id, gl_id)
                for n, item in enumerate(mine, 1)
            ]
            copy_staged(raw, load_id, rows, _COLUMNS)
            raw.commit()
        swap_in(engine, load_id)
        loads.append(load_id)
    with unit_of_work(sessions) as session:
        for invoice, total in received:
            total_of = InvoiceTotal("EUR", total)
            enter_invoice_total(
                session, source, invoice, f"{period:%Y-%m}", total_of, entered_by="fiona"
            )
        book_actuals(session, loads, currency="EUR", start_month=1)
    return source


def _row(
    slice_id: int, load_id: int, number: int, start: datetime, item: Usage, center: int, gl: int
) -> tuple[object, ...]:
    charged = start + timedelta(days=number % 28)
    amount = item.amount
    lineage = (slice_id, load_id, number)
    focus = (item.account, start, charged, "Usage", "Amazon EC2", item.invoice, amount, amount)
    return (*lineage, *focus, "EUR", "EUR", amount, center, gl)
