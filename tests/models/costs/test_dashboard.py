"""The expense dashboard on real Postgres: a month's cost drilled down business unit -> cost
center -> service -> resource, month on month and year on year, by category, the top movers,
where an allocation run put the cost (a pool's parts too, what no rule took on its own cost
center), and a cost-center owner's dashboard holding only their center's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.costs.dashboard import Compared, month_before
from models.costs.dashboard import UNASSIGNED, Dashboard, Drill, expense_dashboard
from models.costs.dashboard_scope import dashboard_scope
from services.costs.allocation import run_allocation
from tests.builders.allocation import CostLine, a_period, load_lines, model_in_force
from tests.builders.dashboard import OwnedLine, OwnedOrg, load_owned_lines, owned_org

AT = datetime(2031, 1, 1, tzinfo=UTC)
ALL = Drill()


def _board(
    session: Session,
    month: date,
    drill: Drill = ALL,
    centers: frozenset[int] | None = None,
) -> Dashboard:
    return expense_dashboard(
        session, f"{month:%Y-%m}", drill, centers, currency="EUR", start_month=1
    )


def _rows(rows: list[Compared]) -> dict[str, tuple[int, int]]:
    return {row.key: (row.amount_minor, row.previous_minor) for row in rows}


def _two_months(engine: Engine, session: Session) -> tuple[OwnedOrg, date, date]:
    owned = owned_org(session)
    c0, c1 = owned.org.centers[:2]
    earlier, month = a_period(), a_period()
    assert month_before(f"{month:%Y-%m}") == f"{earlier:%Y-%m}"
    i0, i1 = owned.ids[c0], owned.ids[c1]
    load_owned_lines(
        engine,
        earlier,
        [
            OwnedLine(i0, "Amazon EC2", Decimal("100.00"), "i-web"),
            OwnedLine(i1, "Amazon S3", Decimal("50.00"), "bucket-1", "Storage"),
        ],
    )
    load_owned_lines(
        engine,
        month,
        [
            OwnedLine(i0, "Amazon EC2", Decimal("130.004"), "i-web"),
            OwnedLine(i1, "Amazon S3", Decimal("20.00"), "bucket-1", "Storage"),
            OwnedLine(None, "Support", Decimal("10.00"), None, "Other"),
        ],
    )
    return owned, earlier, month


def test_the_month_drills_down_from_business_units_to_resources(
    engine: Engine, session: Session
) -> None:
    owned, _, month = _two_months(engine, session)
    (bu1, bu2), c0 = owned.org.units, owned.org.centers[0]
    board = _board(session, month)
    assert (board.total.amount_minor, board.total.previous_minor) == (16000, 15000)
    assert _rows(board.breakdown) == {bu1: (13000, 10000), bu2: (2000, 5000), UNASSIGNED: (1000, 0)}
    assert _rows(_board(session, month, Drill(bu1)).breakdown) == {c0: (13000, 10000)}
    assert _rows(_board(session, month, Drill(bu1, c0)).breakdown) == {"Amazon EC2": (13000, 10000)}
    resources = _board(session, month, Drill(bu1, c0, "Amazon EC2")).breakdown
    assert _rows(resources) == {"i-web": (13000, 10000)}
    assert _rows(board.categories) == {
        "Compute": (13000, 10000),
        "Storage": (2000, 5000),
        "Other": (1000, 0),
    }
    assert board.trend[-2:] == [15000, 16000] and len(board.trend) == 12
    assert [(r.key, r.month_on_month_minor) for r in board.rising] == [
        ("Amazon EC2", 3000),
        ("Support", 1000),
    ]
    assert [(r.key, r.month_on_month_minor) for r in board.falling] == [("Amazon S3", -3000)]


def test_a_year_later_the_month_compares_year_on_year(engine: Engine, session: Session) -> None:
    owned, earlier, _ = _two_months(engine, session)
    c0 = owned.org.centers[0]
    later = date(earlier.year + 1, earlier.month, 1)
    load_owned_lines(engine, later, [OwnedLine(owned.ids[c0], "Amazon EC2", Decimal("90.00"))])
    row = _rows_of(_board(session, later).departments)[c0]
    assert (row.amount_minor, row.year_ago_minor, row.year_on_year_minor) == (9000, 10000, -1000)


def _rows_of(rows: list[Compared]) -> dict[str, Compared]:
    return {row.key: row for row in rows}


def test_an_owner_sees_only_their_center(engine: Engine, session: Session) -> None:
    owned, _, month = _two_months(engine, session)
    c0, c1 = owned.org.centers[:2]
    scope = dashboard_scope(session, owned.owner)
    assert scope is not None and scope.codes == {c1}
    board = _board(session, month, centers=scope.centers)
    assert _rows(board.departments) == {c1: (2000, 5000)}
    assert board.total.amount_minor == 2000
    assert c0 not in {row.key for row in board.departments} | {b.cost_center for b in board.budgets}
    assert "Amazon EC2" not in {row.key for row in board.service_lines}


def test_allocated_cost_counts_where_the_run_put_it(engine: Engine, session: Session) -> None:
    owned = owned_org(session)
    c0, c1 = owned.org.centers[:2]
    period = a_period()
    load_lines(
        engine,
        period,
        [
            CostLine(Decimal("40.00"), tags={"cost_center": c0}, resource="vm-1"),
            CostLine(Decimal("9.00"), service="Amazon VPC"),
            CostLine(Decimal("3.00"), service="Unmatched"),
        ],
    )
    rules = [
        {
            "name": "by tag",
            "kind": "direct",
            "match": {"service": "Amazon EC2"},
            "to": {"cost_center_tag": "cost_center"},
        },
        {
            "name": "network",
            "kind": "shared",
            "match": {"service": "Amazon VPC"},
            "key": {"by": "even", "targets": [{"cost_center": c0}, {"cost_center": c1}]},
        },
    ]
    model_in_force(session, owned.org, rules, AT)
    run_allocation(session, period, owned.org.author, at=AT, start_month=1)
    board = _board(session, period)
    centers = {row.key: row.amount_minor for row in board.departments}
    assert centers == {c0: 4450, c1: 450, UNASSIGNED: 300}
    in_c0 = _board(session, period, Drill(cost_center=c0)).breakdown
    assert {row.key: row.amount_minor for row in in_c0} == {
        "Amazon EC2": 4000,
        "Shared: network": 450,
    }
