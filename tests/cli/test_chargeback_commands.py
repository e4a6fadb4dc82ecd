"""`poflow chargeback` as an operator runs it, in its own process, against a database of the
module's own holding an allocated month, its unit-cost model and rate card in force: `run`
makes the month's statement (posted, or shown back), `show` prints it again as text or JSON,
`unit-costs` the month's unit costs and rates; a refusal is one line naming its rule, exit 2."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from models.db import build_engine
from tests.builders.allocation import a_period
from tests.cli.command import poflow
from tests.conftest import app_role_url, fresh_database
from tests.models.costs.priced import a_priced_org, allocated_month, in_force, rate_card


@dataclass(frozen=True)
class Month:
    url: str
    period: str
    finance: str
    units: tuple[str, str]  # analytics, digital


@pytest.fixture(scope="module")
def month(postgres_admin_url: str) -> Iterator[Month]:
    url = app_role_url(fresh_database(postgres_admin_url, "chargeback_cli"))
    engine = build_engine(url, pool_size=2)
    period: date = a_period()
    with Session(engine) as session:
        org = a_priced_org(session)
        allocated_month(engine, session, org, period)
        in_force(session, org, DocumentKind.RATE_CARD, rate_card(org, period))
        session.commit()
        found = Month(
            url,
            f"{period:%Y-%m}",
            org.author.username,
            (org.units["analytics"].code, org.units["digital"].code),
        )
    engine.dispose()
    yield found


def _run(month: Month, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return poflow(["chargeback", *args], month.url, cwd)


def test_run_show_and_unit_costs(month: Month, tmp_path: Path) -> None:
    made = _run(month, tmp_path, "run", "--period", month.period, "--mode", "chargeback",
                "--as", month.finance)  # fmt: skip
    assert made.returncode == 0, made.stderr
    analytics, digital = month.units
    assert made.stdout.splitlines()[:2] == [
        f"{month.period} v1 chargeback: 48.91 EUR",
        f"  {analytics}: 19.11 EUR",
    ]
    shown = json.loads(_run(month, tmp_path, "show", "--period", month.period, "--json").stdout)
    assert (shown["version"], shown["by_business_unit"][digital]) == (1, 2980)
    costs = _run(month, tmp_path, "unit-costs", "--period", month.period).stdout.splitlines()
    assert [line.split(":")[1].split("(")[0].strip() for line in costs] == [
        "3.000000 EUR/Hour",
        "0.080000 EUR/GB-month",
    ]


def test_a_refusal_is_one_line_naming_its_rule(month: Month, tmp_path: Path) -> None:
    refused = _run(month, tmp_path, "run", "--period", "2199-01", "--mode", "showback",
                   "--as", month.finance)  # fmt: skip
    assert refused.returncode == 2
    assert (
        refused.stderr.strip() == "poflow: 2199-01 has not been allocated yet (no_allocation_run)"
    )
