"""Each PO's audit entries held against its workflow (``poflow audit verify --workflows``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from domain.audit_crosscheck import TrailEntry, workflow_discrepancies
from domain.purchase_order import PoView
from domain.temporal_names import PoQuery
from models.audit.entries import AuditEntry

QUERY_TIMEOUT = timedelta(seconds=20)


async def po_workflow_discrepancies(
    client: Client, task_queue: str, sessions: sessionmaker[Session]
) -> list[str]:
    """Every discrepancy between the trail and the PO workflows of ``task_queue`` Temporal
    still holds (closed ones until the namespace's retention drops them); a workflow that
    cannot be asked (no worker running, say) is one problem too."""
    found: list[str] = []
    for workflow_id in await _po_workflow_ids(client, task_queue):
        handle = client.get_workflow_handle(workflow_id)
        try:
            recorded = await handle.query(
                PoQuery.RECORDED_CHANGES, result_type=int, rpc_timeout=QUERY_TIMEOUT
            )
            view = await handle.query(PoQuery.VIEW, result_type=PoView, rpc_timeout=QUERY_TIMEOUT)
        except Exception as error:
            found.append(f"{workflow_id}: not checked, its workflow did not answer ({error})")
            continue
        with sessions() as session:
            entries = _entries_of(session, workflow_id)
        found += workflow_discrepancies(workflow_id, recorded, view.decisions, entries)
    return found


async def _po_workflow_ids(client: Client, task_queue: str) -> list[str]:
    query = f"WorkflowType = 'PurchaseOrder' AND TaskQueue = '{task_queue.replace(chr(39), '')}'"
    return sorted({execution.id async for execution in client.list_workflows(query)})


def _entries_of(session: Session, workflow_id: str) -> list[TrailEntry]:
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.workflow_id == workflow_id)
        .order_by(AuditEntry.sequence)
    )
    return [TrailEntry(r.sequence, r.idempotency_key, r.actor, r.action, r.after) for r in rows]
