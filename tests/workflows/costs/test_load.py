"""A source's billing period loaded by its workflow, end to end: from an S3 bucket (moto's S3
server) and from a watched folder, lines visible, search attributes set and owners told; a
re-run, a newer file or the same file again replaces the period, never doubles it; a month in
several parts of one account loads whole, each line knowing its file; a bad file (or a bad part)
ends the load failed with the previous lines intact, and once fixed the next run loads it."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from domain.costs.load_messages import CostFileRef, LoadProgress
from domain.temporal_names import CostLoadQuery
from tests.builders.s3_server import S3Server
from tests.workflows.costs.conftest import CostLoads, LoadHandle
from tests.workflows.costs.files import (
    PERIOD,
    SAMPLE_LINES,
    duckdb_billed,
    gzipped_sample,
    put,
    put_cur_report,
    put_cur_report_in_parts,
    sample_lines,
    sample_parts,
    truncated_gzip,
)
from tests.workflows.costs.sources import (
    a_source,
    count_loads,
    lines_per_file,
    messages_to,
    visible_lines,
)
from tests.workflows.helpers import keep_history
from workflows import search_attributes as attributes


async def _attributes(handle: LoadHandle) -> tuple[object, ...]:
    found = (await handle.describe()).typed_search_attributes
    return tuple(
        found.get(key)
        for key in (
            attributes.COST_SOURCE,
            attributes.BILLING_PERIOD,
            attributes.LOAD_STATUS,
            attributes.LOAD_ROWS,
        )
    )


async def test_a_month_loads_from_a_bucket_and_loading_it_again_changes_nothing(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session], s3: S3Server
) -> None:
    bucket = f"billing-{uuid.uuid4().hex[:8]}"
    put_cur_report(s3.client(), bucket)
    location = {"kind": "s3", "bucket": bucket, "prefix": "cur/", "endpoint_url": s3.url}
    source, owner = a_source(demo_sessions, location)

    handle, result = await cost_loads.run(source, PERIOD)

    assert (result.status, result.problem) == ("loaded", None)
    assert result.rows_loaded + result.rows_quarantined == SAMPLE_LINES
    assert visible_lines(demo_sessions, source) == (result.rows_loaded, {"daily-00001.csv.gz"})
    assert list(cost_loads.settings.cost_files.work_dir.iterdir()) == []  # fetched, discarded
    assert await _attributes(handle) == (source, PERIOD, "loaded", result.rows_loaded)
    progress = await handle.query(CostLoadQuery.PROGRESS, result_type=LoadProgress)
    assert progress == LoadProgress("loaded", result.rows_loaded, 1)
    assert messages_to(demo_sessions, owner, "cost_load_loaded") == [
        f"Cost load of {source} {PERIOD}: {result.rows_loaded} rows loaded"
    ]
    await keep_history(handle, "cost_load")

    again, rerun = await cost_loads.run(source, PERIOD)

    assert rerun.status == "unchanged"
    assert visible_lines(demo_sessions, source) == (result.rows_loaded, {"daily-00001.csv.gz"})
    assert await _attributes(again) == (source, PERIOD, "unchanged", 0)
    assert len(messages_to(demo_sessions, owner, "cost_load_loaded")) == 1
    await keep_history(again, "cost_load_unchanged")


async def test_a_newer_file_or_the_same_file_again_replaces_the_month_never_doubles_it(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session]
) -> None:
    folder = cost_loads.settings.data_dir / "watched"
    put(folder, "aws/cur-2023-11.csv", sample_lines())
    source, _ = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})

    _, first = await cost_loads.run(source, PERIOD)
    put(folder, "aws/cur-2023-11.csv", sample_lines(100))  # the provider's revised delivery
    _, revised = await cost_loads.run(source, PERIOD)
    upload = put(cost_loads.upload_dir / source, "cur-2023-11.csv", sample_lines())
    uploaded = CostFileRef("upload", upload.name, upload.name)
    _, again = await cost_loads.run(source, PERIOD, (uploaded,))

    assert [r.status for r in (first, revised, again)] == ["loaded"] * 3
    assert revised.rows_loaded + revised.rows_quarantined == 100
    assert again.rows_loaded == first.rows_loaded
    assert visible_lines(demo_sessions, source) == (first.rows_loaded, {"cur-2023-11.csv"})
    assert count_loads(demo_sessions, source, "current") == 1


async def test_a_bad_file_fails_the_load_leaving_the_previous_lines_until_it_is_fixed(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session]
) -> None:
    folder: Path = cost_loads.settings.data_dir / "watched"
    put(folder, "cur-2023-11.csv", sample_lines(300))
    source, owner = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})
    _, before = await cost_loads.run(source, PERIOD)

    put(folder, "cur-2023-11.csv.gz", truncated_gzip())  # the rest of the month, cut short
    handle, failed = await cost_loads.run(source, PERIOD)

    assert failed.status == "failed"
    assert failed.problem is not None and "cur-2023-11.csv.gz" in failed.problem
    assert visible_lines(demo_sessions, source) == (before.rows_loaded, {"cur-2023-11.csv"})
    assert await _attributes(handle) == (source, PERIOD, "failed", 0)
    assert messages_to(demo_sessions, owner, "cost_load_failed") == [
        f"Cost load of {source} {PERIOD} failed"
    ]
    await keep_history(handle, "cost_load_failed")

    (folder / "cur-2023-11.csv").unlink()
    put(folder, "cur-2023-11.csv.gz", gzipped_sample())
    _, fixed = await cost_loads.run(source, PERIOD)

    assert fixed.status == "loaded"
    assert visible_lines(demo_sessions, source) == (fixed.rows_loaded, {"cur-2023-11.csv.gz"})
    assert fixed.rows_loaded + fixed.rows_quarantined == SAMPLE_LINES


async def test_a_month_in_two_parts_of_one_account_loads_whole_each_line_of_its_own_file(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session], s3: S3Server, tmp_path: Path
) -> None:
    bucket = f"billing-{uuid.uuid4().hex[:8]}"
    parts = put_cur_report_in_parts(s3.client(), bucket, first=600)
    location = {"kind": "s3", "bucket": bucket, "prefix": "cur/", "endpoint_url": s3.url}
    source, _ = a_source(demo_sessions, location)
    expected = {name: duckdb_billed(put(tmp_path, name, body)) for name, body in parts}

    handle, result = await cost_loads.run(source, PERIOD)

    assert (result.status, result.problem, result.rows_quarantined) == ("loaded", None, 0)
    assert len(result.load_ids) == 1  # one account, one month: one load of both files
    assert result.rows_loaded == SAMPLE_LINES == sum(rows for rows, _ in expected.values())
    found = lines_per_file(demo_sessions, source)
    assert {name: (rows, billed) for name, (rows, billed, _) in found.items()} == expected
    assert {name: file_rows for name, (_, _, file_rows) in found.items()} == {
        name: list(range(1, rows + 1)) for name, (rows, _) in expected.items()
    }
    assert count_loads(demo_sessions, source, "current") == 1
    await keep_history(handle, "cost_load_in_parts")

    _, again = await cost_loads.run(source, PERIOD)

    assert again.status == "unchanged"
    assert lines_per_file(demo_sessions, source) == found


async def test_a_new_part_of_the_month_reloads_it_whole(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session]
) -> None:
    folder = cost_loads.settings.data_dir / "watched"
    parts = sample_parts(400, 800)
    put(folder, "cur-2023-11-00001.csv", parts[0])
    put(folder, "cur-2023-11-00002.csv", parts[1])
    source, _ = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})
    _, two = await cost_loads.run(source, PERIOD)
    _, again = await cost_loads.run(source, PERIOD)
    put(folder, "cur-2023-11-00003.csv", parts[2])  # the provider adds the month's last part

    _, three = await cost_loads.run(source, PERIOD)

    assert [r.status for r in (two, again, three)] == ["loaded", "unchanged", "loaded"]
    assert (two.rows_loaded, three.rows_loaded) == (800, SAMPLE_LINES)
    assert visible_lines(demo_sessions, source) == (
        SAMPLE_LINES,
        {f"cur-2023-11-0000{n}.csv" for n in (1, 2, 3)},
    )
    assert count_loads(demo_sessions, source, "current") == 1


async def test_a_refused_part_of_the_month_leaves_the_month_as_it_was(
    cost_loads: CostLoads, demo_sessions: sessionmaker[Session]
) -> None:
    folder = cost_loads.settings.data_dir / "watched"
    put(folder, "cur-2023-11.csv", sample_lines())
    source, _ = a_source(demo_sessions, {"kind": "folder", "path": str(folder)})
    _, whole = await cost_loads.run(source, PERIOD)
    (folder / "cur-2023-11.csv").unlink()
    first, _ = sample_parts(600)
    put(folder, "cur-2023-11-00001.csv", first)
    put(folder, "cur-2023-11-00002.csv.gz", truncated_gzip())  # the second part, cut short

    _, parts = await cost_loads.run(source, PERIOD)

    assert parts.status == "failed"
    assert parts.problem is not None and "cur-2023-11-00002.csv.gz" in parts.problem
    assert visible_lines(demo_sessions, source) == (whole.rows_loaded, {"cur-2023-11.csv"})
    assert count_loads(demo_sessions, source, "loading") == 0
