"""The demo's governed documents (tag policy, allocation model, unit-cost model, rate card) pass
their kinds' rules against the demo organisation, so `make run` can put each in force; the
demo's servers, registered and depreciated, are a pool the demo model splits by headcount."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from adapters.csv_table import read_csv_table
from cli.demo_governance import (
    ALLOCATION_MODEL,
    DEMO_TAG_POLICY,
    RECEIVERS,
    SERVER_DEPRECIATION,
    SERVER_TAG,
    rate_card,
    server_register,
    unit_cost_model,
)
from cli.seed import load_demo_data
from domain.asset_register import read_asset_register
from domain.costs.governance import DocumentKind
from models.budgets.asset_store import register_assets
from models.budgets.depreciation import book_depreciation
from models.costs.allocation_runs import allocated_amounts
from models.costs.document_store import decide_document, document_errors, propose_document
from models.people.accounts import find_user
from services.costs.allocation import record_drivers, run_allocation
from settings import Settings

PERIOD = "2026-10"


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (DocumentKind.TAG_POLICY, DEMO_TAG_POLICY),
        (DocumentKind.ALLOCATION_MODEL, ALLOCATION_MODEL),
        (DocumentKind.UNIT_COST_MODEL, unit_cost_model(PERIOD)),
        (DocumentKind.RATE_CARD, rate_card(PERIOD)),
    ],
)
def test_each_demo_document_passes_its_rules_in_the_demo_org(
    sessions: sessionmaker[Session],
    session: Session,
    kind: DocumentKind,
    document: dict[str, object],
) -> None:
    settings = Settings(_env_file=None, fiscal_year_start_month=4, base_currency="EUR")
    load_demo_data(sessions, settings, date(2026, 11, 23))
    fiona = find_user(session, "fiona")
    assert fiona is not None
    record_drivers(session, PERIOD, "headcount", RECEIVERS, fiona)
    assert document_errors(session, kind, document) == []


def test_the_demo_servers_depreciation_is_split_over_the_receivers_by_headcount(
    sessions: sessionmaker[Session], session: Session
) -> None:
    settings = Settings(_env_file=None, fiscal_year_start_month=4, base_currency="EUR")
    load_demo_data(sessions, settings, date(2026, 11, 23))
    fiona, felix = find_user(session, "fiona"), find_user(session, "felix")
    assert fiona is not None and felix is not None
    month, at = date(2198, 10, 1), datetime(2198, 11, 1, tzinfo=UTC)
    table = read_csv_table(server_register(month))
    assets = read_asset_register(table.header, table.rows)
    register_assets(session, assets, base_currency="EUR", by=fiona, at=at)
    booked = book_depreciation(session, month, currency="EUR", start_month=4, tag=SERVER_TAG)
    assert (booked.entries_posted, booked.booked_minor) == (7, 700_000)  # 1,000.00 a month
    record_drivers(session, month, "headcount", RECEIVERS, fiona)
    kind = DocumentKind.ALLOCATION_MODEL
    proposed = propose_document(session, kind, ALLOCATION_MODEL, note="", author=fiona, at=at)
    decide_document(
        session, kind, proposed.version, decider=felix, approve=True, note="", at=at
    )  # fmt: skip
    run = run_allocation(session, month, fiona, at=at, start_month=4)

    parts = {
        (row.cost_center, row.service): row.amount
        for row in allocated_amounts(session, run.id)
        if row.rule == SERVER_DEPRECIATION["name"]
    }
    assert parts == {  # 1,000.00 by 40, 25 and 12 people
        ("SALES-EMEA", "VM"): Decimal("519.48"),
        ("OPS-LOG", "VM"): Decimal("324.68"),
        ("IT-APPS", "VM"): Decimal("155.84"),
    }
