"""`poflow up` (what `make run` calls) from nothing: every piece starts, answers, is reused by a
second run, and Ctrl-C stops exactly what was started while the data stays.

The module's tests share one run from nothing (starting one takes half a minute); the last one
stops it with Ctrl-C. A test that finds it stopped starts another from nothing."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devstack.tcp_ports import free_port, port_in_use
from devstack.temporal import cli_binary
from tests.api.e2e import storage_body
from tests.builders.processes import clean_environment
from workflows import search_attributes

pytestmark = pytest.mark.slow


@dataclass
class Run:
    process: subprocess.Popen[str]
    output: Path
    api_port: int

    def text(self) -> str:
        return self.output.read_text()

    def wait_for(self, marker: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.text():
            assert self.process.poll() is None, f"poflow up exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {marker!r} within {timeout}s:\n{self.text()}"
            time.sleep(0.5)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


def fresh_environment(folder: Path) -> dict[str, str]:
    """The environment of a run from nothing: an empty data folder, free ports."""
    return clean_environment(
        POFLOW_DATA_DIR=str(folder / "data"),
        POFLOW_TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}",
        POFLOW_TEMPORAL_UI_PORT=str(free_port()),
        POFLOW_SIMULATORS_PORT=str(free_port()),
        POFLOW_SMTP_PORT=str(free_port()),
    )


def _as_a_background_job() -> None:
    """A shell starts a background command with SIGINT ignored; `poflow up` must still stop on
    it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_up(env: dict[str, str], folder: Path, name: str) -> Run:
    api_port = free_port()
    output = folder / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "up"],
        env={**env, "POFLOW_API_PORT": str(api_port)},
        cwd=folder,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_as_a_background_job,
    )
    return Run(process, output, api_port)


@dataclass
class FirstRun:
    """The module's run from nothing, with the environment and folder it was started in."""

    run: Run
    env: dict[str, str]
    folder: Path


