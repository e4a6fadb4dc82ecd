"""Workflow code must replay to the same commands, so everything a workflow runs (``workflows/``
and the ``domain/`` rules it applies) reads no clock but ``workflow.now()``, draws no random
number, touches no file, socket, database or environment, and starts no thread. The worker runs
workflows outside Temporal's sandbox (see ``workflows/registry.py``); this check covers every
module, including those the sandbox would have passed through unchecked."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted([*(ROOT / "workflows").glob("*.py"), *(ROOT / "domain").glob("*.py")])

# What workflow code may import: the standard library's pure parts, Temporal's workflow API,
# pydantic, and poflow's own rules and the payloads workflows and activities exchange.
ALLOWED_IMPORTS = {
    "__future__",
    "abc",
    "collections",
    "contextlib",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "functools",
    "hashlib",
    "hmac",
    "itertools",
    "json",
    "logging",
    "math",
    "re",
    "typing",
    "pydantic",
    "temporalio",
    "domain",
    "workflows",
}
# Calls whose result differs from one run to the next, or that reach outside the process.
FORBIDDEN_METHODS = {"now", "utcnow", "today", "fromtimestamp", "getenv"}
FORBIDDEN_NAMES = {"open", "input", "exec", "eval", "__import__"}


def _imports(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def _allowed(module: str) -> bool:
    return any(module == ok or module.startswith(f"{ok}.") for ok in ALLOWED_IMPORTS)


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
    tree = ast.parse(path.read_text(), filename=str(path))
    outside = [name for name in _imports(tree) if not _allowed(name)]
    assert not outside, f"{path.name} imports {outside}"
    assert not _forbidden_calls(tree), f"{path.name} calls {_forbidden_calls(tree)}"


def test_the_check_finds_a_clock_read_and_a_database_import() -> None:
    tree = ast.parse("import sqlalchemy\nfrom datetime import datetime\nx = datetime.now()\n")
    assert [name for name in _imports(tree) if not _allowed(name)] == ["sqlalchemy"]
    assert _forbidden_calls(tree) == [".now() at line 3"]
    assert _forbidden_calls(ast.parse("from temporalio import workflow\nworkflow.now()\n")) == []
