"""Ledger pools on real Postgres: a rule whose pool is the period's depreciation charges or its
other actuals (IT labour) splits them to the minor unit like a pool of cost lines, leaves out
poflow's own cloud actuals and chargeback postings, stays unallocated when its key weighs no
one, and lists every entry it read; a run in yen allocates whole yen."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.asset_register import RegisteredAsset
from domain.depreciation import AssetTerms, DepreciationMethod, schedule
from models.budgets.asset_store import register_assets
from models.budgets.depreciation import book_depreciation
from models.costs.allocation_runs import AllocatedAmount, allocated_amounts, allocated_entries
from services.costs.allocation import record_drivers, run_allocation
from tests.builders.allocation import (
    AllocationOrg,
    CostLine,
    a_period,
    allocation_org,
    book_actual,
    load_lines,
    model_in_force,
)

AT = datetime(2031, 1, 1, tzinfo=UTC)
APRIL = 4  # a fiscal year starting in April: the month's fiscal period is not its number


def _parts(amounts: list[AllocatedAmount], rule: str) -> dict[str | None, Decimal]:
    return {row.cost_center: row.amount for row in amounts if row.rule == rule}


def _totals(amounts: list[AllocatedAmount]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in amounts:
        totals[row.currency] += row.amount
    return dict(totals)


def _server_depreciated(session: Session, org: AllocationOrg, period: date) -> int:
    """A server on the first center's hardware account, in service two months before
    ``period``, its months booked through ``period``; the charge of ``period`` in cents."""
    in_service = date(period.year - (period.month <= 2), (period.month - 3) % 12 + 1, 1)
    terms = AssetTerms(1_000_000, 0, 36, DepreciationMethod.STRAIGHT_LINE, in_service)
    tag = f"SRV-{org.centers[0]}"
    asset = RegisteredAsset(tag, "rack server", org.centers[0], org.gl_accounts[1], "EUR", terms)
    register_assets(session, [asset], base_currency="EUR", by=org.author, at=AT)
    run = book_depreciation(session, period, currency="EUR", start_month=APRIL, tag=tag)
    assert run.entries_posted == 3
    return next(charge.charge_minor for charge in schedule(terms) if charge.month == period)


def _depreciation_rule(org: AllocationOrg, key: dict[str, Any]) -> dict[str, Any]:
    pool = {
        "entries": "depreciation",
        "cost_center": [org.centers[0]],
        "gl_account": org.gl_accounts[1],
    }
    return {"name": "server depreciation", "kind": "shared", "from_ledger": pool, "key": key}


def _direct(name: str, account: str, center: str) -> dict[str, Any]:
    to = {"cost_center": center}
    return {"name": name, "kind": "direct", "match": {"billing_account": account}, "to": to}


@pytest.mark.parametrize(
    ("key", "shares"),
    [
        ({"by": "usage", "metric": "cost"}, {1: Decimal(3), 2: Decimal(1)}),
        ({"by": "headcount"}, {1: Decimal(2), 3: Decimal(1)}),
    ],
)
def test_a_depreciation_pool_is_split_by_its_key_to_the_booked_charge(
    engine: Engine, session: Session, key: dict[str, Any], shares: dict[int, Decimal]
) -> None:
    org = allocation_org(session)
    c0, c1, c2, c3 = org.centers
    period = a_period()
    charge = _server_depreciated(session, org, period)
    # the same line's labour is no depreciation
    book_actual(session, c0, org.gl_accounts[1], period, 99_999, start_month=APRIL)
    load_lines(engine, period, [CostLine(Decimal("30.00")), CostLine(Decimal("10"), account="222")])
    record_drivers(session, period, "headcount", {c1: "2", c3: "1"}, org.author)
    rules = [_direct("to one", "111", c1), _direct("to two", "222", c2)]
    model_in_force(session, org, [*rules, _depreciation_rule(org, key)], AT)
    run = run_allocation(session, period, org.author, at=AT, start_month=APRIL)

    amounts = allocated_amounts(session, run.id)
    parts = _parts(amounts, "server depreciation")
    assert sum(parts.values()) == Decimal(charge).scaleb(-2)
    whole = sum(shares.values())
    for index, share in shares.items():
        exact = Decimal(charge).scaleb(-2) * share / whole
        assert abs(parts[org.centers[index]] - exact) < Decimal("0.01")
    assert _totals(amounts) == {"EUR": Decimal("40.00") + Decimal(charge).scaleb(-2)}
    entries = allocated_entries(session, run.id, org.centers[1], rule="server depreciation")
    assert [(e.key.startswith(f"depreciation:SRV-{c0}:"), e.amount) for e in entries] == [
        (True, Decimal(charge).scaleb(-2))
    ]


def test_an_actuals_pool_of_labour_leaves_out_cloud_actuals_and_chargeback_postings(
    session: Session,
) -> None:
    org = allocation_org(session)
    c0, c1, c2, c3 = org.centers
    labour, hardware = org.gl_accounts
    period = a_period()
    salaries = book_actual(session, c0, labour, period, 500_000, key="erp-gl:")
    book_actual(session, c0, labour, period, 70_000, key="cost-load:")  # cloud actuals
    book_actual(session, c0, labour, period, -30_000, key="chargeback:")  # a chargeback credit
    book_actual(session, c0, hardware, period, 8_000)  # another GL account
    book_actual(session, c1, labour, period, 6_000)  # another cost center
    book_actual(session, c0, labour, date(period.year + 1, period.month, 1), 4_000)  # a year on
    pool = {"entries": "actuals", "cost_center": c0, "gl_account": labour}
    key = {"by": "even", "targets": [{"cost_center": c2}, {"cost_center": c3}]}
    rule = {"name": "IT labour", "kind": "shared", "from_ledger": pool, "key": key}
    model_in_force(session, org, [rule], AT)
    run = run_allocation(session, period, org.author, at=AT, start_month=1)

    amounts = allocated_amounts(session, run.id)
    assert _parts(amounts, "IT labour") == {c2: Decimal("2500.00"), c3: Decimal("2500.00")}
    assert _totals(amounts) == {"EUR": Decimal("5000.00")}
    assert [e.entry_id for e in allocated_entries(session, run.id, c3)] == [salaries]
    assert run.line_count == 0  # no cost line was read


def test_a_ledger_pool_no_one_weighs_stays_unallocated_under_its_rule(
    engine: Engine, session: Session
) -> None:
    org = allocation_org(session)
    c0, c1, _, _ = org.centers
    period = a_period()
    entry = book_actual(session, c0, org.gl_accounts[0], period, 12_345)
    load_lines(engine, period, [CostLine(Decimal("1.004"))])
    pool = {"entries": "actuals", "cost_center": c0}
    by_usage = {"by": "usage"}
    even = {"by": "even", "targets": [{"cost_center": c1}]}
    rules = [
        {"name": "labour by usage", "kind": "shared", "from_ledger": pool, "key": by_usage},
        {"name": "lines", "kind": "shared", "match": {"service": "none such"}, "key": even},
    ]
    model_in_force(session, org, rules, AT)
    run = run_allocation(session, period, org.author, at=AT, start_month=1)

    amounts = allocated_amounts(session, run.id)
    assert {(row.cost_center, row.rule): row.amount for row in amounts} == {
        (None, "labour by usage"): Decimal("123.45"),
        (None, None): Decimal("1.00"),  # the line no rule takes: the ledger rule takes none
    }
    assert [e.entry_id for e in allocated_entries(session, run.id, None)] == [entry]


@pytest.mark.parametrize(("currency", "digits"), [("JPY", 0), ("BHD", 3)])
def test_a_run_in_yen_or_dinars_allocates_whole_minor_units(
    engine: Engine, session: Session, currency: str, digits: int
) -> None:
    org = allocation_org(session)
    c0, c1, c2, c3 = org.centers
    period = a_period()
    amounts = [Decimal("1000.4"), Decimal("333.3333"), Decimal("0.5"), Decimal("2.0007")]
    load_lines(engine, period, [CostLine(a, currency=currency) for a in amounts])
    book_actual(session, c0, org.gl_accounts[0], period, 100_001, currency=currency)
    targets = [{"cost_center": c} for c in (c1, c2, c3)]
    even = {"by": "even", "targets": targets}
    pool = {"entries": "actuals", "cost_center": c0}
    rules = [
        {"name": "lines", "kind": "shared", "key": even},
        {"name": "labour", "kind": "shared", "from_ledger": pool, "key": even},
    ]
    model_in_force(session, org, rules, AT)
    run = run_allocation(session, period, org.author, at=AT, start_month=1)

    allocated = allocated_amounts(session, run.id)
    unit = Decimal(1).scaleb(-digits)
    assert all(row.amount == row.amount.quantize(unit) for row in allocated)
    lines = sum(amounts, Decimal(0)).quantize(unit, ROUND_HALF_EVEN)
    assert _totals(allocated) == {currency: lines + Decimal(100_001).scaleb(-digits)}
    assert sum(_parts(allocated, "labour").values()) == Decimal(100_001).scaleb(-digits)
