"""Builders for expense dashboard tests: cost lines of a month of their own on the cost centers
their load mapped them to (no allocation run), and an organisation with a cost-center owner who
owns one center only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from psycopg import Connection as PgConnection
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.catalog import Role
from models import CostCenter, User
from models.costs.loading import copy_staged, open_load, swap_in
from models.people.accounts import upsert_user
from tests.builders.allocation import AllocationOrg, allocation_org
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
    "service_category",
    "resource_id",
    "billed_cost",
    "effective_cost",
    "billing_currency",
    "base_currency",
    "effective_cost_base",
    "cost_center_id",
)


@dataclass(frozen=True)
class OwnedLine:
    center_id: int | None
    service: str
    amount: Decimal  # EffectiveCost in EUR, the base currency
    resource: str | None = None
    category: str = "Compute"


def load_owned_lines(engine: Engine, period: date, lines: Sequence[OwnedLine]) -> None:
    """The lines of ``period`` as one load, swapped in, each on its cost center."""
    start = datetime(period.year, period.month, 1, tzinfo=UTC)
    load_id = open_load(
        engine,
        source_id=a_source(engine),
        billing_account_id="dash-1",
        billing_period_start=start,
        file_name="dash.csv",
        file_hash=uuid.uuid4().hex,
    )
    with engine.connect() as connection:
        slice_id = connection.exec_driver_sql(
            f"SELECT slice_id FROM cost_loads WHERE id = {load_id}"
        ).scalar_one()
        raw = connection.connection.driver_connection
        assert isinstance(raw, PgConnection)
        rows = [_row(slice_id, load_id, n, start, line) for n, line in enumerate(lines, 1)]
        copy_staged(raw, load_id, rows, _COLUMNS)
        raw.commit()
    swap_in(engine, load_id)


def _row(
    slice_id: int, load_id: int, number: int, start: datetime, line: OwnedLine
) -> tuple[object, ...]:
    charged = start + timedelta(days=number % 28)
    return (
        slice_id,
        load_id,
        number,
        "dash-1",
        start,
        charged,
        "Usage",
        line.service,
        line.category,
        line.resource,
        line.amount,
        line.amount,
        "EUR",
        "EUR",
        line.amount,
        line.center_id,
    )


@dataclass(frozen=True)
class OwnedOrg:
    """``org``'s centers[1] is owned by ``owner`` alone (an approver, no cost-reader role)."""

    org: AllocationOrg
    owner: User
    ids: dict[str, int]


def owned_org(session: Session) -> OwnedOrg:
    org = allocation_org(session)
    owner = upsert_user(session, f"dash-owner-{uuid.uuid4().hex[:6]}", roles=[Role.APPROVER])
    centers = {
        c.code: c for c in session.query(CostCenter).filter(CostCenter.code.in_(org.centers))
    }
    centers[org.centers[1]].owner_id = owner.id
    session.flush()
    return OwnedOrg(org, owner, {code: center.id for code, center in centers.items()})
