"""Two cases of a load's data quality a finance user meets: a line billed in another currency than
the rest of its billing account is flagged, and an export with a header but no rows (a period
without spend) is recorded as an empty load, or refused when no period says which one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.exceptions import ApplicationError

from tests.activities.costs.loads import (
    FOCUS_LINE,
    a_cost_source,
    focus_file,
    ingest,
    load_file,
    loads_of,
    stored_lines,
)


def test_a_line_in_another_currency_than_its_billing_accounts_is_flagged(
    engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine, base_currency="EUR")  # converted to EUR, billed in USD
    usage = focus_file(
        tmp_path / "usage.csv",
        {"BilledCost": "10"},
        {"BilledCost": "11", "BillingCurrency": "GBP"},
        {"BilledCost": "12", "BillingAccountId": "222", "BillingCurrency": "GBP"},
    )
    outcome = load_file(engine, source, usage)
    stored = stored_lines(engine, source, "s.billing_account_id, l.file_row, l.quality_flags")
    assert [tuple(r) for r in stored] == [
        ("111", 1, None),
        ("111", 2, ["foreign_currency"]),
        ("222", 3, None),
    ]
    assert outcome.report["quality"]["foreign_currency"]["sample_rows"] == [2]


def _header_only(tmp_path: Path) -> Path:
    empty = tmp_path / "usage-2024-09.csv"
    empty.write_text(",".join(FOCUS_LINE) + "\n", encoding="utf-8")
    return empty


def test_an_export_with_no_rows_is_recorded_as_an_empty_load_of_its_period(
    engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine)
    outcome = load_file(engine, source, _header_only(tmp_path), period="2024-09")
    assert (outcome.rows_read, outcome.rows_loaded, len(outcome.load_ids)) == (0, 0, 1)
    (load,) = loads_of(engine, source)
    assert (load["status"], load["rows_read"], load["report"]["rows_read"]) == ("current", 0, 0)
    (empty,) = load["report"]["slices"]
    assert (empty["billing_account_id"], empty["rows_loaded"]) == ("", 0)
    assert empty["billing_period_start"].startswith("2024-09-01")
    assert stored_lines(engine, source, "l.file_row") == []


def test_an_export_with_no_rows_and_no_period_is_refused_saying_so(
    engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine)
    with pytest.raises(ApplicationError) as refused:
        ingest(engine, source, _header_only(tmp_path))
    assert refused.value.type == "CostFileRefused"
    assert "no rows" in str(refused.value) and "billing period" in str(refused.value)
    (load,) = loads_of(engine, source)
    assert load["status"] == "failed" and "no rows" in load["report"]["problem"]
