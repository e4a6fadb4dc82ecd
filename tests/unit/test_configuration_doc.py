"""docs/configuration.md's table names exactly the settings poflow reads: none missing, none
stale."""

from __future__ import annotations

import re
from pathlib import Path

from settings import Settings

TABLE = Path(__file__).parents[2] / "docs" / "configuration.md"


def documented_variables() -> set[str]:
    """The variables of the table's first column; `POFLOW_JIRA_URL`, `_EMAIL` names
    `POFLOW_JIRA_EMAIL` too."""
    names: set[str] = set()
    for row in TABLE.read_text(encoding="utf-8").splitlines():
        if not row.startswith("| `"):
            continue
        family = ""
        for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1]):
            if name.startswith("_"):
                names.add(family + name)
            else:
                names.add(name)
                family = "_".join(name.split("_")[:2])
    return names


def test_every_setting_is_documented_and_every_documented_one_is_read() -> None:
    read = {f"POFLOW_{name.upper()}" for name in Settings.model_fields}
    documented = documented_variables() - {"DATABASE_URL"}  # read plain too, as documented
    assert sorted(read - documented) == []
    assert sorted(documented - read) == []