class FirstRuns:
    """Hands out the running first run, starting one from nothing when there is none."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.current: FirstRun | None = None

    def running(self) -> FirstRun:
        if self.current is None or self.current.run.process.poll() is not None:
            folder = self.factory.mktemp("poflow-up")
            env = fresh_environment(folder)
            self.current = FirstRun(start_up(env, folder, "first"), env, folder)
        self.current.run.wait_for("poflow is up.")
        return self.current

    def stop(self) -> None:
        if self.current is not None and self.current.run.process.poll() is None:
            self.current.run.interrupt()


@pytest.fixture(scope="module")
def first_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRuns]:
    runs = FirstRuns(tmp_path_factory)
    yield runs
    runs.stop()


@pytest.fixture
def first(first_runs: FirstRuns) -> FirstRun:
    return first_runs.running()


def test_run_command_brings_everything_up_and_a_second_run_reuses_it(first: FirstRun) -> None:
    run, env = first.run, first.env
    temporal_address = env["POFLOW_TEMPORAL_ADDRESS"]
    ui_port = int(env["POFLOW_TEMPORAL_UI_PORT"])
    assert httpx.get(f"http://127.0.0.1:{run.api_port}/readyz").status_code == 200
    assert httpx.get(f"http://127.0.0.1:{ui_port}/").status_code == 200
    listed = subprocess.run(
        [str(cli_binary()), "operator", "search-attribute", "list", "--address", temporal_address],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(key.name in listed for key in search_attributes.ALL)
    text = run.text()
    assert "demo data: 14 users" in text and f"127.0.0.1:{ui_port}" in text
    assert all(login in text for login in ("alex", "priya", "fiona", "paul", "ines", "maria"))
    simulators = f"http://127.0.0.1:{env['POFLOW_SIMULATORS_PORT']}"
    assert f"Simulators:   {simulators}" in text
    assert "Raise a requested item" in httpx.get(simulators).text
    assert "demo costs: " in text and "PO-1001 draws on AWS" in text
    assert "demo outlier: PO-1008 waits on outlier review: unit price 9,500.00 EUR" in text
    assert "demo cloud spend: PO-1009 waits on finops review (olga)" in text
    assert "charged back to 3 business units" in text and "remediation tasks for priya" in text
    assert "demo close: " in text and "approved by felix, in the ERP as ERP-JE-00001" in text
    assert "reversed as ERP-JE-00002" in text
    finance = poflow_command(["users", "token", "fiona", "--quiet"], env)
    assert "investigations started" in text
    open_variances = httpx.get(
        f"http://127.0.0.1:{run.api_port}/api/variances",
        params={"status": "open"},
        headers={"Authorization": f"Bearer {finance}"},
    ).json()
    assert ("IT-SEC", "6130", "lee") in [
        (v["cost_center"], v["gl_account"], v["owner"]) for v in open_variances
    ]
    loads = httpx.get(
        f"http://127.0.0.1:{run.api_port}/api/costs/loads",
        headers={"Authorization": f"Bearer {finance}"},
    ).json()
    assert sorted({(load["source"], load["status"]) for load in loads}) == [
        ("aws-demo", "current"),
        ("azure-demo", "current"),
        ("focus-demo", "current"),  # one load per billing account of the FOCUS file
        ("focus-optimise", "current"),
    ]
    assert "expense summaries: monthly to fiona, priya (fiona, priya subscribed now)" in text
    board = httpx.get(
        f"http://127.0.0.1:{run.api_port}/api/dashboard",
        headers={"Authorization": f"Bearer {finance}"},
    ).json()
    assert board["total"]["amount_minor"] > 0 and board["cost_centers"]
    assert "spend anomalies: a day of focus-demo" in text
    assert "2 runaway days found, 2 escalated (waiting on priya, tom)" in text
    recommended = re.search(r"recommendations: .*/reports/qbr/VM\?quarter=(\d{4}-Q\d)", text)
    assert recommended and "an idle VM done saving 400.00 EUR" in recommended.group(0)
    review = httpx.get(
        f"http://127.0.0.1:{run.api_port}/api/reports/qbr/VM",
        params={"quarter": recommended.group(1)},
        headers={"Authorization": f"Bearer {finance}"},
    ).json()
    assert review["realised_minor"] == {"EUR": 40_000}

    second = start_up(env, first.folder, "second")
    second.wait_for("poflow is up.")
    assert "Postgres: reusing" in second.text() and "Temporal: reusing" in second.text()
    assert "Simulators: reusing" in second.text()
    assert "demo data: nothing new" in second.text()
    assert "demo costs: " in second.text()  # the same PO, the months already loaded
    assert "demo outlier: PO-1008 waits on outlier review" in second.text()  # the same POs
    assert "demo cloud spend: PO-1009 waits on finops review (olga)" in second.text()
    assert "allocated (v1), charged back to 3 business units (v1)" in second.text()
    assert "expense summaries: monthly to fiona, priya (none new subscribed now)" in second.text()
    assert "0 investigations started" in second.text()
    assert "in the ERP as ERP-JE-00001 and reversed as ERP-JE-00002" in second.text()
    assert recommended.group(0) in second.text()  # nothing moved twice
    assert second.interrupt() == 0
    assert "stopping Postgres" not in second.text()
    assert httpx.get(f"http://127.0.0.1:{run.api_port}/readyz").status_code == 200


def poflow_command(args: list[str], env: dict[str, str]) -> str:
    """``poflow ARGS`` beside a running `poflow up`, on the same data folder; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_the_console_tells_what_a_person_needs_and_the_logs_keep_the_rest(
    first: FirstRun,
) -> None:
    run, env = first.run, first.env
    logs = Path(env["POFLOW_DATA_DIR"]) / "logs"
    assert f"{logs}/{{worker,api,simulators,temporal}}.log" in run.text().splitlines()[0]
    app = f"http://127.0.0.1:{run.api_port}"
    simulators = f"http://127.0.0.1:{env['POFLOW_SIMULATORS_PORT']}"
    tokens = {
        name: poflow_command(["users", "token", name, "--quiet"], env) for name in ("alex", "priya")
    }
    at_start = len(run.text().splitlines())

    httpx.post(f"{simulators}/demo/erp/stall")  # the demo's button: the ERP times out once
    numbers = [_issued_po(app, tokens, terabytes) for terabytes in (1, 2)]

    console = run.text().splitlines()[at_start:]
    assert len(console) <= 6, "\n".join(console)
    assert all(len(line) <= 170 for line in console), console
    assert not any("Traceback" in line or " GET /" in line for line in console), console
    told = f"WARNING issue_to_erp for po-{numbers[0]} failed (attempt 1); Temporal retries it"
    assert f"  worker: {told}" in console, "the ERP's time-out is told in one line"
    worker, api = (logs / "worker.log").read_text(), (logs / "api.log").read_text()
    assert "Traceback" in worker and "ReadTimeout" in worker
    assert "POST /api/requisitions" in api
    mail = (logs / "simulators.log").read_text()
    assert all(number in mail or "DATA" in mail for number in numbers)


def _issued_po(app: str, tokens: dict[str, str], terabytes: int) -> str:
    """A small PO raised by alex and approved by priya, once it is issued; its number."""
    raised = httpx.post(
        f"{app}/api/requisitions",
        json=storage_body(terabytes),
        headers={"Authorization": f"Bearer {tokens['alex']}"},
    )
    assert raised.status_code == 201, raised.text
    number = str(raised.json()["po_number"])
    path = f"{app}/api/purchase-orders/{number}"
    alex, priya = ({"Authorization": f"Bearer {tokens[name]}"} for name in ("alex", "priya"))
    for _ in range(600):
        po = httpx.get(path, headers=alex).json()
        if po["status"] == "pending_approval":
            decided = httpx.post(f"{path}/decisions", json={"action": "approve"}, headers=priya)
            assert decided.status_code == 200, decided.text
        if po["status"] == "issued":
            return number
        time.sleep(0.2)
    raise AssertionError(f"{number} was not issued: {po}")


def test_ctrl_c_stops_exactly_what_was_started_and_the_data_stays(first: FirstRun) -> None:
    run, env = first.run, first.env
    assert run.interrupt() == 0
    assert "stopping Postgres" in run.text()
    data = Path(env["POFLOW_DATA_DIR"])
    assert not (data / "pgdata" / "postmaster.pid").exists()
    assert (data / "pgdata" / "PG_VERSION").exists() and (data / "temporal.db").exists()
    assert not port_in_use("127.0.0.1", run.api_port)
    assert not port_in_use("127.0.0.1", int(env["POFLOW_TEMPORAL_UI_PORT"]))
    assert not port_in_use("127.0.0.1", int(env["POFLOW_SIMULATORS_PORT"]))
