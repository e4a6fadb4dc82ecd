"""Change control: under a policy that asks for an approved change on hardware, a requisition
naming no change ticket is refused; an approved PO waits, unissued, until ServiceNow shows its
change approved (asked again every hour), and may be cancelled while it waits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from devstack.serving import loopback_socket, served, url_of
from devstack.simulators.servicenow import ServiceNowInstance, servicenow_simulator_app
from domain.catalog import PoStatus
from domain.purchase_order import CancelRequest, PoView
from domain.temporal_names import PoQuery, PoUpdate
from settings import Settings
from tests.builders.policies import demo_policy, policy_in_force
from tests.builders.requisitions import laptops, own_cost_center
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import (
    approve_round,
    arrives,
    audit_actions,
    balance,
    erp_orders,
    keep_history,
    update,
)
from worker import build_worker

HARDWARE_NEEDS_A_CHANGE = {"approved_change_required_when": [{"service_types": ["hardware"]}]}


@pytest.fixture
def change_policy(demo_sessions: sessionmaker[Session]) -> Iterator[None]:
    document = demo_policy()
    document["change_control"] = HARDWARE_NEEDS_A_CHANGE
    with policy_in_force(demo_sessions, document, "hardware needs an approved change"):
        yield


@pytest.fixture
async def servicenow_runner(
    time_env: WorkflowEnvironment, demo_sessions: sessionmaker[Session]
) -> AsyncIterator[tuple[PoRunner, ServiceNowInstance]]:
    """POs on a worker whose ITSM is a ServiceNow simulator over HTTP on loopback."""
    instance = ServiceNowInstance("poflow.integration", "secret")
    sock = loopback_socket()
    queue = f"po-change-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        _env_file=None,
        temporal_task_queue=queue,
        servicenow_url=url_of(sock),
        servicenow_user="poflow.integration",
        servicenow_password="secret",
    )
    runner = PoRunner(time_env, demo_sessions, queue)
    with served(servicenow_simulator_app(instance), sock):
        async with build_worker(time_env.client, settings, demo_sessions):
            yield runner, instance
            await runner.end_all()


async def test_no_change_ticket_is_refused(
    change_policy: None, servicenow_runner: tuple[PoRunner, ServiceNowInstance], db: Session
) -> None:
    runner, _ = servicenow_runner
    handle = await runner.start(replace(laptops(2), cost_center=own_cost_center(db)))
    view = await handle.result()
    assert view.status is PoStatus.REFUSED
    assert [f.rule for f in view.refusals] == ["change_ticket_required"]
    assert balance(db, view.po_number) == (0, 0)


async def test_issue_waits_for_the_change_to_be_approved(
    change_policy: None,
    servicenow_runner: tuple[PoRunner, ServiceNowInstance],
    time_env: WorkflowEnvironment,
    db: Session,
) -> None:
    runner, servicenow = servicenow_runner
    change = f"CHG{uuid.uuid4().int % 10**7:07d}"
    change_id = servicenow.add_change(change, "requested")
    item = servicenow.add_requested_item("RITM0077777", "Laptops", "alex", "alex@example.org", {})
    requisition = replace(
        laptops(2),
        cost_center=own_cost_center(db),
        change_ticket=f"servicenow:{change}",
        itsm_ticket=f"servicenow:{item}",
    )
    handle = await runner.start(requisition)
    await view_when(handle, waiting)
    view = await approve_round(handle, lambda v: v.held_for_change_ticket is not None)
    assert view.status is PoStatus.APPROVED and view.erp_reference is None
    await arrives(lambda: audit_actions(db, view.po_number), "issue.held")
    assert erp_orders(db, view.po_number) == 0
    # The note runs in real time; skipping hours while it is in flight would time it out.
    await _noted(servicenow, item, "issue waits until change")

    await time_env.sleep(timedelta(hours=3))  # asked again each hour: still not approved
    assert (await handle.query(PoQuery.VIEW, result_type=PoView)).status is PoStatus.APPROVED
    servicenow.tables["change_request"][change_id]["approval"] = "approved"
    await time_env.sleep(timedelta(hours=1))
    view = await view_when(handle, lambda v: v.status is PoStatus.ISSUED)
    assert view.held_for_change_ticket is None and erp_orders(db, view.po_number) == 1
    await arrives(lambda: audit_actions(db, view.po_number), "issue.released")
    await _noted(servicenow, item, f"{view.po_number} issued")
    notes = "\n".join(servicenow.work_notes(item))
    assert f"issue waits until change servicenow:{change} is approved" in notes
    assert f"{view.po_number} issued" in notes
    assert servicenow.requested_item(item)["u_change_request"] == change
    await keep_history(handle, "change_control")


async def test_a_po_waiting_for_its_change_can_be_cancelled(
    change_policy: None, servicenow_runner: tuple[PoRunner, ServiceNowInstance], db: Session
) -> None:
    runner, servicenow = servicenow_runner
    change = f"CHG{uuid.uuid4().int % 10**7:07d}"
    servicenow.add_change(change, "rejected")
    requisition = replace(
        laptops(2), cost_center=own_cost_center(db), change_ticket=f"servicenow:{change}"
    )
    handle = await runner.start(requisition)
    await view_when(handle, waiting)
    view = await approve_round(handle, lambda v: v.held_for_change_ticket is not None)
    view = await update(handle, PoUpdate.CANCEL, CancelRequest("alex", "the change was rejected"))
    assert view.status is PoStatus.CANCELLED
    assert erp_orders(db, view.po_number) == 0 and balance(db, view.po_number) == (0, 0)


async def _noted(servicenow: ServiceNowInstance, item: str, text: str) -> None:
    """Wait until a work note on ``item`` holds ``text`` (write-backs run in real time)."""
    for _ in range(100):
        if any(text in note for note in servicenow.work_notes(item)):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no work note with {text!r}: {servicenow.work_notes(item)}")
