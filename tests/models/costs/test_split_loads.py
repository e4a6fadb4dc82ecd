"""However a period's lines are split between billing accounts and however often one account's
file is loaded again, the stored totals are the independent sums of the lines (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.models.costs.lines import a_source, billed_total, daily_total, lines, load

COST = st.decimals(
    min_value=Decimal("-1000"), max_value=Decimal("100000"), places=10, allow_nan=False
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(COST, min_size=1, max_size=30),
    second=st.lists(COST, min_size=1, max_size=30),
)
def test_two_accounts_loaded_then_one_reloaded_sum_to_the_lines(
    engine: Engine, first: list[Decimal], second: list[Decimal]
) -> None:
    source = a_source(engine)
    load(engine, source, "111", lines("111", first))
    load(engine, source, "222", lines("222", second))
    load(engine, source, "111", lines("111", first))
    with engine.connect() as reader:
        assert billed_total(reader, source, "111") == (sum(first), len(first))
        assert billed_total(reader, source, "222") == (sum(second), len(second))
        assert billed_total(reader, source) == (sum(first + second), len(first + second))
    assert daily_total(engine, source) == {"111": sum(first), "222": sum(second)}
