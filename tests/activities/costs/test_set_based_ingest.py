"""A FOCUS CSV read inside Postgres stores what the row-by-row ingest stores: for every FOCUS
sample, the AWS sample scaled to a FOCUS file as the bench makes it, and a file breaking every
data-quality rule, the two paths give the same lines (every column), the same quarantined rows
and the same report; so does a month in two files, the second adding to the first's load, and
lines drawing on a PO through a mapped commitment discount; a file the row-by-row path refuses
is refused alike."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from activities.costs.file_ingest import FileIngest
from adapters.ecb_rates import EcbRates
from bench.cost_ingest import focus_file as bench_focus_file
from domain.catalog import PoStatus
from domain.costs.conversion import RateCache
from domain.costs.errors import CostFileError
from domain.costs.load_messages import IngestOutcome, IngestRequest
from models.costs.loading import swap_in_loads
from models.costs.quarantine import quarantined_rows
from models.costs.source_config import read_source
from tests.activities.costs.commitments import SAVINGS_PLAN, a_contract, at, map_commitment
from tests.activities.costs.loads import (
    FOCUS_LINE,
    a_cost_source,
    cost_centers_and_gl_accounts,
    fetched,
    loads_of,
    source_id,
    staged_loads,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data/costs"
FOCUS_SAMPLES = sorted((SAMPLES / "focus-spec-examples").glob("*.csv"))
_RATES = EcbRates()

# One line per rule (and per reading the SQL path must match), each a change to FOCUS_LINE.
EVERY_RULE: list[dict[str, str]] = [
    {"BilledCost": "0", "EffectiveCost": "0", "Tags": '{"CostCenter": "cc-1"}'},  # zero_cost
    {"BilledCost": "0", "EffectiveCost": "0", "Tags": '{"CostCenter": "cc-1"}'},  # duplicate
    {"BilledCost": "3.50", "Tags": '{"CostCenter": "cc-1"}'},
    {"BilledCost": "3.50", "Tags": '{"CostCenter": "cc-1"}'},  # duplicate
    {"BilledCost": "-4.25", "ChargeCategory": "Usage"},  # negative_cost
    {"BilledCost": "-4.25", "ChargeCategory": "Credit", "Tags": '{"cost_center": "x"}'},
    {"ChargePeriodStart": "2024-10-02T00:00:00Z", "ChargePeriodEnd": "2024-10-03T00:00:00Z"},
    {"ServiceName": "", "BillingCurrency": "EUR"},  # missing_mandatory
    {"ChargeCategory": "Refund"},  # invalid_value
    {"ChargeClass": "Other", "ChargePeriodEnd": "2024-09-01T00:00:00Z"},  # invalid_value
    {"Tags": '{"owner": {"team": "a"}, "Cost Center": "cc-2"}'},  # malformed_tags
    {"Tags": '{"PO_Number": "PO-77", "costCenter": "cc-3", "cost-center": "cc-4"}'},
    {"BilledCost": "1.3E-9", "EffectiveCost": "0.00000000130", "ListCost": "null"},
    {"BilledCost": "12.345678901234567890123", "BillingCurrency": "GBP"},
    {"ChargePeriodStart": "2024-09-05 22:00:00", "ChargePeriodEnd": "2024-09-06 22:00:00"},
    # the same instants written the other way: a duplicate; the same cost to another scale: not
    {"ChargePeriodStart": "2024-09-05T22:00:00Z", "ChargePeriodEnd": "2024-09-06T22:00:00Z"},
    {"BilledCost": "3.500", "Tags": '{"CostCenter": "cc-1"}'},
    {"BillingAccountId": "222", "SubAccountId": "sub-9", "BilledCost": "0.00000000005"},
    {"BillingAccountId": "222", "BilledCost": "0.00000000015", "BillingCurrency": "JPY"},
    {"BillingAccountId": "222", "ContractedCost": "NULL", "ChargeCategory": "Tax"},
]


def _rule_file(path: Path, start: int = 0, stop: int | None = None) -> Path:
    """EVERY_RULE (its lines ``start:stop``) as a FOCUS file with a column FOCUS does not
    define (kept as an extra)."""
    header = [*FOCUS_LINE, "x_Team"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for number, line in list(enumerate(EVERY_RULE))[start:stop]:
            whole = {**FOCUS_LINE, **line, "x_Team": "team-a" if number in (6, 9) else ""}
            writer.writerow([whole[column] for column in header])
        writer.writerow([])  # a trailing blank line, as the FOCUS spec's own examples end
    return path


def _sources(engine: Engine, contract: str | None = None, **config: Any) -> tuple[str, str]:
    """Two sources configured alike: in EUR, requiring a cost-center tag, quarantining zero
    and negative costs, with a mapping for a sub-account and one for billing account 222, and
    SAVINGS_PLAN drawing on ``contract``'s POs when one is given."""
    centers, gl_accounts = cost_centers_and_gl_accounts(engine)
    by_rows, in_postgres = (_source(engine, centers, gl_accounts, config) for _ in range(2))
    if contract is not None:
        for source in (by_rows, in_postgres):
            map_commitment(engine, source, contract)
    return by_rows, in_postgres


