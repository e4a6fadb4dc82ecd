"""``poflow po``: an operator's hand on a PO whose step failed for good (``needs_attention``):
run the step again, or cancel the PO. Both reach the PO's workflow by number, also when the read
model could not store it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from cli.config import database_engine, load_settings
from devstack.temporal import connect_or_explain
from domain.purchase_order import CancelRequest, PoView
from domain.side_effects import RetryRequest
from domain.temporal_names import PoUpdate, workflow_id_for
from models.db import session_factory
from models.purchase_orders.records import PurchaseOrder

po = typer.Typer(help="Purchase orders that need an operator.")
Actor = Annotated[str, typer.Option(help="Who asks, as the audit trail records it.")]


@po.command("retry")
def retry(po_number: str, actor: Actor = "operator") -> None:
    """Run again the step that failed for good; the PO goes on from where it stood."""
    view = _update(po_number, PoUpdate.RETRY_STEP, RetryRequest(actor))
    typer.echo(f"{po_number}: the failed step runs again (status {view.status.value})")


@po.command("cancel")
def cancel(
    po_number: str,
    reason: Annotated[str, typer.Option(help="Why, for the requester and the audit trail.")],
    actor: Actor = "operator",
) -> None:
    """Cancel the PO (as procurement): its budget is released."""
    request = CancelRequest(actor=actor, reason=reason, actor_is_procurement=True)
    view = _update(po_number, PoUpdate.CANCEL, request)
    typer.echo(f"{po_number}: {view.status.value}")


def _update(po_number: str, update: str, request: Any) -> PoView:
    settings = load_settings()
    with session_factory(database_engine(settings))() as session:
        row = session.get(PurchaseOrder, po_number)
        workflow_id = row.workflow_id if row is not None else workflow_id_for(po_number)

    async def run() -> PoView:
        client = await connect_or_explain(settings)
        handle = client.get_workflow_handle(workflow_id)
        view: PoView = await handle.execute_update(update, request, result_type=PoView)
        return view

    try:
        return asyncio.run(run())
    except WorkflowUpdateFailedError as refused:
        typer.echo(f"poflow: {po_number}: {refused.cause or refused}", err=True)
        raise typer.Exit(1) from refused
    except RPCError as error:
        typer.echo(f"poflow: {po_number}: {error.message}", err=True)
        raise typer.Exit(1) from error
