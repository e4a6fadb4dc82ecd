"""A load replaces its (source, billing account, billing period) whole: a re-run or a newer file
never doubles cost, a failed load leaves the previous lines, and a reader never sees half."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, text

from models.costs.loading import LineOutsideSlice, abandon_load, copy_lines, open_load, swap_in
from tests.models.costs.lines import (
    SEPTEMBER,
    Line,
    a_source,
    billed_total,
    daily_total,
    lines,
    load,
)

COSTS = ["0.000305367", "5.64902E-05", "12.5", "-3.25", "1000000.000000001"]


def test_loading_the_same_file_twice_changes_nothing(engine: Engine) -> None:
    source = a_source(engine)
    first = load(engine, source, "111", lines("111", COSTS * 4))
    with engine.connect() as reader:
        once = billed_total(reader, source)
    second = load(engine, source, "111", lines("111", COSTS * 4))
    with engine.connect() as reader:
        assert billed_total(reader, source) == once == (sum(map(Decimal, COSTS * 4)), 20)
        rows = reader.execute(
            text("SELECT id, status FROM cost_loads WHERE id IN (:a, :b)"),
            {"a": first, "b": second},
        )
        statuses = {row.id: row.status for row in rows}
    assert statuses == {first: "replaced", second: "current"}
    assert daily_total(engine, source) == {"111": once[0]}


def test_a_newer_file_for_the_period_replaces_the_lines_it_had(engine: Engine) -> None:
    source = a_source(engine)
    load(engine, source, "111", lines("111", ["10", "20", "30"]))
    load(engine, source, "222", lines("222", ["7"]))
    load(engine, source, "111", lines("111", ["11", "22"]))
    with engine.connect() as reader:
        assert billed_total(reader, source, "111") == (Decimal("33"), 2)
        assert billed_total(reader, source, "222") == (Decimal("7"), 1)
    assert daily_total(engine, source) == {"111": Decimal("33"), "222": Decimal("7")}


def test_amounts_keep_every_decimal_the_source_gave(engine: Engine) -> None:
    source = a_source(engine)
    load(engine, source, "111", lines("111", COSTS))
    with engine.connect() as reader:
        stored = reader.execute(
            text(
                "SELECT l.billed_cost FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id "
                "WHERE s.source_id = :source ORDER BY l.file_row"
            ),
            {"source": source},
        ).scalars()
        assert list(stored) == [Decimal(cost) for cost in COSTS]
        total, _ = billed_total(reader, source)
    assert total == sum(map(Decimal, COSTS))  # 1000009.2503618582, not a float's neighbour


def test_a_file_that_breaks_off_mid_copy_leaves_the_previous_lines(engine: Engine) -> None:
    source = a_source(engine)
    load(engine, source, "111", lines("111", ["10", "20"]))
    load_id = _open(engine, source)

    def truncated() -> Iterator[Line]:
        yield from lines("111", ["1"] * 20)
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    with pytest.raises(EOFError):
        copy_lines(engine, load_id, truncated(), batch_rows=7)
    abandon_load(engine, load_id, {"error": "truncated file"})
    with engine.connect() as reader:
        assert billed_total(reader, source) == (Decimal("30"), 2)
        status = reader.scalar(
            text("SELECT status FROM cost_loads WHERE id = :id"), {"id": load_id}
        )
        assert status == "failed"
        assert _staging_tables(reader, load_id) == 0
    assert daily_total(engine, source) == {"111": Decimal("30")}


def test_a_line_of_another_account_fails_the_load_naming_its_row(engine: Engine) -> None:
    source = a_source(engine)
    load(engine, source, "111", lines("111", ["10"]))
    load_id = _open(engine, source)
    stray = [*lines("111", ["1", "2"]), Line(lines("999", ["5"])[0].focus, row_number=3)]
    with pytest.raises(LineOutsideSlice, match="row 3: BillingAccountId is '999'"):
        copy_lines(engine, load_id, stray)
    abandon_load(engine, load_id, {"error": "line outside the slice"})
    with engine.connect() as reader:
        assert billed_total(reader, source) == (Decimal("10"), 1)


def test_a_load_cannot_be_swapped_in_twice(engine: Engine) -> None:
    source = a_source(engine)
    load_id = load(engine, source, "111", lines("111", ["10"]))
    with pytest.raises(ValueError, match="is current, not loading"):
        swap_in(engine, load_id)


def _open(engine: Engine, source: int) -> int:
    return open_load(
        engine,
        source_id=source,
        billing_account_id="111",
        billing_period_start=SEPTEMBER,
        file_name="111-newer.csv.gz",
        file_hash="f" * 64,
    )


def _staging_tables(reader: Connection, load_id: int) -> int:
    return int(
        reader.scalar(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'cost_partitions' "
                "AND tablename = :name"
            ),
            {"name": f"cost_lines_load_{load_id}"},
        )
    )
