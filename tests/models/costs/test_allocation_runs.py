"""Allocation runs on real Postgres: rules in order over a period's lines, direct by tag,
account or service, shared pools split by their key to the cent, what no rule matched kept
as unallocated; each run a new version, every amount traced to its lines."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.org_chart import Placement
from models.budgets.org_history import OrgImport, import_org
from models.costs.allocation_runs import allocated_amounts, allocated_lines, latest_run
from services.costs.allocation import record_drivers, run_allocation
from tests.builders.allocation import (
    CostLine,
    a_period,
    allocation_org,
    load_lines,
    model_in_force,
)

AT = datetime(2031, 1, 1, tzinfo=UTC)


def _by_target(session: Session, run_id: int) -> dict[tuple[str | None, str | None], Decimal]:
    totals: dict[tuple[str | None, str | None], Decimal] = {}
    for row in allocated_amounts(session, run_id):
        key = (row.cost_center, row.rule)
        totals[key] = totals.get(key, Decimal(0)) + row.amount
    return totals


def test_direct_shared_and_unmatched_lines_sum_to_the_period_cost(
    engine: Engine, session: Session
) -> None:
    org = allocation_org(session)
    c0, c1, c2, _ = org.centers
    period = a_period()
    load_lines(
        engine,
        period,
        [
            CostLine(Decimal("10.004"), tags={"CostCenter": c0}),
            CostLine(Decimal("5.003"), tags={"cost-center": c0}),
            CostLine(Decimal("1.00"), service="Amazon VPC"),
            CostLine(Decimal("0.005"), service="Amazon VPC"),
            CostLine(Decimal("2.50"), service="Amazon VPC", account="222"),
            CostLine(Decimal("7.777"), tags={"cost_center": "no-such-center"}),
        ],
    )
    model_in_force(
        session,
        org,
        [
            {
                "name": "by tag",
                "kind": "direct",
                "match": {},
                "to": {"cost_center_tag": "cost_center"},
            },
            {
                "name": "network",
                "kind": "shared",
                "match": {"service": "Amazon VPC"},
                "key": {"by": "even", "targets": [{"cost_center": c1}, {"cost_center": c2}]},
            },
        ],
        AT,
    )
    run = run_allocation(session, period, org.author, at=AT, start_month=1)
    amounts = _by_target(session, run.id)
    assert amounts == {
        (c0, "by tag"): Decimal("15.01"),
        (c1, "network"): Decimal("1.75"),
        (c2, "network"): Decimal("1.75"),
        (None, None): Decimal("7.78"),
    }
    # 26.289 to the cent; the pool (3.505) rounds to 3.50, as the larger remainders win
    assert sum(amounts.values()) == Decimal("26.29")
    assert {row.business_unit for row in allocated_amounts(session, run.id) if row.cost_center} == {
        org.units[0],
        org.units[1],
    }
    unallocated = allocated_lines(session, run.id, None)
    assert [(line.amount, line.rule) for line in unallocated] == [(Decimal("7.777"), None)]
    network = allocated_lines(session, run.id, c2, rule="network")
    assert sorted(line.amount for line in network) == [
        Decimal("0.005"),
        Decimal("1.00"),
        Decimal("2.50"),
    ]
    assert all(line.pooled for line in network)


def test_a_re_run_is_a_new_version_with_the_same_amounts(engine: Engine, session: Session) -> None:
    org = allocation_org(session)
    period = a_period()
    load_lines(engine, period, [CostLine(Decimal("1.00"), resource=f"i-{n}") for n in range(3)])
    record_drivers(
        session, period, "headcount", {org.centers[1]: "2", org.centers[2]: "1"}, org.author
    )
    model_in_force(
        session,
        org,
        [{"name": "people", "kind": "shared", "key": {"by": "headcount"}}],
        AT,
    )
    first = run_allocation(session, period, org.author, at=AT, start_month=1)
    second = run_allocation(session, period, org.author, at=AT, start_month=1)
    assert (first.version, second.version) == (1, 2)
    assert first.status == "superseded" and second.status == "current"
    assert latest_run(session, period) == second
    assert (
        _by_target(session, first.id)
        == _by_target(session, second.id)
        == {
            (org.centers[1], "people"): Decimal("2.00"),
            (org.centers[2], "people"): Decimal("1.00"),
        }
    )


def test_headcount_comes_from_the_org_chart_when_no_driver_table_is_uploaded(
    engine: Engine, session: Session
) -> None:
    org = allocation_org(session)
    period = a_period()
    load_lines(engine, period, [CostLine(Decimal("9.00"), resource="i-shared")])
    people = [Placement(f"p{n}", org.centers[1], None) for n in range(2)]
    people.append(Placement("p2", org.centers[2], None))
    import_org(
        session,
        OrgImport(effective_from=period, source="csv", people=people),
        by=org.author,
        at=AT,
    )
    model_in_force(
        session, org, [{"name": "people", "kind": "shared", "key": {"by": "headcount"}}], AT
    )
    run = run_allocation(session, period, org.author, at=AT, start_month=1)
    assert _by_target(session, run.id) == {
        (org.centers[1], "people"): Decimal("6.00"),
        (org.centers[2], "people"): Decimal("3.00"),
    }
