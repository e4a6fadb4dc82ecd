"""Year-end carry-forward: what POs still hold open on a fiscal year (reserved or committed)
moves to period 1 of the next year, as pairs of ``adjust`` entries (out of the old period, into
the new), so the old year closes clean and the commitment stays visible against next year's
budget. Each (PO, line, period) moves once, under a key of its own, however often this runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.catalog import PoStatus
from domain.fiscal import FiscalPeriod, fiscal_year_periods
from models import CostCenter, GlAccount, LedgerEntry, PurchaseOrder, User
from models.budgets.alerts import DEFAULT_THRESHOLDS, raise_alerts
from models.budgets.postings import Account, Posting, append, posted
from models.budgets.versions import lock_in_order

# A PO in one of these states holds nothing by right; what it still holds is for finance to
# release, not to carry into a new year.
FINISHED = (PoStatus.CLOSED, PoStatus.CANCELLED, PoStatus.REJECTED, PoStatus.REFUSED)


@dataclass(frozen=True)
class OpenHolding:
    """What one PO holds open on one line and period of the year being closed."""

    po_number: str
    account: Account
    period: FiscalPeriod
    currency: str
    reserved_minor: int
    committed_minor: int

    def key(self) -> str:
        where = f"{self.account.cost_center}:{self.account.gl_account}"
        year = self.period.fiscal_year
        return f"carry:{year}:{self.po_number}:{where}:{self.period.period}"


@dataclass(frozen=True)
class CarryForwardSummary:
    """What one run moved: the POs carried and the amounts, in base-currency minor units."""

    fiscal_year: int
    purchase_orders: tuple[str, ...]
    reserved_minor: int
    committed_minor: int
    currency: str | None

    @property
    def moved_minor(self) -> int:
        return self.reserved_minor + self.committed_minor


def carry_forward(
    session: Session,
    fiscal_year: int,
    author: User,
    *,
    alert_thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
) -> CarryForwardSummary:
    """Move every open PO's reserved and committed amounts on ``fiscal_year`` to period 1 of
    the next fiscal year. POs holding nothing, finished POs and holdings already carried move
    nothing. The lines are locked before they are read, so a posting racing with the run is
    either carried or lands after it; next year's lines may then reach an alert threshold."""
    target = FiscalPeriod(fiscal_year + 1, 1)
    accounts = _accounts_with_po_entries(session, fiscal_year)
    year = fiscal_year_periods(fiscal_year)
    lock_in_order(session, [(acct, p) for acct in accounts.values() for p in [*year, target]])
    finished = _finished_pos(session, fiscal_year)
    carried = [
        holding
        for holding in open_holdings(session, fiscal_year, accounts)
        if holding.po_number not in finished and not posted(session, holding.key())
    ]
    for holding in carried:
        append(session, _moves(holding, target, author.username))
    for acct in {holding.account for holding in carried}:
        raise_alerts(session, acct, [target], alert_thresholds)
    return CarryForwardSummary(
        fiscal_year=fiscal_year,
        purchase_orders=tuple(sorted({holding.po_number for holding in carried})),
        reserved_minor=sum(holding.reserved_minor for holding in carried),
        committed_minor=sum(holding.committed_minor for holding in carried),
        currency=carried[0].currency if carried else None,
    )


def open_holdings(
    session: Session, fiscal_year: int, accounts: dict[tuple[int, int], Account]
) -> list[OpenHolding]:
    """Per PO, line and period of the year: what is still reserved or committed (> 0)."""
    reserved = func.sum(LedgerEntry.reserved_delta_minor)
    committed = func.sum(LedgerEntry.committed_delta_minor)
    rows = session.execute(
        select(
            LedgerEntry.po_number,
            LedgerEntry.cost_center_id,
            LedgerEntry.gl_account_id,
            LedgerEntry.period,
            LedgerEntry.currency,
            reserved,
            committed,
        )
        .where(LedgerEntry.fiscal_year == fiscal_year, LedgerEntry.po_number.is_not(None))
        .group_by(
            LedgerEntry.po_number,
            LedgerEntry.cost_center_id,
            LedgerEntry.gl_account_id,
            LedgerEntry.period,
            LedgerEntry.currency,
        )
        .having((reserved > 0) | (committed > 0))
        .order_by(LedgerEntry.po_number, LedgerEntry.period)
    ).all()
    return [
        OpenHolding(
            str(po),
            accounts[(center, gl)],
            FiscalPeriod(fiscal_year, period),
            currency,
            max(int(held_reserved), 0),
            max(int(held_committed), 0),
        )
        for po, center, gl, period, currency, held_reserved, held_committed in rows
        if (center, gl) in accounts  # a line first posted after the locks: the next run
    ]


def _moves(holding: OpenHolding, target: FiscalPeriod, author: str) -> list[Posting]:
    """The pair of adjust entries: out of the old period, into the new; net zero."""
    old = holding.period
    out_of = Posting(
        kind="adjust",
        account=holding.account,
        period=old,
        currency=holding.currency,
        idempotency_key=holding.key(),
        reserved=-holding.reserved_minor,
        committed=-holding.committed_minor,
        po_number=holding.po_number,
        reference=f"carry-forward FY{old.fiscal_year}",
        note=f"carried forward to FY{target.fiscal_year} period {target.period}",
        posted_by=author,
    )
    into = replace(
        out_of,
        period=target,
        reserved=holding.reserved_minor,
        committed=holding.committed_minor,
        note=f"carried forward from FY{old.fiscal_year} period {old.period}",
    )
    return [out_of, into]


def _accounts_with_po_entries(session: Session, fiscal_year: int) -> dict[tuple[int, int], Account]:
    rows = session.execute(
        select(CostCenter, GlAccount)
        .join(LedgerEntry, LedgerEntry.cost_center_id == CostCenter.id)
        .join(GlAccount, GlAccount.id == LedgerEntry.gl_account_id)
        .where(LedgerEntry.fiscal_year == fiscal_year, LedgerEntry.po_number.is_not(None))
        .distinct()
    ).all()
    return {(center.id, gl.id): Account.of(center, gl) for center, gl in rows}


def _finished_pos(session: Session, fiscal_year: int) -> set[str]:
    """POs with entries on the year whose read model says they are finished."""
    with_entries = select(LedgerEntry.po_number).where(LedgerEntry.fiscal_year == fiscal_year)
    return set(
        session.scalars(
            select(PurchaseOrder.po_number).where(
                PurchaseOrder.po_number.in_(with_entries), PurchaseOrder.status.in_(FINISHED)
            )
        )
    )
