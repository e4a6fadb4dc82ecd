"""A stored line keeps its file row, its tags as written and under normalised keys, and the
source's other columns; the daily roll-ups group by the tags the source's tag policy names."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, text

from tests.models.costs.lines import Line, a_source, lines, load


def _tagged(account: str) -> list[Line]:
    tagged = [
        *lines(account, ["1.25", "2.5"], Tags={"CostCenter": "CC-7", "user:Owner": "ana"}),
        *lines(account, ["10"], Tags={"cost-center": "CC-7"}),
        *lines(account, ["100"], Tags={"costCenter": "CC-9"}),
        *lines(account, ["1000"]),
    ]
    return [
        Line(line.focus, {"lineItem/UsageType": "BoxUsage"}, n) for n, line in enumerate(tagged, 1)
    ]


def test_lines_keep_their_row_tags_and_extra_columns(engine: Engine) -> None:
    source = a_source(engine)
    load_id = load(engine, source, "111", _tagged("111"))
    with engine.connect() as reader:
        first = reader.execute(
            text(
                "SELECT load_id, file_row, tags, tags_normalised, extras FROM cost_lines l "
                "JOIN cost_slices s ON s.id = l.slice_id WHERE s.source_id = :source "
                "ORDER BY file_row LIMIT 1"
            ),
            {"source": source},
        ).one()
    assert (first.load_id, first.file_row) == (load_id, 1)
    assert first.tags == {"CostCenter": "CC-7", "user:Owner": "ana"}
    assert first.tags_normalised == {"cost_center": "CC-7", "user_owner": "ana"}
    assert first.extras == {"lineItem/UsageType": "BoxUsage"}


def test_daily_rollups_group_by_the_tags_the_policy_names(engine: Engine) -> None:
    source = a_source(engine, tag_policy_keys=["cost_center"])
    load(engine, source, "111", _tagged("111"))
    with engine.connect() as reader:
        rows = reader.execute(
            text(
                "SELECT tags->>'cost_center' AS center, sum(billed_cost) AS billed, "
                "sum(line_count) AS lines FROM cost_daily WHERE source_id = :source GROUP BY 1"
            ),
            {"source": source},
        )
        by_center = {row.center: (row.billed, row.lines) for row in rows}
    assert by_center == {
        "CC-7": (Decimal("13.75"), 3),
        "CC-9": (Decimal("100"), 1),
        None: (Decimal("1000"), 1),
    }
