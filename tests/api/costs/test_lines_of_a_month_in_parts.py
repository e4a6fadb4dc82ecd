"""A month delivered in two files, as its lines are shown: the lines API and the lines page
name each line's own file and row, and paging through them returns every line once; the load
names both files, and its quarantined row its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from domain.catalog import Role
from tests.activities.costs.loads import a_cost_source, focus_file, load_run
from tests.api.costs.explore_client import Explorer, sign_in


def test_each_line_names_its_own_file_and_row(
    explorer: Explorer, engine: Engine, tmp_path: Path
) -> None:
    source = a_cost_source(engine, "focus", quality_actions={"zero_cost": "quarantine"})
    (outcome, _) = load_run(
        engine,
        source,
        focus_file(
            tmp_path / "month-00001.csv",
            *({"BilledCost": f"{n}", "SubAccountId": f"a-{n}"} for n in range(1, 6)),
        ),
        focus_file(
            tmp_path / "month-00002.csv",
            *({"BilledCost": f"1{n}", "SubAccountId": f"b-{n}"} for n in range(1, 5)),
            {"BilledCost": "0", "EffectiveCost": "0", "SubAccountId": "zero"},
        ),
        period="2024-09",
    )
    finance = explorer.person("finance", Role.FINANCE)
    seen: list[tuple[str, int, str]] = []
    cursor: str | None = None
    while True:
        params: dict[str, object] = {"source": source, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = explorer.get(finance, "/api/costs/lines", **params)
        seen += [(line["file"], line["file_row"], line["sub_account"]) for line in page["lines"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [
        *(("month-00001.csv", n, f"a-{n}") for n in range(1, 6)),
        *(("month-00002.csv", n, f"b-{n}") for n in range(1, 5)),
    ]
    load = explorer.get(finance, f"/api/costs/loads/{outcome.load_ids[0]}")
    assert [(f["name"], f["rows"]) for f in load["report"]["files"]] == [
        ("month-00001.csv", 5),
        ("month-00002.csv", 5),
    ]
    assert [(q["file"], q["file_row"], q["rule"]) for q in load["quarantined"]] == [
        ("month-00002.csv", 5, "zero_cost")
    ]
    sign_in(explorer, finance)
    lines_page = explorer.client.get("/costs/lines", params={"source": source})
    assert "month-00002.csv, 4" in lines_page.text
