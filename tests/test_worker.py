"""The worker registers every workflow and activity, adds the search attributes, and polls."""

import asyncio
import logging
import uuid

import pytest
from google.protobuf.duration_pb2 import Duration
from sqlalchemy.orm import Session, sessionmaker
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import (
    DescribeTaskQueueRequest,
    RegisterNamespaceRequest,
)
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from worker import build_worker, register_search_attributes
from workflows import search_attributes


async def _custom_attributes(client: Client) -> set[str]:
    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest

    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    return set(listing.custom_attributes)


async def test_missing_search_attributes_are_added_once(temporal_env: WorkflowEnvironment) -> None:
    namespace = f"fresh-{uuid.uuid4().hex[:8]}"
    await temporal_env.client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    client = await Client.connect(
        temporal_env.client.service_client.config.target_host, namespace=namespace
    )
    names = {key.name for key in search_attributes.ALL}
    added = await register_search_attributes(client, namespace, search_attributes.ALL)
    assert set(added) == names
    assert names <= await _custom_attributes(client)
    again = await register_search_attributes(client, namespace, search_attributes.ALL)
    assert again == []


async def test_the_worker_polls_its_task_queue_and_logs_what_it_registered(
    temporal_env: WorkflowEnvironment,
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = f"poflow-test-{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, temporal_task_queue=queue)
    caplog.set_level(logging.INFO, logger="poflow.worker")
    worker = build_worker(temporal_env.client, settings, sessions)
    assert "record_audit_event" in caplog.text and repr(queue) in caplog.text
    async with worker:
        pollers = await _activity_pollers(temporal_env.client, queue)
    assert pollers > 0


async def _activity_pollers(client: Client, queue: str) -> int:
    for _ in range(50):
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
            )
        )
        if described.pollers:
            return len(described.pollers)
        await asyncio.sleep(0.1)
    return 0
