"""Drill-down of one budget line (cost center x GL account x period): the POs that hold or spent
money on it, and the entries posted without a PO (actual cost, adjustments).

The line includes the cost center's descendants, as the budget report's figures do, so the POs
and entries listed add up to the line's reserved, committed and actual figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from domain.budget import LineBalance
from models import CostCenter, LedgerEntry, PurchaseOrder
from models.budgets.report_scope import centers_in_scope, gl_account_id
from models.budgets.reports import NOTHING, rolled_up


@dataclass(frozen=True)
class PoOnLine:
    """What one PO holds and spent on the line: reserved and committed now (net of every entry),
    and how much of its commitment invoices relieved and releases gave back."""

    po_number: str
    cost_center: str
    title: str | None
    vendor: str | None
    status: str | None
    reserved_minor: int
    committed_minor: int
    relieved_minor: int
    released_minor: int
    actual_minor: int


@dataclass(frozen=True)
class EntryOffPo:
    """A ledger entry on the line that is not tied to a PO."""

    entry_id: int
    kind: str
    cost_center: str
    reserved_minor: int
    committed_minor: int
    actual_minor: int
    reference: str | None
    note: str
    posted_by: str
    created_at: datetime


@dataclass(frozen=True)
class LineDetail:
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    figures: LineBalance
    purchase_orders: list[PoOnLine]
    other_entries: list[EntryOffPo]


def line_detail(
    session: Session, cost_center: str, gl_account: str, fiscal_year: int, period: int
) -> LineDetail:
    """The line's rolled-up figures, its POs (by PO number) and its entries without a PO (in
    posting order). LookupError names an unknown cost center or GL account."""
    if not 1 <= period <= 12:
        raise ValueError("a fiscal period is 1..12")
    centers = centers_in_scope(session, cost_center)
    gl_id = gl_account_id(session, gl_account)
    ids = [center.id for center in centers]
    on_line = (
        LedgerEntry.cost_center_id.in_(ids),
        LedgerEntry.gl_account_id == gl_id,
        LedgerEntry.fiscal_year == fiscal_year,
        LedgerEntry.period == period,
    )
    figures = rolled_up(session, fiscal_year, ids[:1]).get((ids[0], gl_id, period), NOTHING)
    return LineDetail(
        cost_center,
        gl_account,
        fiscal_year,
        period,
        figures,
        _purchase_orders(session, on_line),
        _other_entries(session, on_line),
    )


def _purchase_orders(session: Session, on_line: tuple[ColumnElement[bool], ...]) -> list[PoOnLine]:
    relieved = case((LedgerEntry.kind == "relieve", -LedgerEntry.committed_delta_minor), else_=0)
    released = case(
        (
            LedgerEntry.kind == "release",
            -(LedgerEntry.reserved_delta_minor + LedgerEntry.committed_delta_minor),
        ),
        else_=0,
    )
    rows = session.execute(
        select(
            LedgerEntry.po_number,
            CostCenter.code,
            PurchaseOrder.title,
            PurchaseOrder.vendor,
            PurchaseOrder.status,
            func.sum(LedgerEntry.reserved_delta_minor),
            func.sum(LedgerEntry.committed_delta_minor),
            func.sum(relieved),
            func.sum(released),
            func.sum(LedgerEntry.actual_delta_minor),
        )
        .join(CostCenter, CostCenter.id == LedgerEntry.cost_center_id)
        .outerjoin(PurchaseOrder, PurchaseOrder.po_number == LedgerEntry.po_number)
        .where(LedgerEntry.po_number.is_not(None), *on_line)
        .group_by(
            LedgerEntry.po_number,
            CostCenter.code,
            PurchaseOrder.title,
            PurchaseOrder.vendor,
            PurchaseOrder.status,
        )
        .order_by(LedgerEntry.po_number, CostCenter.code)
    ).all()
    return [
        PoOnLine(
            str(number),
            code,
            title,
            vendor,
            status.value if status is not None else None,
            *(int(amount) for amount in amounts),
        )
        for number, code, title, vendor, status, *amounts in rows
    ]


def _other_entries(session: Session, on_line: tuple[ColumnElement[bool], ...]) -> list[EntryOffPo]:
    rows = session.execute(
        select(LedgerEntry, CostCenter.code)
        .join(CostCenter, CostCenter.id == LedgerEntry.cost_center_id)
        .where(LedgerEntry.po_number.is_(None), *on_line)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    ).all()
    return [
        EntryOffPo(
            entry.id,
            entry.kind,
            code,
            entry.reserved_delta_minor,
            entry.committed_delta_minor,
            entry.actual_delta_minor,
            entry.reference,
            entry.note,
            entry.posted_by,
            entry.created_at,
        )
        for entry, code in rows
    ]
