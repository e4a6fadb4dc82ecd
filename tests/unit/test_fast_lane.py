"""`make test-fast` stays the fast lane: the folders it runs hold no browser test, nothing that
starts poflow's processes or a Temporal server, and nothing marked slow."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
#: What a test module of the fast lane may not use: each needs a browser, processes or Temporal.
SLOW_SIGNS = ("pytest.mark.slow", "playwright", "subprocess", "temporal_env", "WorkflowEnvironment")


def fast_lane_folders() -> list[Path]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-fast:.*\n\t(?P<command>.+)$", makefile, re.MULTILINE)
    assert recipe is not None, "the Makefile has no test-fast target"
    return [ROOT / word for word in recipe["command"].split() if word.startswith("tests/")]


def test_the_fast_lane_runs_the_pure_and_model_tests() -> None:
    assert fast_lane_folders() == [ROOT / "tests" / "unit", ROOT / "tests" / "models"]


def test_no_module_of_the_fast_lane_needs_a_browser_processes_or_temporal() -> None:
    slow = [
        f"{module.relative_to(ROOT)}: {sign}"
        for folder in fast_lane_folders()
        for module in sorted(folder.rglob("*.py"))
        for sign in SLOW_SIGNS
        if sign in module.read_text(encoding="utf-8") and module != Path(__file__)
    ]
    assert slow == []
