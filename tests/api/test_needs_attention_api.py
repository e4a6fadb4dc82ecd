"""An ERP that refuses poflow's token holds an approved PO in ``needs_attention`` (read model,
list filter); once the token is right again an admin runs the step again, through the API or
``poflow po retry``, and the PO is issued; nobody else may."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.erp import ErpBook, erp_simulator_app
from tests.api.e2e import Json, Stack, serve_stack, storage_body
from tests.builders.processes import clean_environment, run_cli

TOKEN = "erp-token"


@pytest.fixture(scope="module")
async def erp_stack(
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    demo_sessions: sessionmaker[Session],
) -> AsyncIterator[tuple[Stack, ErpBook]]:
    book = ErpBook(token=TOKEN)
    sock = loopback_socket()
    with served(erp_simulator_app(book), sock):
        erp = {"erp_url": f"{url_of(sock)}/api/v1", "erp_token": TOKEN}
        async with serve_stack(demo_database_url, temporal_env, demo_sessions, **erp) as stack:
            yield stack, book


async def _held_at_issue(stack: Stack, book: ErpBook) -> str:
    """An approved PO whose issue the ERP refuses (its token was rotated): it needs attention."""
    book.token = "rotated"
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    decided = await stack.post("priya", f"/api/purchase-orders/{number}/decisions", _approve())
    assert decided.status_code == 200, decided.text
    held = await stack.po_when(number, lambda po: po["status"] == "needs_attention")
    attention = held["detail"]["attention"]
    assert attention["step"] == "issue_to_erp" and "401" in attention["reason"]
    assert attention["status_before"] == "approved"
    return number


def _approve() -> Json:
    return {"action": "approve", "comment": "fine"}


def _issued(po: Json) -> bool:
    return po["status"] == "issued" and bool(po["detail"]["erp_reference"])


async def test_an_admin_retries_the_step_once_the_cause_is_fixed(
    erp_stack: tuple[Stack, ErpBook],
) -> None:
    stack, book = erp_stack
    number = await _held_at_issue(stack, book)
    listed = await stack.get("ines", "/api/purchase-orders", status="needs_attention", limit=200)
    assert number in [po["po_number"] for po in listed.json()]

    refused = await stack.post("paul", f"/api/purchase-orders/{number}/retry", {})
    assert refused.status_code == 403  # procurement, not an admin
    book.token = TOKEN  # the ERP takes poflow's token again
    retried = await stack.post("maria", f"/api/purchase-orders/{number}/retry", {})
    assert retried.status_code == 200, retried.text
    assert retried.json()["attention"] is None
    issued = await stack.po_when(number, _issued)
    assert issued["detail"]["attention"] is None
    orders = [o for o in book.orders.values() if o["external_reference"] == f"{number}:1"]
    assert len(orders) == 1

    again = await stack.post("maria", f"/api/purchase-orders/{number}/retry", {})
    assert (again.status_code, again.json()["rule"]) == (409, "not_waiting")


async def test_an_operator_retries_from_the_command_line(
    erp_stack: tuple[Stack, ErpBook],
    demo_database_url: str,
    temporal_env: WorkflowEnvironment,
    repo_root: Path,
) -> None:
    stack, book = erp_stack
    number = await _held_at_issue(stack, book)
    book.token = TOKEN
    env = clean_environment(
        DATABASE_URL=demo_database_url,
        POFLOW_TEMPORAL_ADDRESS=temporal_env.client.service_client.config.target_host,
    )
    retry = ["po", "retry", number, "--actor", "maria"]
    done = await asyncio.to_thread(run_cli, retry, env, repo_root, 120)
    assert done.returncode == 0, done.stderr
    assert f"{number}: the failed step runs again" in done.stdout
    await stack.po_when(number, _issued)
