"""What the governance workflows (renewal, tag remediation, cost-document review, variance
investigation, spend anomaly, month-end close) share: one audit entry per step of their run,
keyed by the workflow and the step's number, and a wait that ends on a condition or a timeout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.audit_chain import AuditEvent
    from workflows import activity_calls as calls


async def audit_step(
    action: str, actor: str, entity: tuple[str, str], step: str, after: dict[str, Any]
) -> None:
    """The audit entry of one step of this run: ``entity`` is its type and id, ``step`` what
    keeps its idempotency key apart from the run's other steps."""
    info = workflow.info()
    entity_type, entity_id = entity
    await calls.audit(
        AuditEvent(
            occurred_at=workflow.now(),
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            idempotency_key=f"{info.workflow_id}:{step}",
            after=after,
            workflow_id=info.workflow_id,
            run_id=info.run_id,
        )
    )


async def came_within(condition: Callable[[], bool], wait: timedelta) -> bool:
    """Whether ``condition`` came to hold within ``wait``."""
    try:
        await workflow.wait_condition(condition, timeout=wait)
    except TimeoutError:
        return False
    return True
