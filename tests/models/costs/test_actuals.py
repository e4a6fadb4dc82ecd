"""A load's cost is booked as ``actual`` ledger entries per cost center x GL account x fiscal
period, rounded once per entry; booking twice posts nothing twice, and a reload replaces the
slice's actuals by reversing what the previous load booked (the ledger stays append-only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.costs.settlement import ActualsSummary
from models.costs.actuals import book_actuals
from tests.models.costs.allocated import Allocated, a_budget_line, a_eur_source, load_allocated

AUGUST = datetime(2024, 8, 20, tzinfo=UTC)


def _book(engine: Engine, load_ids: list[int], start_month: int = 1) -> ActualsSummary:
    with Session(engine) as session, session.begin():
        return book_actuals(session, load_ids, currency="EUR", start_month=start_month)


def _net(engine: Engine, center: int) -> dict[tuple[int, int], int]:
    """The actuals on the cost center's lines, per (fiscal year, period), entries summed."""
    with engine.connect() as reader:
        rows = reader.execute(
            text(
                "SELECT fiscal_year, period, sum(actual_delta_minor) AS actual FROM ledger_entries "
                "WHERE cost_center_id = :center AND kind = 'actual' GROUP BY 1, 2"
            ),
            {"center": center},
        )
        return {(row.fiscal_year, row.period): int(row.actual) for row in rows}


def _entries(engine: Engine, center: int) -> list[tuple[str, int]]:
    with engine.connect() as reader:
        rows = reader.execute(
            text(
                "SELECT idempotency_key, actual_delta_minor FROM ledger_entries "
                "WHERE cost_center_id = :center ORDER BY id"
            ),
            {"center": center},
        )
        return [(row.idempotency_key, row.actual_delta_minor) for row in rows]


def test_each_budget_line_gets_one_entry_rounded_once(engine: Engine) -> None:
    center, gl, _ = a_budget_line(engine)
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine,
        source,
        "111",
        [
            *(
                Allocated("0.004", base="0.005", cost_center_id=center, gl_account_id=gl)
                for _ in range(3)
            ),  # 1.5 cents -> 2
            Allocated(
                "10.125", charged=AUGUST, cost_center_id=center, gl_account_id=gl
            ),  # 1012.5 cents -> 1012 (half to even)
            Allocated("3.00"),  # no cost center: unallocated
        ],
    )

    summary = _book(engine, [load_id])

    line = f"{center}:{gl}"
    assert _entries(engine, center) == [
        (f"cost-load:{load_id}:{line}:2024:8", 1012),
        (f"cost-load:{load_id}:{line}:2024:9", 2),
    ]
    assert (summary.entries_posted, summary.booked_minor, summary.reversed_minor) == (2, 1014, 0)
    assert (summary.unallocated_lines, summary.unallocated_minor) == (1, 300)


def test_booking_twice_posts_nothing_twice(engine: Engine) -> None:
    center, gl, _ = a_budget_line(engine)
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine, source, "111", [Allocated("12.34", cost_center_id=center, gl_account_id=gl)]
    )
    _book(engine, [load_id])
    again = _book(engine, [load_id])
    assert again.entries_posted == 0
    assert _net(engine, center) == {(2024, 9): 1234}


def test_a_reload_replaces_the_slices_actuals(engine: Engine) -> None:
    center, gl, _ = a_budget_line(engine)
    source = a_eur_source(engine)
    first = load_allocated(
        engine,
        source,
        "111",
        [
            Allocated("100", cost_center_id=center, gl_account_id=gl),
            Allocated("40", charged=AUGUST, cost_center_id=center, gl_account_id=gl),
        ],
    )
    _book(engine, [first])
    second = load_allocated(
        engine, source, "111", [Allocated("75.50", cost_center_id=center, gl_account_id=gl)]
    )
    summary = _book(engine, [second])
    assert (summary.booked_minor, summary.reversed_minor) == (7550, 14000)
    assert _net(engine, center) == {(2024, 8): 0, (2024, 9): 7550}
    assert len(_entries(engine, center)) == 5  # nothing rewritten: two booked, two reversed, one

    third = load_allocated(
        engine, source, "111", [Allocated("80", cost_center_id=center, gl_account_id=gl)]
    )
    _book(engine, [first, third, second])  # replaced loads book nothing
    _book(engine, [third])
    assert _net(engine, center) == {(2024, 8): 0, (2024, 9): 8000}


def test_periods_follow_the_budgets_fiscal_calendar(engine: Engine) -> None:
    center, gl, _ = a_budget_line(engine)
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine, source, "111", [Allocated("1", cost_center_id=center, gl_account_id=gl)]
    )
    _book(engine, [load_id], start_month=4)  # September is period 6 of the year ending March
    assert _net(engine, center) == {(2025, 6): 100}
