"""Workflow code must replay to the same commands, so everything a workflow runs (``workflows/``
and the ``domain/`` rules it applies) reads no clock but ``workflow.now()``, draws no random
number, touches no file, socket, database or environment, and starts no thread. The worker runs
workflows outside Temporal's sandbox (see ``workflows/registry.py``), so this check follows every
import, direct or not: a workflow module reaches only workflow and domain modules, each checked
for such calls, and the pure parts of the standard library, pydantic and Temporal's API."""

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted([*(ROOT / "workflows").rglob("*.py"), *(ROOT / "domain").rglob("*.py")])
WORKFLOW_CODE = ("workflows", "domain")
# Every package of poflow a workflow could import, so a path through any of them is followed.
POFLOW = (
    *WORKFLOW_CODE,
    *("activities", "adapters", "models", "services", "api", "temporal_client", "settings"),
)

# What workflow code may reach besides itself: the standard library's pure parts, Temporal's
# workflow API and pydantic.
ALLOWED_EXTERNAL = {
    "__future__",
    "abc",
    "collections",
    "contextlib",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "hashlib",
    "hmac",
    "itertools",
    "json",
    "logging",
    "math",
    "re",
    "statistics",  # medians (outlier score, cost series); NormalDist.samples (random) unused
    "typing",
    "unicodedata",  # the vendor-name key of a routing condition; fixed data per Python release
    "pydantic",
    "temporalio",
}
# Calls whose result differs from one run to the next, or that reach outside the process.
FORBIDDEN_METHODS = {"now", "utcnow", "today", "fromtimestamp", "getenv"}
FORBIDDEN_NAMES = {"open", "input", "exec", "eval", "__import__"}


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*POFLOW, include_external_packages=True, cache_dir=None)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in WORKFLOW_CODE or top in ALLOWED_EXTERNAL


def outside_reach(graph: grimp.ImportGraph, module: str) -> dict[str, list[str]]:
    """Each module ``module`` reaches, directly or not, that workflow code may not, with the
    shortest chain of imports that gets there."""
    found: dict[str, list[str]] = {}
    for reached in sorted(graph.find_upstream_modules(module)):
        if not _allowed(reached):
            chain = graph.find_shortest_chain(importer=module, imported=reached)
            found[reached] = list(chain or ())
    return found


def _forbidden_calls(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
            found.append(f"{func.id}() at line {node.lineno}")
        elif isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_METHODS:
            owner = func.value
            if not (isinstance(owner, ast.Name) and owner.id == "workflow"):
                found.append(f".{func.attr}() at line {node.lineno}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_workflow_code_is_deterministic(path: Path) -> None:
    outside = outside_reach(_graph(), _module_name(path))
    assert not outside, (
        f"{path.name} reaches {' ; '.join(' -> '.join(c) for c in outside.values())}"
    )
    tree = ast.parse(path.read_text(), filename=str(path))
    assert not _forbidden_calls(tree), f"{path.name} calls {_forbidden_calls(tree)}"


def _graph_of(imports: Iterable[tuple[str, str]]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_the_check_follows_an_import_through_a_payload_module_to_the_database() -> None:
    graph = _graph_of(
        [
            ("workflows.renewal", "domain.renewal"),
            ("workflows.renewal", "activities.contracts"),
            ("activities.contracts", "models.db"),
            ("models.db", "sqlalchemy"),
            ("domain.renewal", "datetime"),
        ]
    )
    outside = outside_reach(graph, "workflows.renewal")
    assert sorted(outside) == ["activities.contracts", "models.db", "sqlalchemy"]
    assert outside["sqlalchemy"] == [
        "workflows.renewal",
        "activities.contracts",
        "models.db",
        "sqlalchemy",
    ]


def test_the_check_finds_a_clock_read() -> None:
    tree = ast.parse("from datetime import datetime\nx = datetime.now()\n")
    assert _forbidden_calls(tree) == [".now() at line 2"]
    assert _forbidden_calls(ast.parse("from temporalio import workflow\nworkflow.now()\n")) == []
