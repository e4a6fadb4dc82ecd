"""Every real sample under tests/data/costs, ingested with the data-quality rules' default
actions: no good line is quarantined, and each load's progress ends at the file's size. A line
is quarantined only when a rule rightly refuses it (the FOCUS specification's example rows and
a few rows of the FOCUS sample data leave mandatory columns empty: each is quarantined as
missing_mandatory naming exactly the columns it lacks), and a file whose values cannot be read at
all (the spec's `T30:00:00Z` hour) is refused naming its row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.exceptions import ApplicationError

from domain.costs.focus_columns import BY_NAME, MANDATORY
from domain.costs.values import is_null
from models.costs.quarantine import quarantined_rows
from tests.activities.costs.loads import a_cost_source, ingest, loads_of
from tests.builders.cost_files import BAD_DATE_SAMPLES, DATA

# FOCUS files whose rows may leave a mandatory column empty: the specification's partial
# examples, and the FOCUS sample data (7 rows of its Oracle account have no ContractedCost).
FOCUS_FOLDERS = ("focus-spec-examples", "focus-sample-data")
NOT_NULL = [name for name in MANDATORY if not BY_NAME[name].nullable]
SAMPLES = sorted(set(DATA.rglob("*.csv")) - set(BAD_DATE_SAMPLES))


def _cells(sample: Path) -> list[dict[str, str]]:
    with sample.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def _focus_lacks(cells: dict[str, str]) -> list[str]:
    """The mandatory columns a FOCUS file's row has no value for, in any case of their name."""
    present = {name.lower() for name, value in cells.items() if not is_null(value)}
    return [name for name in NOT_NULL if name.lower() not in present]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_sample_loads_with_default_actions_quarantining_only_rightly_refused_lines(
    engine: Engine, sample: Path
) -> None:
    source = a_cost_source(engine)  # no quality_actions: every rule's default
    outcome = ingest(engine, source, sample)
    rows = _cells(sample)
    assert outcome.rows_read == len(rows)
    assert all(load["bytes_read"] == sample.stat().st_size for load in loads_of(engine, source))
    quarantined = [q for load in outcome.load_ids for q in quarantined_rows(engine, load)]
    if sample.parent.name not in FOCUS_FOLDERS:  # provider exports: every line is good
        assert (outcome.rows_loaded, quarantined) == (len(rows), [])
        return
    expected = {n: lacks for n, cells in enumerate(rows, 1) if (lacks := _focus_lacks(cells))}
    assert {q.row_number: q.rule for q in quarantined} == dict.fromkeys(
        expected, "missing_mandatory"
    )
    for kept in quarantined:
        missing = [f"{name} is missing" for name in expected[kept.row_number]]
        assert "missing_mandatory: " + "; ".join(missing) in kept.detail
        assert kept.detail.count(" is missing") == len(missing)
    assert outcome.rows_loaded == len(rows) - len(expected)


@pytest.mark.parametrize("sample", sorted(BAD_DATE_SAMPLES), ids=lambda path: path.name)
def test_a_spec_sample_with_an_impossible_hour_is_refused_naming_row_and_column(
    engine: Engine, sample: Path
) -> None:
    source = a_cost_source(engine)
    with pytest.raises(ApplicationError) as refused:
        ingest(engine, source, sample)
    assert refused.value.type == "CostFileRefused"
    (load,) = loads_of(engine, source)
    report = load["report"]
    assert (report["row"], report["column"]) == (BAD_DATE_SAMPLES[sample], "ChargePeriodEnd")
    assert "T30:00:00Z" in report["problem"]
