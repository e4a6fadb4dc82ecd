"""Fixed assets and their depreciation: a capital purchase (a PO with an asset tag) becomes an
asset in service from its receipt; each month that has come is booked once as an actual on the
asset's cost center and capital GL account; a register sets other terms, and an asset with
booked months keeps its terms."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.asset_register import REGISTER_COLUMNS, RegisterError
from domain.catalog import PoStatus
from domain.purchase_order import PoView
from models import GlAccount, LedgerEntry, PurchaseOrder
from models.budgets.asset_store import AssetRefused, register_assets, register_po_assets
from models.budgets.depreciation import asset_schedule, book_depreciation, booked_to_date
from models.integrations.erp_events import ErpStatusRow
from models.people.accounts import find_user
from models.people.records import User
from models.purchase_orders.records import view_document
from tests.builders.requisitions import laptops
from tests.builders.uploads import register_of
from tests.models.org.builders import Org, an_org

AT = datetime(2025, 1, 5, tzinfo=UTC)
HEADER = ",".join(REGISTER_COLUMNS) + "\n"


@pytest.fixture(scope="module")
def org(engine: Engine) -> Org:
    return an_org(engine)


def _finance(session: Session, org: Org) -> User:
    user = find_user(session, org.finance)
    assert user is not None
    return user


def _capital_po(session: Session, org: Org, tag: str) -> str:
    number = f"PO-T{uuid.uuid4().hex[:6]}"
    requisition = replace(laptops(), cost_center=org.team, asset_tag=tag)
    view = PoView(number, 1, PoStatus.ISSUED, requisition, amount_base_minor=378_000)
    gl = GlAccount(code=f"CAPEX-{tag}", name="IT hardware", capex=True)
    session.add(gl)
    session.flush()
    session.add(
        PurchaseOrder(
            po_number=number,
            workflow_id=f"po-{number}",
            status=PoStatus.ISSUED,
            title=requisition.title,
            requester="alex",
            cost_center=org.team,
            cost_center_id=org.team_id,
            gl_account_id=gl.id,
            vendor=requisition.vendor,
            service_type=requisition.service_type,
            amount_minor=378_000,
            currency="EUR",
            amount_base_minor=378_000,
            base_currency="EUR",
            detail=view_document(view),
        )
    )
    session.add(
        ErpStatusRow(
            event_id=f"ev-{number}",
            erp_reference="ERP-1",
            po_number=number,
            status="received",
            occurred_at="2024-10-20T09:00:00+00:00",
            payload={},
        )
    )
    session.flush()
    return number


def test_a_capital_purchase_is_depreciated_month_by_month_once(session: Session, org: Org) -> None:
    tag = f"AT-{uuid.uuid4().hex[:6]}"
    number = _capital_po(session, org, tag)
    [asset] = register_po_assets(session, capex_gl=None, by=_finance(session, org), at=AT)
    assert (asset.po_number, asset.in_service, asset.cost_minor) == (
        number,
        date(2024, 10, 20),
        378_000,
    )

    first = book_depreciation(session, date(2024, 12, 1), currency="EUR", start_month=1, tag=tag)
    again = book_depreciation(session, date(2024, 12, 31), currency="EUR", start_month=1, tag=tag)

    assert (first.entries_posted, first.booked_minor) == (3, 31_500)  # 378,000 / 36 a month
    assert again.entries_posted == 0
    entries = session.execute(
        select(LedgerEntry.fiscal_year, LedgerEntry.period, LedgerEntry.actual_delta_minor)
        .where(LedgerEntry.cost_center_id == org.team_id, LedgerEntry.kind == "actual")
        .order_by(LedgerEntry.period)
    ).all()
    assert [tuple(e) for e in entries] == [
        (2024, 10, 10_500),
        (2024, 11, 10_500),
        (2024, 12, 10_500),
    ]
    schedule = asset_schedule(session, asset)
    assert [c.booked for c in schedule[:4]] == [True, True, True, False]
    book_depreciation(session, date(2030, 1, 1), currency="EUR", start_month=1, tag=tag)
    assert booked_to_date(session, asset) == 378_000


def test_a_register_sets_terms_until_a_month_is_booked(session: Session, org: Org) -> None:
    finance = _finance(session, org)
    tag = f"SRV-{uuid.uuid4().hex[:6]}"
    terms = "1200.00,EUR,200.00,declining_balance,24,2024-09-01"
    row = f"{tag},Storage array,{org.team},{org.gl},{terms}"
    header = HEADER
    [asset] = register_assets(
        session, register_of(header + row), base_currency="EUR", by=finance, at=AT
    )
    assert sum(c.charge_minor for c in asset_schedule(session, asset)) == 100_000

    book_depreciation(session, date(2024, 9, 1), currency="EUR", start_month=1, tag=tag)
    changed = register_of(header + row.replace(",24,", ",36,"))
    with pytest.raises(AssetRefused) as refused:
        register_assets(session, changed, base_currency="EUR", by=finance, at=AT)
    assert refused.value.rule == "asset_booked"
    dollars = register_of(header + row.replace(",EUR,", ",USD,"))
    with pytest.raises(AssetRefused, match="USD"):
        register_assets(session, dollars, base_currency="EUR", by=finance, at=AT)


def test_a_register_row_that_cannot_be_read_is_named() -> None:
    header = HEADER
    with pytest.raises(RegisterError) as wrong:
        register_of(header + "X,Y,CC,GL,10.001,EUR,0,straight_line,12,2024-01-01\n")
    assert (wrong.value.rule, wrong.value.row) == ("invalid_value", 1)
    with pytest.raises(RegisterError) as wrong:
        register_of(header + "X,Y,CC,GL,10,EUR,11,straight_line,12,2024-01-01\n")
    assert wrong.value.rule == "invalid_salvage"
