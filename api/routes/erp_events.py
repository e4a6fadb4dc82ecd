"""Where the ERP reports what became of an issued order (acknowledged, received, invoiced,
cancelled). A delivery must be signed (``X-Erp-Signature``); each event is kept once by its id
and reaches the PO's workflow as the ``erp_status`` signal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from temporalio.service import RPCError

from adapters import erp_events
from api.deps import RuntimeDep, TemporalDep
from api.runtime import AppRuntime
from api.webhooks import configured_secret, json_object, unauthorised
from domain.erp_messages import ErpStatusEvent
from domain.temporal_names import PoSignal
from models.db import unit_of_work
from models.integrations.erp_events import keep_event, po_workflow_for

router = APIRouter(prefix="/api/erp", tags=["erp"])


class ErpEventTaken(BaseModel):
    event_id: str
    po_number: str
    new: bool


@router.post("/events", status_code=status.HTTP_202_ACCEPTED)
async def erp_event(
    request: Request,
    runtime: RuntimeDep,
    temporal: TemporalDep,
    response: Response,
    x_erp_signature: Annotated[str | None, Header()] = None,
) -> ErpEventTaken:
    """Take one status event; the same event id again answers 200 and signals nothing."""
    secret = configured_secret(runtime.settings.erp_webhook_secret, "POFLOW_ERP_WEBHOOK_SECRET")
    body = await request.body()
    if not erp_events.signature_valid(body, x_erp_signature, secret):
        raise unauthorised("X-Erp-Signature does not match the body under the shared secret")
    payload = json_object(body)
    try:
        event = erp_events.parse_event(payload)
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    workflow_id, new = await run_in_threadpool(_keep, runtime, event, payload)
    if new:
        try:
            await temporal.get_workflow_handle(workflow_id).signal(PoSignal.ERP_STATUS, event)
        except RPCError as error:
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"{event.po_number} takes no more events: {error.message}"
            ) from error
    else:
        response.status_code = status.HTTP_200_OK
    return ErpEventTaken(event_id=event.event_id, po_number=event.po_number, new=new)


def _keep(runtime: AppRuntime, event: ErpStatusEvent, payload: dict[str, Any]) -> tuple[str, bool]:
    """(the PO's workflow id, whether the event is new); 404 for a PO poflow does not hold."""
    with unit_of_work(runtime.sessions) as session:
        workflow_id = po_workflow_for(session, event)
        if workflow_id is None:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                f"no purchase order {event.po_number} issued as {event.erp_reference}",
            )
        return workflow_id, keep_event(session, event, payload)
