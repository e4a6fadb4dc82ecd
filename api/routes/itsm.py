"""Where ITSM tools deliver requests to buy. Each caller proves itself (a shared secret or basic
auth for ServiceNow, the webhook's HMAC signature for Jira and GLPI); a delivery without valid
proof is refused with 401 and stored nowhere. What passes is kept raw, then becomes at most one
PO per ticket (services.itsm_intake)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from pydantic import BaseModel

from adapters import glpi, jira_sm, servicenow
from adapters.basic_auth import basic_auth_matches
from adapters.itsm_router import TicketNotFound
from api.deps import RuntimeDep
from api.errors import Refused
from api.itsm_requisition import requisition_from_ticket
from api.webhooks import configured_secret, json_object, unauthorised
from domain.tickets import TicketRequest
from services.itsm_intake import Intake, IntakeDelivery, TicketSource, TicketUnreadable, take_in
from settings import Settings

router = APIRouter(prefix="/api/itsm", tags=["itsm"])
KEPT_HEADERS = ("content-type", "user-agent", "x-atlassian-webhook-identifier", "x-glpi-timestamp")


class IntakeOut(BaseModel):
    outcome: str
    po_number: str | None
    workflow_id: str | None
    ticket: str | None
    problems: list[str]


@router.post(
    "/servicenow/requested-items",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "The item was taken in before: nothing new started"}},
)
async def servicenow_requested_item(
    request: Request, runtime: RuntimeDep, response: Response
) -> IntakeOut:
    """The outbound REST message of a Business Rule or Flow: a requested item (``sc_req_item``)
    was approved for procurement. Its record and catalog variables are read back through the
    Table API and become the PO of workflow ``po-itsm-<sys_id>``."""
    settings = runtime.settings
    _check_servicenow_caller(request, settings)
    body = await request.body()
    try:
        event = servicenow.requested_item_event(json_object(body))
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    table = _servicenow_table(settings)
    delivery = IntakeDelivery(
        "servicenow", f"{event.sys_id}:{uuid.uuid4()}", _kept(request), body.decode()
    )
    intake = await _take_in(runtime, delivery, lambda: table.requested_item(event.sys_id))
    return _answer(intake, response)


@router.post(
    "/jira/webhook",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "Seen before, or an event that raises nothing"},
    },
)
async def jira_webhook(
    request: Request,
    runtime: RuntimeDep,
    response: Response,
    x_hub_signature: Annotated[str | None, Header()] = None,
    x_atlassian_webhook_identifier: Annotated[str | None, Header()] = None,
) -> IntakeOut:
    """A Jira Service Management webhook: an issue created, or moved to a new status (a request
    sent again once fixed). Verified by ``X-Hub-Signature``; a delivery is taken once by its
    ``X-Atlassian-Webhook-Identifier``."""
    secret = configured_secret(runtime.settings.jira_webhook_secret, "POFLOW_JIRA_WEBHOOK_SECRET")
    body = await request.body()
    if not jira_sm.signature_valid(body, x_hub_signature, secret):
        raise unauthorised("X-Hub-Signature does not match the body under the webhook secret")
    try:
        payload = jira_sm.parse_webhook(body)
    except ValueError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"not JSON: {error}") from error
    if not _raises_a_request(payload):
        response.status_code = status.HTTP_200_OK
        return IntakeOut(
            outcome="ignored", po_number=None, workflow_id=None, ticket=None, problems=[]
        )
    key = x_atlassian_webhook_identifier or _digest(body)
    delivery = IntakeDelivery("jira", key, _kept(request), body.decode())
    fields = runtime.settings.jira_fields

    def read() -> TicketRequest:
        try:
            return jira_sm.ticket_request_from_webhook(payload, fields)
        except ValueError as error:
            raise TicketUnreadable(str(error)) from error

    return _answer(await _take_in(runtime, delivery, read), response)


@router.post(
    "/glpi/webhook",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "This ticket and event were taken in before"}},
)
async def glpi_webhook(
    request: Request,
    runtime: RuntimeDep,
    response: Response,
    x_glpi_signature: Annotated[str | None, Header()] = None,
    x_glpi_timestamp: Annotated[str | None, Header()] = None,
) -> IntakeOut:
    """A GLPI webhook about a ticket, signed with HMAC-SHA256 over the body and the timestamp
    (``X-GLPI-signature``, ``X-GLPI-timestamp``, at most five minutes old); a delivery is taken
    once per ticket and event."""
    secret = configured_secret(runtime.settings.glpi_webhook_secret, "POFLOW_GLPI_WEBHOOK_SECRET")
    body = await request.body()
    stamp, signature = x_glpi_timestamp or "", x_glpi_signature or ""
    if not glpi.signature_valid(body, stamp, signature, secret):
        raise unauthorised("X-GLPI-signature does not match the body and timestamp")
    if not glpi.timestamp_fresh(stamp, datetime.now(UTC)):
        raise unauthorised("X-GLPI-timestamp is more than five minutes away from now")
    payload = json_object(body)
    key = (
        f"{payload.get('items_id') or (payload.get('item') or {}).get('id')}:{payload.get('event')}"
    )
    delivery = IntakeDelivery("glpi", key, _kept(request), body.decode())

    def read() -> TicketRequest:
        try:
            return glpi.ticket_request_from_webhook(payload)
        except ValueError as error:
            raise TicketUnreadable(str(error)) from error

    return _answer(await _take_in(runtime, delivery, read), response)


def _raises_a_request(payload: dict[str, Any]) -> bool:
    """Issue creation does; an update does only when it moves the issue's status, so poflow's
    own comments on the issue never come back as a request."""
    event = payload.get("webhookEvent")
    if event == "jira:issue_created":
        return True
    return event == "jira:issue_updated" and jira_sm.status_changed_to(payload) is not None


async def _take_in(
    runtime: RuntimeDep,
    delivery: IntakeDelivery,
    read: Callable[[], TicketRequest],
) -> Intake:
    def read_ticket() -> TicketRequest:
        try:
            return read()
        except TicketNotFound as error:
            raise TicketUnreadable(str(error)) from error
        except httpx.HTTPError as error:
            why = f"the ITSM tool did not answer: {error}"
            raise TicketUnreadable(why, missing=False) from error

    try:
        source = TicketSource(read_ticket, requisition_from_ticket)
        return await take_in(runtime.services, delivery, source)
    except TicketUnreadable as error:
        code = 422 if error.missing else status.HTTP_502_BAD_GATEWAY
        raise HTTPException(code, str(error)) from error


def _answer(intake: Intake, response: Response) -> IntakeOut:
    if intake.outcome == "refused":
        raise Refused(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "this request cannot become a purchase order",
            rule="requisition_refused",
            problems=intake.problems,
        )
    if intake.outcome == "duplicate":
        response.status_code = status.HTTP_200_OK
    return IntakeOut(
        outcome=intake.outcome,
        po_number=intake.po_number,
        workflow_id=intake.workflow_id,
        ticket=intake.ticket,
        problems=intake.problems,
    )


def _check_servicenow_caller(request: Request, settings: Settings) -> None:
    secret = configured_secret(
        settings.servicenow_inbound_secret, "POFLOW_SERVICENOW_INBOUND_SECRET"
    )
    if settings.servicenow_inbound_user:
        if not basic_auth_matches(
            request.headers.get("authorization"), settings.servicenow_inbound_user, secret
        ):
            raise unauthorised("basic auth with the configured user and secret is required")
    elif not servicenow.secret_valid(request.headers.get(servicenow.AUTH_HEADER), secret):
        raise unauthorised(f"{servicenow.AUTH_HEADER} must carry the shared secret")


def _servicenow_table(settings: Settings) -> servicenow.ServiceNowTable:
    instance = settings.servicenow
    if instance is None or not instance.password:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "ServiceNow is not configured: set POFLOW_SERVICENOW_URL, _USER and _PASSWORD",
        )
    return servicenow.ServiceNowTable(instance.url, instance.user, instance.password)


def _kept(request: Request) -> dict[str, str]:
    return {name: value for name in KEPT_HEADERS if (value := request.headers.get(name))}


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
