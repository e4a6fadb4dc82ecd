"""The baseline: a workflow of the same shape as a PO's approval (an activity, three Updates,
an activity) with no poflow code, its worker, and the driver that runs it through a bare client.

``python -m bench.bare ADDRESS QUEUE`` runs the worker until stopped."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

ACTIVITY_TIMEOUT = timedelta(seconds=30)


@activity.defn(name="bare_reserve")
async def reserve(order: str) -> str:
    return order


@activity.defn(name="bare_issue")
async def issue(order: str) -> str:
    return order


@workflow.defn(name="BareOrder")
class BareOrder:
    def __init__(self) -> None:
        self.approvals = 0

    @workflow.run
    async def run(self, order: str) -> str:
        await workflow.execute_activity(reserve, order, start_to_close_timeout=ACTIVITY_TIMEOUT)
        await workflow.wait_condition(lambda: self.approvals >= 3)
        return await workflow.execute_activity(
            issue, order, start_to_close_timeout=ACTIVITY_TIMEOUT
        )

    @workflow.update
    async def approve(self, approver: str) -> int:
        self.approvals += 1
        return self.approvals


async def run_order(client: Client, queue: str, order: str, latencies: list[float]) -> None:
    """One order: start it, approve it three times (each Update timed), wait for its end."""
    handle = await client.start_workflow(BareOrder.run, order, id=order, task_queue=queue)
    for approver in ("owner", "leadership", "finance"):
        started = time.perf_counter()
        await handle.execute_update(BareOrder.approve, approver)
        latencies.append(time.perf_counter() - started)
    await handle.result()


async def serve(address: str, queue: str) -> None:
    client = await Client.connect(address)
    stop = asyncio.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(number, stop.set)
    async with bare_worker(client, queue):
        await stop.wait()


def bare_worker(client: Client, queue: str) -> Worker:
    """Runs its workflow as poflow's worker runs its own: outside Temporal's sandbox."""
    return Worker(
        client,
        task_queue=queue,
        workflows=[BareOrder],
        activities=[reserve, issue],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
