"""The worker's footprint: its resident memory before, and once many POs wait on approvals
(workflows the worker keeps in its sticky cache, which the SDK bounds)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select
from temporalio.client import Client

from api.schemas.requisitions import RequisitionIn
from bench import org
from bench.stack import POFLOW_QUEUE, BenchStack
from domain.purchase_order import PurchaseOrderStart
from domain.temporal_names import WorkflowType, workflow_id_for
from models import PurchaseOrder
from models.db import unit_of_work
from models.purchase_orders.records import next_po_number

STARTS_AT_ONCE = 50
PATIENCE_SECONDS = 4 * 3600


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def waiting_pos(stack: BenchStack, client: Client, center: str, count: int) -> float:
    """Start ``count`` POs and return the seconds until all of them wait on their approver."""
    tag = uuid.uuid4().hex[:6]
    title = f"Benchmark subscription open-{tag}"
    body = org.subscription(center, "500.00", f"open-{tag}") | {"title": title}
    requisition = RequisitionIn.model_validate(body).to_requisition("alex")
    started = time.perf_counter()
    for first in range(0, count, STARTS_AT_ONCE):
        numbers = _numbers(stack, min(STARTS_AT_ONCE, count - first))
        await asyncio.gather(
            *(
                client.start_workflow(
                    WorkflowType.PURCHASE_ORDER,
                    PurchaseOrderStart(number, requisition),
                    id=workflow_id_for(number),
                    task_queue=POFLOW_QUEUE,
                )
                for number in numbers
            )
        )
    for _ in range(PATIENCE_SECONDS):
        if _pending(stack, title) >= count:
            return time.perf_counter() - started
        await asyncio.sleep(1)
    raise TimeoutError(f"{count} POs did not all reach their approver in {PATIENCE_SECONDS}s")


def _numbers(stack: BenchStack, count: int) -> list[str]:
    with unit_of_work(stack.sessions) as session:
        return [next_po_number(session) for _ in range(count)]


def _pending(stack: BenchStack, title: str) -> int:
    with unit_of_work(stack.sessions) as session:
        found = session.scalar(
            select(func.count()).where(
                PurchaseOrder.title == title, PurchaseOrder.status == "pending_approval"
            )
        )
    return int(found or 0)
