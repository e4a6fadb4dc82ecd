"""Booking depreciation: each month of a fixed asset's schedule, once the month has come, is
one ``actual`` ledger entry on the asset's cost center and GL account, keyed
``depreciation:<tag>:<YYYY-MM>`` (so booking again posts nothing twice) and referencing
``asset:<tag>``. The schedule and what was booked of it are read together for the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.depreciation import AssetTerms, Charge, schedule
from domain.fiscal import fiscal_period
from models import CostCenter, FixedAsset, GlAccount, LedgerEntry
from models.budgets.asset_store import DEPRECIATION_KEY, register_po_assets
from models.budgets.postings import Account, Posting, append, lock_lines, posted
from models.people.records import User


@dataclass(frozen=True)
class DepreciationRun:
    """What a run booked: the assets it read, the entries it posted and their sum."""

    assets: int
    entries_posted: int
    booked_minor: int
    currency: str


@dataclass(frozen=True)
class ScheduledCharge:
    """A month of an asset's schedule and whether the ledger has it."""

    month: date
    charge_minor: int
    book_value_minor: int
    booked: bool


def terms(asset: FixedAsset) -> AssetTerms:
    return AssetTerms(
        asset.cost_minor, asset.salvage_minor, asset.life_months, asset.method, asset.in_service
    )


def book_depreciation(
    session: Session, through: date, *, currency: str, start_month: int, tag: str | None = None
) -> DepreciationRun:
    """Book every month up to and including ``through``'s of every asset in ``currency`` (or
    of the asset ``tag`` alone) that the ledger does not hold yet."""
    query = select(FixedAsset).where(FixedAsset.currency == currency).order_by(FixedAsset.tag)
    if tag is not None:
        query = query.where(FixedAsset.tag == tag)
    assets = list(session.scalars(query))
    posted_count, booked = 0, 0
    for asset in assets:
        account = _account(session, asset)
        for charge in schedule(terms(asset)):
            if charge.month > through or charge.charge_minor == 0:
                continue
            posting = _posting(asset, account, charge, currency, start_month)
            if posted(session, posting.idempotency_key):
                continue
            lock_lines(session, account, [posting.period])
            append(session, [posting])
            posted_count, booked = posted_count + 1, booked + charge.charge_minor
    return DepreciationRun(len(assets), posted_count, booked, currency)


def depreciate(
    session: Session,
    through: date,
    *,
    capex_gl: str | None,
    currency: str,
    start_month: int,
    by: User | None,
    at: datetime,
) -> tuple[list[str], DepreciationRun]:
    """The monthly run: register the capital purchases that have no asset yet, then book every
    asset's months up to ``through``. Returns the tags registered and what was booked."""
    registered = register_po_assets(session, capex_gl=capex_gl, by=by, at=at)
    run = book_depreciation(session, through, currency=currency, start_month=start_month)
    return [asset.tag for asset in registered], run


def asset_schedule(session: Session, asset: FixedAsset) -> list[ScheduledCharge]:
    """The asset's schedule, each month marked booked when the ledger holds it."""
    booked = set(
        session.scalars(
            select(LedgerEntry.idempotency_key).where(
                LedgerEntry.idempotency_key.like(f"{DEPRECIATION_KEY}{asset.tag}:%")
            )
        )
    )
    return [
        ScheduledCharge(c.month, c.charge_minor, c.book_value_minor, _key(asset, c) in booked)
        for c in schedule(terms(asset))
    ]


def booked_to_date(session: Session, asset: FixedAsset) -> int:
    """The sum of the asset's depreciation entries in the ledger."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.actual_delta_minor), 0)).where(
            LedgerEntry.idempotency_key.like(f"{DEPRECIATION_KEY}{asset.tag}:%")
        )
    )
    return int(total or 0)


def _account(session: Session, asset: FixedAsset) -> Account:
    center = session.get(CostCenter, asset.cost_center_id)
    gl = session.get(GlAccount, asset.gl_account_id)
    assert center is not None and gl is not None  # foreign keys
    return Account.of(center, gl)


def _key(asset: FixedAsset, charge: Charge) -> str:
    return f"{DEPRECIATION_KEY}{asset.tag}:{charge.month:%Y-%m}"


def _posting(
    asset: FixedAsset, account: Account, charge: Charge, currency: str, start_month: int
) -> Posting:
    return Posting(
        kind="actual",
        account=account,
        period=fiscal_period(charge.month, start_month),
        currency=currency,
        idempotency_key=_key(asset, charge),
        actual=charge.charge_minor,
        reference=f"asset:{asset.tag}"[:120],
        note=f"depreciation {charge.month:%Y-%m}: {asset.description}"[:300],
    )


@dataclass(frozen=True)
class AssetBook:
    """An asset, where it is booked, and what of its depreciation the ledger holds."""

    asset: FixedAsset
    cost_center: str
    gl_account: str
    booked_minor: int

    @property
    def book_value_minor(self) -> int:
        return self.asset.cost_minor - self.booked_minor


def asset_books(session: Session, *, po_number: str | None = None) -> list[AssetBook]:
    """Every asset (or a PO's), by tag."""
    query = (
        select(FixedAsset, CostCenter.code, GlAccount.code)
        .join(CostCenter, CostCenter.id == FixedAsset.cost_center_id)
        .join(GlAccount, GlAccount.id == FixedAsset.gl_account_id)
        .order_by(FixedAsset.tag)
    )
    if po_number is not None:
        query = query.where(FixedAsset.po_number == po_number)
    return [
        AssetBook(asset, center, gl, booked_to_date(session, asset))
        for asset, center, gl in session.execute(query).tuples()
    ]
