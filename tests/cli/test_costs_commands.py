"""`poflow costs` as an operator runs it, against the demo database, the Temporal dev server and
a worker of the test's own: `import` loads a real sample through its workflow and prints the load
report, creating the source it names; `totals` equal DuckDB's own sums of the same file, to the
last decimal, as text and as JSON; `sources` lists the source with its last load; a bad file is
one clear line on stderr and a non-zero exit, with nothing loaded."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from models.db import unit_of_work
from services.costs.sources import SourceSettings, save_source
from settings import Settings
from tests.adapters.costs.test_cost_totals import METRICS
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE
from tests.builders.cost_sums import duckdb_by_service
from tests.builders.processes import clean_environment, run_cli
from worker import build_worker

pytestmark = pytest.mark.slow
AZURE_EA_ROWS = 27


@dataclass(frozen=True)
class Operator:
    env: dict[str, str]
    cwd: Path

    async def poflow(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``poflow costs ARGS`` in its own process, while the test's worker runs."""
        return await asyncio.to_thread(run_cli, ["costs", *args], self.env, self.cwd, 180)


@pytest.fixture(scope="module")
async def operator(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Operator]:
    data_dir = tmp_path_factory.mktemp("costs-cli")
    queue = f"costs-cli-{uuid.uuid4().hex[:8]}"
    address = temporal_env.client.service_client.config.target_host
    settings = Settings(
        _env_file=None, temporal_address=address, temporal_task_queue=queue, data_dir=data_dir
    )
    env = clean_environment(
        DATABASE_URL=demo_database_url,
        POFLOW_TEMPORAL_ADDRESS=address,
        POFLOW_TEMPORAL_TASK_QUEUE=queue,
        POFLOW_DATA_DIR=str(data_dir),
    )
    async with build_worker(temporal_env.client, settings, demo_sessions):
        yield Operator(env, data_dir)


def a_cur_source(sessions: sessionmaker[Session]) -> str:
    """A committed AWS CUR source in USD with the default data-quality actions; its name."""
    name = f"aws-{uuid.uuid4().hex[:6]}"
    settings = SourceSettings(name, "aws-cur", "AWS", base_currency="USD")
    with unit_of_work(sessions) as session:
        save_source(session, settings, "fiona", create=True)
    return name


async def test_import_loads_a_real_sample_and_totals_equal_duckdbs(
    operator: Operator, demo_sessions: sessionmaker[Session]
) -> None:
    source = a_cur_source(demo_sessions)
    imported = await operator.poflow("import", str(AWS_CUR_SAMPLE), "--source", source)
    assert imported.returncode == 0, imported.stderr
    report = imported.stdout
    assert f"{source} 2023-11 loaded (cost-load-{source}-2023-11)" in report
    assert "rows loaded 1281, quarantined 0" in report and "total USD" in report
    # The sample's 534 lines of zero cost are kept and flagged, each by the zero_cost rule.
    assert "rule zero_cost: 534 flagged" in report

    totals = await operator.poflow("totals", "--by", "service", "--source", source, "--json")
    assert totals.returncode == 0, totals.stderr
    groups = json.loads(totals.stdout)
    assert set(groups[0]) == {"service", "BillingCurrency", "Lines", *METRICS, "ContractedCost"}
    assert all(isinstance(g[m], str) for g in groups for m in METRICS)
    stored = {
        g["service"]: {m: Decimal(g[m]).normalize() for m in METRICS}
        for g in groups
        if g["BillingCurrency"] == "USD"
    }
    assert stored == duckdb_by_service()
    based = await operator.poflow(
        "totals", "--by", "service", "--source", source, "--json", "--base"
    )
    in_base = json.loads(based.stdout)
    assert {g["BaseCurrency"] for g in in_base} == {"USD"}  # the source's base: rate 1
    assert {g["service"]: Decimal(g["BilledCost"]).normalize() for g in in_base} == {
        service: sums["BilledCost"] for service, sums in stored.items()
    }

    listed = await operator.poflow("sources")
    line = next(line for line in listed.stdout.splitlines() if line.startswith(source + " "))
    assert "aws-cur" in line and "last load current" in line and AWS_CUR_SAMPLE.name in line
    assert line.endswith("data to 2023-11-14  LATE")  # a 2023 bill is past any threshold


async def test_import_creates_the_source_it_names_with_the_detected_format(
    operator: Operator,
) -> None:
    source = f"azure-{uuid.uuid4().hex[:6]}"
    imported = await operator.poflow("import", str(AZURE_EA_SAMPLE), "--source", source)
    assert imported.returncode == 0, imported.stderr
    assert f"{source} " in imported.stdout and " loaded (cost-load-" in imported.stdout
    listed = await operator.poflow("sources")
    line = next(line for line in listed.stdout.splitlines() if line.startswith(source + " "))
    assert "  azure-ea  " in line and "last load current" in line
    counts = re.search(r"rows loaded (\d+), quarantined (\d+)", imported.stdout)
    assert counts is not None, imported.stdout
    assert int(counts[1]) + int(counts[2]) == AZURE_EA_ROWS  # every row kept or listed


async def test_a_bad_file_is_one_clear_line_and_a_non_zero_exit(
    operator: Operator, tmp_path: Path
) -> None:
    source = f"aws-{uuid.uuid4().hex[:6]}"
    not_costs = tmp_path / "expenses.csv"
    not_costs.write_text("Date,Amount,Note\n2024-09-01,12.50,lunch\n")
    refused = await operator.poflow("import", str(not_costs), "--source", source)
    assert refused.returncode != 0
    assert "expenses.csv header: the header matches no known cost format" in refused.stderr
    assert "Traceback" not in refused.stderr
    wrong = await operator.poflow("import", str(AWS_CUR_SAMPLE), "--format", "azure")
    assert wrong.returncode != 0 and "wrong_format" in wrong.stderr
    listed = await operator.poflow("sources")
    assert source not in listed.stdout  # nothing was created for the refused file
    unknown = await operator.poflow("totals", "--by", "colour")
    assert unknown.returncode == 2 and "'colour' is not a dimension" in unknown.stderr
