"""docs/cost-formats.md shows each format's mapping exactly as the code applies it."""

from __future__ import annotations

import re
from pathlib import Path

from domain.costs.mapping_doc import documented_tables

DOC = Path(__file__).resolve().parents[3] / "docs" / "cost-formats.md"
BLOCK = re.compile(r"<!-- mapping table: (\w+) -->\n(.*?)\n<!-- end mapping table -->", re.S)


def test_every_mapping_table_in_the_doc_is_the_one_the_code_applies() -> None:
    in_doc = dict(BLOCK.findall(DOC.read_text(encoding="utf-8")))
    expected = documented_tables()
    assert set(in_doc) == set(expected)
    for name, table in expected.items():
        assert in_doc[name] == table, (
            f"docs/cost-formats.md, {name} table; it should read:\n{table}"
        )
