"""A file the ingest refuses (corrupt, wrong encoding, another format's header, an unknown
mapping column, an account the source does not own, another billing period, no exchange rate)
fails with a non-retryable CostFileRefused naming file, row and column; it leaves the slice's
previous lines as they were, nothing of it staged, and a failed load whose report says why."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from temporalio.exceptions import ApplicationError

from tests.activities.costs.loads import (
    a_cost_source,
    focus_file,
    ingest,
    load_file,
    loads_of,
    stored_lines,
)
from tests.builders.cost_files import AWS_CUR_SAMPLE

GOOD = [{"BilledCost": "10"}, {"BilledCost": "20", "ChargePeriodStart": "2024-09-03T00:00:00Z"}]
MANY = [
    {"BilledCost": str(n), "ChargePeriodStart": f"2024-09-{n:02d}T00:00:00Z"} for n in range(1, 9)
]


def _truncated_gzip(tmp: Path) -> Path:
    whole = gzip.compress(focus_file(tmp / "whole.csv", *MANY).read_bytes())
    target = tmp / "usage.csv.gz"
    target.write_bytes(whole[: len(whole) * 2 // 3])
    return target


def _latin1(tmp: Path) -> Path:
    text_ = focus_file(tmp / "u.csv", *MANY, {"ServiceName": "Café"}).read_text("utf-8")
    target = tmp / "usage.csv"
    target.write_bytes(text_.encode("latin-1"))
    return target


def _late_line_of_another_account(tmp: Path) -> Path:
    return focus_file(tmp / "usage.csv", *MANY, {"BillingAccountId": "999"})


def _late_line_of_another_period(tmp: Path) -> Path:
    october = {
        "BillingPeriodStart": "2024-10-01T00:00:00Z",
        "BillingPeriodEnd": "2024-11-01T00:00:00Z",
    }
    return focus_file(
        tmp / "usage.csv", *MANY, {**october, "ChargePeriodStart": "2024-10-02T00:00:00Z"}
    )


def _currency_without_rate(tmp: Path) -> Path:
    return focus_file(tmp / "usage.csv", *MANY, {"BillingCurrency": "XTS"})


# (file maker, source settings, the row and column the refusal names, words of the problem)
CASES: dict[str, tuple[Callable[[Path], Path], dict[str, Any], int, str, str]] = {
    "truncated gzip": (_truncated_gzip, {}, -1, "", "truncated or corrupt"),
    "not UTF-8": (_latin1, {}, -1, "", "not UTF-8"),
    "another format's header": (
        lambda tmp: AWS_CUR_SAMPLE,
        {"format": "focus"},
        0,
        "",
        "AWS Cost and Usage Report",
    ),
    "unknown mapping column": (
        lambda tmp: focus_file(tmp / "usage.csv", *MANY),
        {
            "format": "csv",
            "column_mapping": {"columns": {"BilledCost": "BilledCost", "Costs": "x"}},
        },
        0,
        "column_mapping",
        "not FOCUS columns: Costs",
    ),
    "account not the source's": (
        _late_line_of_another_account,
        {"billing_accounts": ["111"]},
        9,
        "BillingAccountId",
        "'999'",
    ),
    "another billing period": (
        _late_line_of_another_period,
        {},
        9,
        "BillingPeriodStart",
        "2024-10, the load is for 2024-09",
    ),
    "no exchange rate": (
        _currency_without_rate,
        {"base_currency": "EUR"},
        9,
        "BillingCurrency",
        "no exchange rate XTS",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_refused_file_leaves_the_previous_lines_and_a_failed_load(
    engine: Engine, tmp_path: Path, case: str
) -> None:
    make, settings, row, column, problem = CASES[case]
    settings = {"format": "auto", **settings}
    source = a_cost_source(engine, settings.pop("format"), **settings)
    if case != "unknown mapping column":  # no file is read through that mapping
        load_file(engine, source, focus_file(tmp_path / "before.csv", *GOOD), period="2024-09")
    before = stored_lines(engine, source, "l.billed_cost, l.load_id")
    bad = make(tmp_path)
    with pytest.raises(ApplicationError) as refused:
        ingest(engine, source, bad, period="2024-09", batch_rows=3)
    assert refused.value.type == "CostFileRefused" and refused.value.non_retryable
    assert bad.name in str(refused.value) and problem in str(refused.value)
    assert stored_lines(engine, source, "l.billed_cost, l.load_id") == before
    failed = [load for load in loads_of(engine, source) if load["file_name"] == bad.name]
    assert failed and {load["status"] for load in failed} == {"failed"}
    for load in failed:
        report = load["report"]
        assert (report["file"], report["column"]) == (bad.name, column)
        assert row < 0 or report["row"] == row
        assert problem in report["problem"]
    assert _staging_tables(engine, [load["id"] for load in failed]) == 0


def test_a_refusal_after_committed_batches_drops_all_that_was_staged(
    engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine, billing_accounts=["111", "222"])
    load_file(engine, source, focus_file(tmp_path / "before.csv", *GOOD))
    both = [*MANY, *({**line, "BillingAccountId": "222"} for line in MANY)]
    bad = focus_file(tmp_path / "usage.csv", *both, {"BillingAccountId": "333"})
    with pytest.raises(ApplicationError, match="row 17, column BillingAccountId"):
        ingest(engine, source, bad, batch_rows=3)
    failed = [load for load in loads_of(engine, source) if load["file_name"] == bad.name]
    assert len(failed) == 2 and all(load["rows_loaded"] > 0 for load in failed)
    assert _staging_tables(engine, [load["id"] for load in failed]) == 0
    assert [r.billed_cost for r in stored_lines(engine, source, "l.billed_cost")] == [
        Decimal("10"),
        Decimal("20"),
    ]


def _staging_tables(engine: Engine, load_ids: list[int]) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'cost_partitions' "
                    "AND tablename = ANY(:names)"
                ),
                {"names": [f"cost_lines_load_{i}" for i in load_ids]},
            )
        )
