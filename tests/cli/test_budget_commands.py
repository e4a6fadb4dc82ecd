"""`poflow budget` against the committed demo database: set, transfer, history and carry-forward
as fiona (finance) on cost centers of the test's own, in FY2001 so no other test's POs move; a
refusal is one line naming its rule, exit status 2, and nothing written."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.budgets.commitments import commit, reserve
from models.budgets.postings import po_holdings
from tests.cli.command import poflow as run_poflow
from tests.models.budget_org import BudgetOrg, budget_org

YEAR = 2001


def poflow(args: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_poflow(["budget", *args], database_url, cwd)


@pytest.fixture
def org(demo_sessions: sessionmaker[Session]) -> BudgetOrg:
    """Two cost centers of their own, with budget lines on FY2001 added by ``budget set``."""
    with demo_sessions.begin() as session:
        return budget_org(session, monthly=0)


def test_set_transfer_and_history(org: BudgetOrg, demo_database_url: str, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return poflow(list(args), demo_database_url, tmp_path)

    first = run(
        "set", org.source, org.gl, str(YEAR), "3", "40000.00", "--reason", "plan", "--as", "fiona"
    )
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.strip()
        == f"{org.source}/{org.gl} FY{YEAR} period 3 v1 (original): 40,000.00 EUR"
    )
    second = run(
        "set", org.source, org.gl, str(YEAR), "3", "45000", "--reason", "growth", "--as", "fiona"
    )
    assert "v2 (revision): 45,000.00 EUR" in second.stdout

    source, target = f"{org.source}/{org.gl}/{YEAR}/3", f"{org.target}/{org.gl}/{YEAR}/3"
    moved = run("transfer", source, target, "5000.00", "--reason", "new team", "--as", "fiona")
    assert moved.returncode == 0, moved.stderr
    assert "5,000.00 EUR" in moved.stdout and "now v3" in moved.stdout

    history = run("history", org.source, org.gl, str(YEAR)).stdout.splitlines()
    assert [line.split()[:3] for line in history] == [
        ["P03", "v3", "transfer"],
        ["P03", "v2", "revision"],
        ["P03", "v1", "original"],
    ]
    assert "40,000.00 EUR  fiona" in history[2] and history[2].endswith("plan")
    listing = run("list", str(YEAR), "--cost-center", org.target).stdout
    assert "available 5,000.00 EUR" in listing


def test_refusals_are_one_line_with_exit_2_and_write_nothing(
    org: BudgetOrg, demo_database_url: str, tmp_path: Path
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return poflow(list(args), demo_database_url, tmp_path)

    line = [org.source, org.gl, str(YEAR), "4"]
    assert run("set", *line, "100.00", "--reason", "seed", "--as", "fiona").returncode == 0
    source, target = f"{org.source}/{org.gl}/{YEAR}/4", f"{org.target}/{org.gl}/{YEAR}/4"
    refusals = {
        "insufficient_available": [
            "transfer",
            source,
            target,
            "100.01",
            "--reason",
            "x",
            "--as",
            "fiona",
        ],
        "reason_required": ["set", *line, "5.00", "--reason", " ", "--as", "fiona"],
        "neither the finance nor the admin role": [
            "set",
            *line,
            "5.00",
            "--reason",
            "x",
            "--as",
            "alex",
        ],
        "unknown_line": ["history", "NOPE", org.gl, str(YEAR)],
        "is not an amount": ["set", *line, "lots", "--reason", "x", "--as", "fiona"],
    }
    for expected, args in refusals.items():
        refused = run(*args)
        assert refused.returncode == 2, (expected, refused.stdout)
        assert refused.stderr.count("\n") == 1 and expected in refused.stderr, refused.stderr
    assert len(run("history", org.source, org.gl, str(YEAR)).stdout.splitlines()) == 1


def test_carry_forward_moves_open_commitment_once(
    org: BudgetOrg, demo_sessions: sessionmaker[Session], demo_database_url: str, tmp_path: Path
) -> None:
    assert (
        poflow(
            [
                "set",
                org.source,
                org.gl,
                str(YEAR),
                "12",
                "9000.00",
                "--reason",
                "r",
                "--as",
                "fiona",
            ],
            demo_database_url,
            tmp_path,
        ).returncode
        == 0
    )
    number = f"PO-CLI-{org.gl}"
    movement = org.movement(number, 250_000, date(YEAR, 12, 1), days=31)
    with demo_sessions.begin() as session:
        assert reserve(session, movement, 1).reserved
        commit(session, replace(movement, idempotency_key=f"{number}:commit"), 1)

    carried = poflow(["carry-forward", str(YEAR), "--as", "fiona"], demo_database_url, tmp_path)
    assert carried.returncode == 0, carried.stderr
    assert carried.stdout.strip() == (
        f"carried forward from FY{YEAR} to FY{YEAR + 1} period 1: 1 POs, 2,500.00 EUR"
    )
    again = poflow(["carry-forward", str(YEAR), "--as", "fiona"], demo_database_url, tmp_path)
    assert "0 POs, 0.00 EUR" in again.stdout
    with demo_sessions() as session:
        _, committed = po_holdings(session, number)
    assert {(p.fiscal_year, p.period): a for p, a in committed.items()} == {(YEAR + 1, 1): 250_000}