def _source(
    engine: Engine, centers: tuple[int, ...], gl_accounts: tuple[int, ...], config: Any
) -> str:
    (sub_center, account_center, _), (sub_gl, account_gl, _) = centers, gl_accounts
    name = a_cost_source(
        engine,
        "focus",
        base_currency="EUR",
        tag_policy_keys=["CostCenter"],
        quality_actions={"zero_cost": "quarantine", "negative_cost": "quarantine"},
        **config,
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cost_account_mappings (source_id, account_kind, account_id, "
                "cost_center_id, gl_account_id, po_number) VALUES "
                "(:source, 'sub_account', 'sub-9', :sc, :sg, 'PO-9'), "
                "(:source, 'billing_account', '222', :ac, :ag, NULL)"
            ),
            {
                "source": source_id(engine, name),
                "sc": sub_center,
                "sg": sub_gl,
                "ac": account_center,
                "ag": account_gl,
            },
        )
    return name


def _ingest(
    engine: Engine, source: str, path: Path, set_based: bool, period: str | None
) -> tuple[IngestOutcome, bool]:
    (outcome, read_in_postgres), *_ = _ingest_files(engine, source, [path], set_based, period)
    return outcome, read_in_postgres


def _ingest_files(
    engine: Engine, source: str, paths: list[Path], set_based: bool, period: str | None
) -> list[tuple[IngestOutcome, bool]]:
    """The files of one run in turn, each adding to the loads the earlier ones opened, then
    swapped in; each file's outcome and whether it was read in Postgres."""
    config = read_source(engine, source)
    rates = RateCache(config.base_currency, _RATES.rate)
    done: list[tuple[IngestOutcome, bool]] = []
    for index, path in enumerate(paths):
        staged = staged_loads(outcome for outcome, _ in done)
        request = IngestRequest(source, fetched(path), period, f"cost-load-{source}", index, staged)
        ingest = FileIngest(engine, config, request, rates, 7, set_based)
        done.append((ingest.run(lambda _: None), ingest.read_in_postgres))
    swap_in_loads(engine, {load for outcome, _ in done for load in outcome.load_ids})
    return done


def _lines(engine: Engine, source: str) -> list[Mapping[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.* FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id "
                "JOIN cost_sources src ON src.id = s.source_id WHERE src.name = :source "
                "ORDER BY l.file_index, l.file_row"
            ),
            {"source": source},
        )
        return [
            {k: v for k, v in row._mapping.items() if k not in ("slice_id", "load_id")}
            for row in rows
        ]


def _quarantined(engine: Engine, outcome: IngestOutcome) -> list[tuple[object, ...]]:
    return [
        (q.row_number, q.rule, q.detail, dict(q.values))
        for load_id in outcome.load_ids
        for q in quarantined_rows(engine, load_id)
    ]


def _load_reports(engine: Engine, source: str) -> list[dict[str, Any]]:
    """The reports of the source's loads, as the load's page reads them, without the ids."""
    reports = [load["report"] for load in loads_of(engine, source)]
    return [_report(IngestOutcome((), 0, 0, 0, 0, report)) for report in reports]


def _report(outcome: IngestOutcome) -> dict[str, Any]:
    ids = ("load_id", "slice_id")  # each source has slices and loads of its own
    slices = [{k: v for k, v in s.items() if k not in ids} for s in outcome.report["slices"]]
    return {**outcome.report, "slices": slices}


def _same_storage(
    engine: Engine, *paths: Path, period: str | None = None, contract: str | None = None
) -> list[Any]:
    """Both paths over the files of a run, each into a source of its own (its commitment
    discount drawing on ``contract``'s POs when one is given); what the SQL path stored."""
    by_rows, in_postgres = _sources(engine, contract)
    for (expected, read_by_rows), (found, read_in_postgres) in zip(
        _ingest_files(engine, by_rows, list(paths), False, period),
        _ingest_files(engine, in_postgres, list(paths), True, period),
        strict=True,
    ):
        assert (read_by_rows, read_in_postgres) == (False, True)
        assert found.rows_read > 0
        assert _report(found) == _report(expected)
        assert _quarantined(engine, found) == _quarantined(engine, expected)
    assert _load_reports(engine, in_postgres) == _load_reports(engine, by_rows)
    lines, expected_lines = _lines(engine, in_postgres), _lines(engine, by_rows)
    differences = [
        {
            column: (value, want.get(column))
            for column, value in line.items()
            if value != want.get(column)
        }
        for line, want in zip(lines, expected_lines, strict=False)
    ]
    assert lines == expected_lines, [d for d in differences if d]
    return lines


