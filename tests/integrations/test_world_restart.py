"""`poflow simulators` (what `poflow up` starts for the demo) keeps what the simulated systems
hold in the data folder: stopped and started again, the ERP still has its orders and numbers on
where it stopped, ServiceNow still has its requested items, and the mails and chat stay."""

from __future__ import annotations

import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.outside_world import ERP_TOKEN
from devstack.tcp_ports import free_port
from tests.builders.processes import clean_environment

pytestmark = pytest.mark.slow
ERP = {"Authorization": f"Bearer {ERP_TOKEN}"}


@contextmanager
def simulators(data: Path, http_port: int, smtp_port: int) -> Iterator[str]:
    """``poflow simulators`` running until the block ends; its URL."""
    env = clean_environment(
        POFLOW_DATA_DIR=str(data),
        POFLOW_SIMULATORS_PORT=str(http_port),
        POFLOW_SMTP_PORT=str(smtp_port),
        POFLOW_API_PORT=str(free_port()),  # nothing listens there: poflow is not running
    )
    log = (data.parent / "simulators.out").open("a")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "simulators"], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_answering(process, f"{url}/state.json")
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) is not None


def _wait_until_answering(process: subprocess.Popen[bytes], url: str) -> None:
    for _ in range(300):
        assert process.poll() is None, "poflow simulators exited"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def _order(url: str, reference: str) -> dict[str, Any]:
    body = {"external_reference": f"{reference}:1", "po_number": reference, "total": "1.00"}
    answer = httpx.post(f"{url}/erp/api/v1/purchase-orders", json=body, headers=ERP)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _mail(smtp_port: int, subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "poflow@example.org", "a@b.c", subject
    message["X-Poflow-Kind"] = "approval_requested"
    message.set_content("Approve: http://127.0.0.1:8000/links/abc")
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        smtp.send_message(message)


def test_restarted_simulators_remember_orders_items_and_mail(tmp_path: Path) -> None:
    data, http_port, smtp_port = tmp_path / "data", free_port(), free_port()
    with simulators(data, http_port, smtp_port) as url:
        first = _order(url, "PO-1001")
        httpx.post(f"{url}/demo/requested-items", data={"times": "1"})
        _mail(smtp_port, "PO-1001: approval requested")
        before = httpx.get(f"{url}/state.json").json()
    assert first["id"] == "ERP-PO-50001"
    assert (data / "simulators.json").exists()

    with simulators(data, http_port, smtp_port) as url:
        after = httpx.get(f"{url}/state.json").json()
        assert after["erp_orders"] == before["erp_orders"]
        kept = httpx.get(f"{url}/erp/api/v1/purchase-orders/ERP-PO-50001", headers=ERP)
        assert kept.status_code == 200 and kept.json()["po_number"] == "PO-1001"
        assert _order(url, "PO-1002")["id"] == "ERP-PO-50002"
        assert [i["number"] for i in after["requested_items"]] == ["RITM0010001"]
        httpx.post(f"{url}/demo/requested-items", data={"times": "1"})
        numbers = [i["number"] for i in httpx.get(f"{url}/state.json").json()["requested_items"]]
        assert numbers == ["RITM0010001", "RITM0010002"]
        assert [m["subject"] for m in after["mails"]] == ["PO-1001: approval requested"]
        assert "did not answer" in after["deliveries"][0]
