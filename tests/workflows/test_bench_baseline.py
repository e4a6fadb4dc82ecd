"""The baseline the bench compares poflow with: an activity, three Updates and an activity, driven
by a bare client; each Update's latency is recorded."""

import uuid

from temporalio.testing import WorkflowEnvironment

from bench.bare import bare_worker, run_order


async def test_a_bare_order_takes_three_updates_and_ends(time_env: WorkflowEnvironment) -> None:
    queue = f"bare-{uuid.uuid4().hex[:6]}"
    latencies: list[float] = []
    async with bare_worker(time_env.client, queue):
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
