"""A run's slices are swapped in together or not at all; a file loaded twice, or delivered as
one file per account, stores the same lines and totals (hypothesis); an error that is not the
file's fault abandons what was staged and is raised for Temporal to retry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from temporalio.testing import ActivityEnvironment

from activities.costs.ingest import CostLoadActivities
from domain.costs.load_messages import IngestRequest
from tests.activities.costs.loads import (
    a_cost_source,
    activities,
    fetched,
    focus_file,
    ingest,
    load_file,
    loads_of,
    stored_lines,
)

ACCOUNTS = ("111", "222")


def _totals(engine: Engine, source: str) -> dict[str, tuple[Decimal, int]]:
    totals: dict[str, tuple[Decimal, int]] = {}
    for line in stored_lines(engine, source, "s.billing_account_id AS account, l.billed_cost"):
        total, count = totals.get(line.account, (Decimal(0), 0))
        totals[line.account] = (total + line.billed_cost, count + 1)
    return totals


def test_a_swap_that_fails_on_one_slice_changes_none(engine: Engine, tmp_path: Path) -> None:
    source = a_cost_source(engine)
    first = focus_file(
        tmp_path / "first.csv", {"BilledCost": "1"}, {"BillingAccountId": "222", "BilledCost": "2"}
    )
    swapped = load_file(engine, source, first)
    before = _totals(engine, source)
    second = focus_file(
        tmp_path / "second.csv", {"BilledCost": "5"}, {"BillingAccountId": "222", "BilledCost": "6"}
    )
    staged = ingest(engine, source, second)
    swap = activities(engine).swap_in_cost_loads
    with pytest.raises(ValueError, match="is current, not loading"):
        ActivityEnvironment().run(swap, [*staged.load_ids, swapped.load_ids[0]])
    assert _totals(engine, source) == before
    ActivityEnvironment().run(swap, list(staged.load_ids))
    assert _totals(engine, source) == {"111": (Decimal(5), 1), "222": (Decimal(6), 1)}


def test_abandoned_loads_are_failed_with_the_problem(engine: Engine, tmp_path: Path) -> None:
    source = a_cost_source(engine)
    load_file(engine, source, focus_file(tmp_path / "first.csv", {"BilledCost": "1"}))
    staged = ingest(engine, source, focus_file(tmp_path / "second.csv", {"BilledCost": "9"}))
    abandon = activities(engine).abandon_cost_loads
    ActivityEnvironment().run(abandon, list(staged.load_ids), "reconciliation refused it")
    assert _totals(engine, source) == {"111": (Decimal(1), 1)}
    last = loads_of(engine, source)[-1]
    assert (last["status"], last["report"]["problem"]) == ("failed", "reconciliation refused it")


def test_an_error_not_of_the_file_abandons_the_staged_loads_and_is_retried(
    engine: Engine, tmp_path: Path
) -> None:
    def rates_offline(source: str, target: str, on: date) -> tuple[Decimal, date]:
        raise ConnectionError("the rate service is unreachable")

    source = a_cost_source(engine, base_currency="EUR")
    lines = [{"BillingCurrency": "EUR"}] * 3 + [{"BillingCurrency": "USD"}]
    usage = focus_file(tmp_path / "usage.csv", *lines)
    offline = CostLoadActivities(engine, rates_offline, batch_rows=2)
    with pytest.raises(ConnectionError):
        ActivityEnvironment().run(
            offline.ingest_cost_file, IngestRequest(source, fetched(usage), "2024-09")
        )
    (load,) = loads_of(engine, source)
    assert load["status"] == "failed" and "ConnectionError" in load["report"]["problem"]
    assert stored_lines(engine, source, "l.billed_cost") == []


COSTS = st.decimals(min_value=Decimal("-100"), max_value=Decimal("100000"), places=9)
LINES = st.lists(st.tuples(st.sampled_from(ACCOUNTS), COSTS), min_size=1, max_size=25)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=LINES)
def test_a_file_loaded_twice_or_one_file_per_account_stores_the_same(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, lines: list[tuple[str, Decimal]]
) -> None:
    folder = tmp_path_factory.mktemp("files")
    changes = [
        {"BillingAccountId": account, "BilledCost": str(cost), "EffectiveCost": str(cost)}
        for account, cost in lines
    ]
    expected: dict[str, tuple[Decimal, int]] = {}
    for account, cost in lines:
        total, count = expected.get(account, (Decimal(0), 0))
        expected[account] = (total + cost, count + 1)

    whole = a_cost_source(engine)
    load_file(engine, whole, focus_file(folder / "whole.csv", *changes), batch_rows=4)
    load_file(engine, whole, focus_file(folder / "whole.csv", *changes), batch_rows=4)
    assert _totals(engine, whole) == expected

    split = a_cost_source(engine)
    for account in ACCOUNTS:
        part = [change for change in changes if change["BillingAccountId"] == account]
        if part:
            load_file(engine, split, focus_file(folder / f"{account}.csv", *part))
    assert _totals(engine, split) == expected
    columns = "l.billed_cost, l.effective_cost, l.billed_cost_base, l.quality_flags"
    assert sorted(map(tuple, stored_lines(engine, split, columns)), key=str) == sorted(
        map(tuple, stored_lines(engine, whole, columns)), key=str
    )