@pytest.mark.parametrize("sample", FOCUS_SAMPLES, ids=lambda p: p.name)
def test_each_focus_sample_is_stored_alike(engine: Engine, sample: Path) -> None:
    by_rows, in_postgres = _sources(engine)
    try:
        _ingest(engine, by_rows, sample, False, None)
    except CostFileError as refused:
        with pytest.raises(CostFileError) as refused_too:
            _ingest(engine, in_postgres, sample, True, None)
        assert str(refused_too.value) == str(refused)
        return
    _same_storage(engine, sample)


def test_the_bench_file_is_stored_alike(engine: Engine, tmp_path: Path) -> None:
    plain = bench_focus_file(1_500, tmp_path / "focus.csv")
    packed = tmp_path / "focus.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert len(_same_storage(engine, plain)) == len(_same_storage(engine, packed)) > 0


def test_a_file_breaking_every_rule_is_stored_and_quarantined_alike(
    engine: Engine, tmp_path: Path
) -> None:
    lines = _same_storage(engine, _rule_file(tmp_path / "rules.csv"))
    flags = {flag for line in lines for flag in line["quality_flags"] or ()}
    duplicates = [
        line["file_row"] for line in lines if "duplicate" in (line["quality_flags"] or ())
    ]
    assert duplicates == [4, 16]
    assert flags >= {"duplicate", "outside_billing_period", "missing_tag", "malformed_tags"}
    assert {line["base_currency"] for line in lines} == {"EUR"}
    assert len({line["cost_center_id"] for line in lines} - {None}) == 2


def test_a_month_in_two_files_is_stored_alike(engine: Engine, tmp_path: Path) -> None:
    first = _rule_file(tmp_path / "rules-00001.csv", 0, 12)  # account 111
    second = _rule_file(tmp_path / "rules-00002.csv", 12)  # accounts 111 and 222
    lines = _same_storage(engine, first, second)
    rows = [(line["file_index"], line["file_row"]) for line in lines]
    assert len(set(rows)) == len(rows)  # each line its own file's row, none twice
    assert {index for index, _ in rows} == {0, 1}
    assert max(row for index, row in rows if index == 1) <= len(EVERY_RULE) - 12


def test_lines_drawing_on_a_po_through_a_commitment_discount_are_stored_alike(
    engine: Engine, tmp_path: Path
) -> None:
    contract, (first, renewed) = a_contract(
        engine, (PoStatus.ISSUED, at(1, hour=0)), (PoStatus.CLOSED, at(5, hour=23))
    )
    charged = [f"2024-09-{day:02d}T00:00:00Z" for day in (2, 5, 6, 20)]
    path = tmp_path / "commitments.csv"
    header = [*FOCUS_LINE, "CommitmentDiscountId"]
    lines = [
        {"ChargePeriodStart": start, "CommitmentDiscountId": SAVINGS_PLAN} for start in charged
    ] + [
        {"CommitmentDiscountId": SAVINGS_PLAN, "Tags": '{"po_number": "PO-TAGGED"}'},
        {"CommitmentDiscountId": SAVINGS_PLAN, "SubAccountId": "sub-9"},
        {"CommitmentDiscountId": "sp-unmapped", "SubAccountId": "sub-9"},
        {"CommitmentDiscountId": SAVINGS_PLAN, "ChargePeriodStart": "2024-08-31T00:00:00Z"},
    ]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for line in lines:
            whole = {**FOCUS_LINE, "ChargePeriodEnd": "2024-09-21T00:00:00Z", **line}
            writer.writerow([whole[column] for column in header])
    stored = _same_storage(engine, path, contract=contract)
    assert [line["po_number"] for line in stored] == [
        first,
        renewed,  # created late on the 5th: in force from the 5th
        renewed,
        renewed,
        "PO-TAGGED",
        first,
        "PO-9",
        None,
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"BilledCost": "ten"},
        {"ChargePeriodStart": "2024-09-31T00:00:00Z"},
        {"BillingAccountId": "999"},
        {"BillingPeriodStart": "2024-08-01T00:00:00Z"},
        {"ChargePeriodStart": "1998-12-01T00:00:00Z"},
    ],
    ids=["number", "date", "account", "period", "rate"],
)
def test_a_refused_file_is_refused_alike(
    engine: Engine, tmp_path: Path, change: dict[str, str]
) -> None:
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FOCUS_LINE)
        writer.writerow(FOCUS_LINE.values())
        writer.writerow({**FOCUS_LINE, **change}.values())
    errors = []
    source, _ = _sources(engine, billing_accounts=["111", "222"])
    for set_based in (False, True):
        with pytest.raises(CostFileError) as refused:
            _ingest(engine, source, path, set_based, "2024-09")
        errors.append((refused.value.row, refused.value.column, refused.value.problem))
    assert errors[0] == errors[1]
    assert errors[0][0] == 2


def test_a_file_of_another_format_is_read_row_by_row(engine: Engine) -> None:
    source = a_cost_source(engine, "auto")
    cur = SAMPLES / "aws-cur/sample-anonymous-aws-export-dataset.csv"
    outcome, read_in_postgres = _ingest(engine, source, cur, True, None)
    assert (outcome.rows_read, read_in_postgres) == (1_281, False)
