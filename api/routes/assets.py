"""Fixed assets and their depreciation: the register (imported by admins and finance), each
asset's schedule and what the ledger holds of it, and the monthly run that books it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select

from adapters.csv_table import read_csv_table
from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.month_params import first_day
from api.report_params import REPORT_READERS
from api.schemas.org import AssetOut, AssetRegisterIn, ChargeOut, DepreciationIn, DepreciationOut
from domain.asset_register import RegisterError, read_asset_register
from domain.catalog import Role
from models import FixedAsset
from models.budgets.asset_store import AssetRefused, register_assets
from models.budgets.depreciation import AssetBook, asset_books, asset_schedule, depreciate
from models.people.records import User

router = APIRouter(prefix="/api/assets", tags=["budgets"], route_class=RefusalRoute)
AssetKeeper = Annotated[User, Depends(require_role(Role.ADMIN, Role.FINANCE))]
Reader = Annotated[User, Depends(require_role(*REPORT_READERS))]


@router.get("")
def list_assets(_: Reader, session: SessionDep) -> list[AssetOut]:
    """Every fixed asset with its terms, the depreciation booked so far and its book value."""
    return [asset_out(book) for book in asset_books(session)]


@router.get("/{tag}/schedule")
def schedule(tag: str, _: Reader, session: SessionDep) -> list[ChargeOut]:
    """The asset's month-by-month charges, each marked booked when the ledger holds it."""
    asset = session.scalar(select(FixedAsset).where(FixedAsset.tag == tag))
    if asset is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {tag}")
    return [
        ChargeOut(
            month=f"{c.month:%Y-%m}",
            charge_minor=c.charge_minor,
            book_value_minor=c.book_value_minor,
            booked=c.booked,
        )
        for c in asset_schedule(session, asset)
    ]


@router.post("/register", status_code=status.HTTP_201_CREATED)
def register(
    body: AssetRegisterIn, user: AssetKeeper, session: SessionDep, runtime: RuntimeDep
) -> list[AssetOut]:
    """Register (or re-term) every asset of the CSV register; 422 naming the rule (and row) of
    the first that cannot be, and nothing is stored then."""
    try:
        table = read_csv_table(body.csv)
        assets = read_asset_register(table.header, table.rows)
        register_assets(
            session,
            assets,
            base_currency=runtime.settings.base_currency,
            by=user,
            at=datetime.now(UTC),
        )
    except RegisterError as error:
        raise Refused(422, str(error), rule=error.rule, row=error.row) from error
    except AssetRefused as refused:
        raise Refused(422, str(refused), rule=refused.rule) from refused
    tags = {asset.tag for asset in assets}
    return [asset_out(book) for book in asset_books(session) if book.asset.tag in tags]


@router.post("/depreciation")
def run_depreciation(
    body: DepreciationIn, user: AssetKeeper, session: SessionDep, runtime: RuntimeDep
) -> DepreciationOut:
    """Register the capital purchases that have no asset yet and book every month up to
    ``through``; a month already booked is not booked again."""
    settings = runtime.settings
    try:
        registered, run = depreciate(
            session,
            first_day(body.through),
            capex_gl=body.capex_gl,
            currency=settings.base_currency,
            start_month=settings.fiscal_year_start_month,
            by=user,
            at=datetime.now(UTC),
        )
    except AssetRefused as refused:
        raise Refused(422, str(refused), rule=refused.rule) from refused
    return DepreciationOut(
        assets_registered=registered,
        assets=run.assets,
        entries_posted=run.entries_posted,
        booked_minor=run.booked_minor,
        currency=run.currency,
    )


def asset_out(book: AssetBook) -> AssetOut:
    asset = book.asset
    return AssetOut(
        tag=asset.tag,
        description=asset.description,
        po_number=asset.po_number,
        cost_center=book.cost_center,
        gl_account=book.gl_account,
        cost_minor=asset.cost_minor,
        salvage_minor=asset.salvage_minor,
        currency=asset.currency,
        method=str(asset.method),
        life_months=asset.life_months,
        in_service=asset.in_service,
        booked_minor=book.booked_minor,
        book_value_minor=book.book_value_minor,
    )
