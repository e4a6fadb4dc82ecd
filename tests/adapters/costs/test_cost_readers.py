"""Cost files read as a stream with row numbers, whatever their shape; broken files refused with
the file and row; the AWS CUR manifest read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.costs.cur_manifest import parse_cur_manifest
from adapters.costs.open_file import open_cost_file
from domain.costs.errors import CostFileError
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE, as_parquet, gzipped


def test_csv_gz_and_parquet_copies_give_the_same_rows_as_the_csv(tmp_path: Path) -> None:
    plain = list(open_cost_file(AZURE_EA_SAMPLE).rows())
    for copy in (gzipped(AZURE_EA_SAMPLE, tmp_path), as_parquet(AZURE_EA_SAMPLE, tmp_path)):
        reader = open_cost_file(copy)
        assert reader.header == open_cost_file(AZURE_EA_SAMPLE).header
        assert list(reader.rows()) == plain
    assert [row.row_number for row in plain] == list(range(1, 28))


def test_a_parquet_file_is_numbered_across_its_row_groups(tmp_path: Path) -> None:
    parquet = as_parquet(AWS_CUR_SAMPLE, tmp_path)  # 1,281 rows in row groups of 100
    numbers = [row.row_number for row in open_cost_file(parquet).rows()]
    assert numbers == list(range(1, 1282))


def test_a_truncated_csv_gz_is_refused_naming_the_file(tmp_path: Path) -> None:
    packed = gzipped(AWS_CUR_SAMPLE, tmp_path).read_bytes()
    truncated = tmp_path / "cur-2023-11.csv.gz"
    truncated.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(CostFileError, match=r"^cur-2023-11\.csv\.gz row \d+: .*truncated"):
        list(open_cost_file(truncated).rows())


def test_a_row_with_missing_cells_is_refused_naming_its_row(tmp_path: Path) -> None:
    lines = AZURE_EA_SAMPLE.read_text(encoding="utf-8").splitlines()
    short = tmp_path / "ea.csv"
    short.write_text("\n".join([*lines[:5], "Lorem,example.com", *lines[5:]]), encoding="utf-8")
    with pytest.raises(CostFileError, match=r"^ea\.csv row 5: 2 cells where the header has 55"):
        list(open_cost_file(short).rows())


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    latin = tmp_path / "statement.csv"
    latin.write_bytes("Service,BilledCost\nTéléphonie,12.00\n".encode("latin-1"))
    with pytest.raises(CostFileError, match=r"^statement\.csv header: the file is not UTF-8"):
        list(open_cost_file(latin).rows())


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    marked = tmp_path / "ea.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + AZURE_EA_SAMPLE.read_bytes())
    assert open_cost_file(marked).header[0] == "InvoiceSectionName"


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "focus.parquet"
    fake.write_bytes(AZURE_EA_SAMPLE.read_bytes())
    with pytest.raises(CostFileError, match=r"^focus\.parquet header: not a readable Parquet"):
        open_cost_file(fake)


def test_a_cur_manifest_lists_the_report_files_of_its_billing_period() -> None:
    manifest = {
        "assemblyId": "20231203T120255Z-4f1b",
        "reportName": "cur-daily",
        "compression": "GZIP",
        "billingPeriod": {"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
        "reportKeys": ["cur/20231101-20231201/4f1b/cur-daily-00001.csv.gz"],
        "columns": [{"category": "lineItem", "name": "UnblendedCost", "type": "BigDecimal"}],
    }
    read = parse_cur_manifest("cur-daily-Manifest.json", json.dumps(manifest))
    assert read.billing_period_start == datetime(2023, 11, 1, tzinfo=UTC)
    assert read.billing_period_end == datetime(2023, 12, 1, tzinfo=UTC)
    assert read.report_keys == ("cur/20231101-20231201/4f1b/cur-daily-00001.csv.gz",)
    assert read.columns == ("lineItem/UnblendedCost",)


def test_a_manifest_without_report_keys_or_period_is_refused() -> None:
    with pytest.raises(CostFileError, match=r"m\.json header, column reportKeys: missing"):
        parse_cur_manifest("m.json", json.dumps({"assemblyId": "a", "billingPeriod": {}}))
    with pytest.raises(CostFileError, match=r"column reportKeys: the manifest lists no report"):
        parse_cur_manifest(
            "m.json",
            json.dumps(
                {
                    "assemblyId": "a",
                    "billingPeriod": {"start": "2023-11-01", "end": "2023-12-01"},
                    "reportKeys": [],
                }
            ),
        )
