"""Reading and writing a cost source's configuration: the source itself, its owners, its
account mappings and the invoice totals entered for it; and the list of sources with their
last load and newest data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from models.budgets.org import CostCenter, GlAccount
from models.costs.records import (
    CostAccountMapping,
    CostDaily,
    CostInvoiceTotal,
    CostLoad,
    CostSource,
    CostSourceOwner,
)
from models.people.records import User
from models.vendors.records import Contract


def source_named(session: Session, name: str) -> CostSource | None:
    return session.scalar(select(CostSource).where(CostSource.name == name))


def owner_names(session: Session, source_id: int) -> list[str]:
    query = (
        select(User.username)
        .join(CostSourceOwner, CostSourceOwner.user_id == User.id)
        .where(CostSourceOwner.source_id == source_id)
        .order_by(User.username)
    )
    return list(session.scalars(query))


def users_named(session: Session, usernames: Iterable[str]) -> dict[str, int]:
    """Username -> id of those of ``usernames`` that exist."""
    rows = session.execute(select(User.username, User.id).where(User.username.in_(usernames)))
    return {name: user_id for name, user_id in rows}


def replace_owners(session: Session, source_id: int, user_ids: Iterable[int]) -> None:
    session.execute(delete(CostSourceOwner).where(CostSourceOwner.source_id == source_id))
    session.add_all(CostSourceOwner(source_id=source_id, user_id=u) for u in set(user_ids))


def cost_center_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    rows = session.execute(select(CostCenter.code, CostCenter.id).where(CostCenter.code.in_(codes)))
    return {code: center_id for code, center_id in rows}


def gl_account_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    rows = session.execute(select(GlAccount.code, GlAccount.id).where(GlAccount.code.in_(codes)))
    return {code: account_id for code, account_id in rows}


def contract_ids(session: Session, references: Iterable[str]) -> dict[str, int]:
    query = select(Contract.reference, Contract.id).where(Contract.reference.in_(references))
    return {reference: contract_id for reference, contract_id in session.execute(query)}


@dataclass(frozen=True)
class AccountMapping:
    """A billing account or sub-account of a source mapped to a cost center and GL account
    (by code), optionally drawing on a PO; or a commitment discount (``CommitmentDiscountId``)
    naming the contract (by reference) whose PO in force its lines draw on."""

    account_kind: str
    account_id: str
    cost_center: str | None
    gl_account: str | None
    po_number: str | None = None
    contract: str | None = None


@dataclass(frozen=True)
class MappingIds:
    """What a mapping names, by id."""

    cost_center_id: int | None
    gl_account_id: int | None
    contract_id: int | None


def account_mappings(session: Session, source_id: int) -> list[AccountMapping]:
    query = (
        select(CostAccountMapping, CostCenter.code, GlAccount.code, Contract.reference)
        .outerjoin(CostCenter, CostCenter.id == CostAccountMapping.cost_center_id)
        .outerjoin(GlAccount, GlAccount.id == CostAccountMapping.gl_account_id)
        .outerjoin(Contract, Contract.id == CostAccountMapping.contract_id)
        .where(CostAccountMapping.source_id == source_id)
        .order_by(CostAccountMapping.account_kind, CostAccountMapping.account_id)
    )
    return [
        AccountMapping(m.account_kind, m.account_id, center, gl, m.po_number, contract)
        for m, center, gl, contract in session.execute(query)
    ]


def replace_mappings(
    session: Session, source_id: int, rows: Sequence[tuple[AccountMapping, MappingIds]]
) -> None:
    """The source's mappings become ``rows`` (each mapping with what it names, by id)."""
    session.execute(delete(CostAccountMapping).where(CostAccountMapping.source_id == source_id))
    session.add_all(
        CostAccountMapping(
            source_id=source_id,
            account_kind=m.account_kind,
            account_id=m.account_id,
            cost_center_id=ids.cost_center_id,
            gl_account_id=ids.gl_account_id,
            po_number=m.po_number,
            contract_id=ids.contract_id,
        )
        for m, ids in rows
    )


@dataclass(frozen=True)
class InvoiceTotal:
    invoice_id: str
    billing_period_start: datetime
    currency: str
    total: Decimal
    tax: Decimal | None
    entered_by: str


def invoice_totals(session: Session, source_id: int) -> list[InvoiceTotal]:
    query = (
        select(CostInvoiceTotal)
        .where(CostInvoiceTotal.source_id == source_id)
        .order_by(CostInvoiceTotal.billing_period_start, CostInvoiceTotal.invoice_id)
    )
    return [
        InvoiceTotal(t.invoice_id, t.billing_period_start, t.currency, t.total, t.tax, t.entered_by)
        for t in session.scalars(query)
    ]


def put_invoice_total(session: Session, source_id: int, total: InvoiceTotal) -> None:
    """Enters an invoice's total; entering it again replaces it."""
    values = {"source_id": source_id, **vars(total)}
    statement = insert(CostInvoiceTotal).values(**values)
    changed = {k: statement.excluded[k] for k in values if k not in ("source_id", "invoice_id")}
    session.execute(
        statement.on_conflict_do_update(index_elements=["source_id", "invoice_id"], set_=changed)
    )


@dataclass(frozen=True)
class SourceListing:
    """A source with its last load (when any) and the newest day its data covers."""

    source: CostSource
    last_load_status: str | None
    last_load_at: datetime | None
    last_load_file: str | None
    newest_data: date | None


def source_listings(session: Session) -> list[SourceListing]:
    last = (
        select(CostLoad.source_id, func.max(CostLoad.id).label("load_id"))
        .group_by(CostLoad.source_id)
        .subquery()
    )
    newest = (
        select(CostDaily.source_id, func.max(CostDaily.usage_date).label("day"))
        .group_by(CostDaily.source_id)
        .subquery()
    )
    query = (
        select(CostSource, CostLoad, newest.c.day)
        .outerjoin(last, last.c.source_id == CostSource.id)
        .outerjoin(CostLoad, CostLoad.id == last.c.load_id)
        .outerjoin(newest, newest.c.source_id == CostSource.id)
        .order_by(CostSource.name)
    )
    return [
        SourceListing(
            source,
            load.status.value if load else None,
            (load.finished_at or load.started_at) if load else None,
            load.file_name if load else None,
            day,
        )
        for source, load, day in session.execute(query)
    ]
