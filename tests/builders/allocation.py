"""Builders for allocation tests: a small organisation of its own (business units, cost centers
under them, IT services, GL accounts), an allocation model put in force, cost lines of a billing
period of their own loaded and swapped in as a load does (EffectiveCost in the base currency,
tags normalised), and ``actual`` ledger entries of a period keyed as depreciation, cloud
actuals, chargeback or anything else books them. Lines are committed; a test's model, org and
ledger entries live in its own transaction."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from psycopg import Connection as PgConnection
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from domain.costs.tag_keys import normalised_tags
from domain.fiscal import fiscal_period
from models import CostCenter, CostDocument, GlAccount, ItService, User
from models.budgets.postings import Posting, append
from models.budgets.postings import account as budget_account
from models.costs.document_store import decide_document, propose_document
from models.costs.loading import copy_staged, open_load, swap_in
from models.people.accounts import upsert_user
from tests.models.costs.lines import a_source

_MONTHS = itertools.count()
_COLUMNS = (
    "slice_id",
    "load_id",
    "file_row",
    "billing_account_id",
    "billing_period_start",
    "charge_period_start",
    "charge_category",
    "sub_account_id",
    "service_name",
    "resource_id",
    "consumed_quantity",
    "billed_cost",
    "effective_cost",
    "billing_currency",
    "base_currency",
    "effective_cost_base",
    "tags",
    "tags_normalised",
)


def a_period() -> date:
    """A billing period no other test loads lines into (from January 2200, one a call)."""
    number = next(_MONTHS)
    return date(2200 + number // 12, number % 12 + 1, 1)


@dataclass(frozen=True)
class CostLine:
    amount: Decimal  # EffectiveCost, in the base currency
    account: str = "111"
    service: str = "Amazon EC2"
    sub_account: str | None = None
    resource: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    quantity: Decimal | None = None
    currency: str = "EUR"


def load_lines(engine: Engine, period: date, lines: Sequence[CostLine]) -> None:
    """Each billing account's lines of ``period`` as one load of a source of their own."""
    source = a_source(engine)
    start = datetime(period.year, period.month, 1, tzinfo=UTC)
    for account in sorted({line.account for line in lines}):
        load_id = open_load(
            engine,
            source_id=source,
            billing_account_id=account,
            billing_period_start=start,
            file_name=f"{account}.csv",
            file_hash=uuid.uuid4().hex,
        )
        mine = [line for line in lines if line.account == account]
        with engine.connect() as connection:
            slice_id = connection.exec_driver_sql(
                f"SELECT slice_id FROM cost_loads WHERE id = {load_id}"
            ).scalar_one()
            raw = connection.connection.driver_connection
            assert isinstance(raw, PgConnection)
            rows = [_row(slice_id, load_id, n, start, line) for n, line in enumerate(mine, 1)]
            copy_staged(raw, load_id, rows, _COLUMNS)
            raw.commit()
        swap_in(engine, load_id)


def _row(
    slice_id: int, load_id: int, number: int, start: datetime, line: CostLine
) -> tuple[Any, ...]:
    return (
        slice_id,
        load_id,
        number,
        line.account,
        start,
        start + timedelta(days=number % 28),
        "Usage",
        line.sub_account,
        line.service,
        line.resource,
        line.quantity,
        line.amount,
        line.amount,
        line.currency,
        line.currency,
        line.amount,
        Jsonb(line.tags),
        Jsonb(normalised_tags(line.tags)),
    )


@dataclass(frozen=True)
class AllocationOrg:
    """Two business units, cost centers under them, two IT services; codes of their own."""

    author: User
    approver: User
    units: tuple[str, ...]
    centers: tuple[str, ...]  # each under units[i % 2]
    services: tuple[str, ...]  # provided by centers[0]
    gl_accounts: tuple[str, ...] = ()  # labour, then hardware


def allocation_org(session: Session, centers: int = 4) -> AllocationOrg:
    tag = uuid.uuid4().hex[:6]
    author = upsert_user(session, f"alloc-author-{tag}", roles=[Role.FINANCE])
    approver = upsert_user(session, f"alloc-approver-{tag}", roles=[Role.FINANCE])
    units = [CostCenter(code=f"BU{n}-{tag}", name=f"Unit {n}", owner_id=author.id) for n in (1, 2)]
    session.add_all(units)
    session.flush()
    children = [
        CostCenter(
            code=f"CC{n}-{tag}", name=f"Team {n}", owner_id=author.id, parent_id=units[n % 2].id
        )
        for n in range(centers)
    ]
    session.add_all(children)
    session.flush()
    services = [
        ItService(
            code=f"{name}-{tag}",
            name=name,
            owner_id=author.id,
            provider_cost_center_id=children[0].id,
        )
        for name in ("VM", "IDENTITY")
    ]
    session.add_all(services)
    accounts = [GlAccount(code=f"{name}-{tag}", name=name) for name in ("LABOUR", "HARDWARE")]
    session.add_all(accounts)
    session.flush()
    return AllocationOrg(
        author,
        approver,
        tuple(u.code for u in units),
        tuple(c.code for c in children),
        tuple(s.code for s in services),
        tuple(a.code for a in accounts),
    )


def book_actual(
    session: Session,
    center: str,
    gl_account: str,
    month: date,
    minor: int,
    *,
    key: str = "erp-gl:",
    currency: str = "EUR",
    start_month: int = 1,
) -> int:
    """An ``actual`` entry of ``minor`` on the budget line in ``month``'s fiscal period, its
    idempotency key starting with ``key`` (``depreciation:``, ``cost-load:``, ``chargeback:``
    or another booker's); the entry's id."""
    posting = Posting(
        kind="actual",
        account=budget_account(session, center, gl_account),
        period=fiscal_period(month, start_month),
        currency=currency,
        idempotency_key=f"{key}{uuid.uuid4().hex}",
        actual=minor,
    )
    append(session, [posting])
    entry: int = session.execute(
        text("SELECT id FROM ledger_entries WHERE idempotency_key = :key"),
        {"key": posting.idempotency_key},
    ).scalar_one()
    return entry


def model_in_force(
    session: Session, org: AllocationOrg, rules: list[dict[str, Any]], at: datetime
) -> CostDocument:
    """``rules`` proposed by the org's author and approved by its approver at ``at``."""
    kind = DocumentKind.ALLOCATION_MODEL
    proposal = propose_document(
        session, kind, {"rules": rules}, note="allocation", author=org.author, at=at
    )
    return decide_document(
        session, kind, proposal.version, decider=org.approver, approve=True, note="ok", at=at
    )
