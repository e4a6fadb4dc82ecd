"""The baseline the bench compares poflow with: an activity, three Updates and an activity, driven
by a bare client; each Update's latency is recorded."""

import uuid

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.bare import BareOrder, issue, reserve, run_order


async def test_a_bare_order_takes_three_updates_and_ends(time_env: WorkflowEnvironment) -> None:
    queue = f"bare-{uuid.uuid4().hex[:6]}"
    latencies: list[float] = []
    async with Worker(
        time_env.client, task_queue=queue, workflows=[BareOrder], activities=[reserve, issue]
    ):
        await run_order(time_env.client, queue, f"order-{queue}", latencies)
    assert len(latencies) == 3 and all(seconds > 0 for seconds in latencies)
    history = await time_env.client.get_workflow_handle(f"order-{queue}").fetch_history()
    scheduled = [
        e for e in history.events if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert [e.activity_task_scheduled_event_attributes.activity_type.name for e in scheduled] == [
        "bare_reserve",
        "bare_issue",
    ]
