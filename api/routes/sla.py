"""SLA measurements of issued POs and the service credits their breaches earn (docs/sla.md):
finance, procurement and admins post measurements (JSON, or a CSV exported from the ITSM tool),
list the credits and record one received on an invoice or as a credit note."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool

from adapters.csv_table import read_csv_table
from api.deps import RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.field_types import Code
from api.params import PositiveInt32
from api.schemas.org import CsvIn
from api.schemas.sla import BreachCreditOut, CreditOut, MeasurementsIn, MeasurementsOut, ReceivedIn
from domain.catalog import Role
from domain.sla.measurements import SlaMeasurements
from domain.sla.sheet import MeasurementSheet, SheetError, read_measurement_sheet
from models.people.records import User
from models.purchase_orders.sla_credits import credits_of
from models.purchase_orders.sla_records import CreditStatus
from services.decisions import NotVisible
from services.sla import (
    MeasurementsRefused,
    MeasurementsTaken,
    escalate,
    mark_received,
    take_measurements,
)

router = APIRouter(prefix="/api/sla", tags=["sla"], route_class=RefusalRoute)
SlaKeeper = Annotated[User, Depends(require_role(Role.FINANCE, Role.PROCUREMENT, Role.ADMIN))]
_TAKE_REFUSALS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such PO (`not_found`)"},
    409: {"description": "the PO is not issued (`not_issued`)"},
    422: {"description": "`no_sla_terms`, a measurement rule, or a CSV row's rule (with `row`)"},
}


@router.post("/measurements", responses=_TAKE_REFUSALS)
async def post_measurements(
    body: MeasurementsIn, user: SlaKeeper, runtime: RuntimeDep
) -> MeasurementsOut:
    """A PO's availability months and incidents: each stored once (sent again, it changes
    nothing), each breach credited and escalated."""
    return (await _take(runtime, user, [body.to_batch()], None))[0]


@router.post("/measurements.csv", responses=_TAKE_REFUSALS)
async def post_measurements_csv(
    body: CsvIn, user: SlaKeeper, runtime: RuntimeDep
) -> list[MeasurementsOut]:
    """The measurements of a CSV (columns in docs/sla.md), any number of POs: all stored, or
    none when a row is refused (its number under ``row``, its rule under ``rule``)."""
    try:
        table = read_csv_table(body.csv)
        sheet = read_measurement_sheet(table.header, table.rows)
    except SheetError as error:
        raise Refused(422, str(error), rule=error.rule, row=error.row) from error
    return await _take(runtime, user, list(sheet.batches.values()), sheet)


@router.get("/credits")
def list_credits(
    _: SlaKeeper,
    session: SessionDep,
    po: Annotated[Code | None, Query(description="one PO's credits")] = None,
    credit_status: Annotated[CreditStatus | None, Query(alias="status")] = None,
) -> list[CreditOut]:
    """Credits by PO and month, of one PO and/or one status (owed, received, capped)."""
    return [CreditOut.of(row) for row in credits_of(session, po, credit_status)]


@router.post("/credits/{credit_id}/received", responses={409: {"description": "not owed"}})
async def credit_received(
    credit_id: PositiveInt32, body: ReceivedIn, user: SlaKeeper, runtime: RuntimeDep
) -> CreditOut:
    """An owed credit received: deducted on ``invoice_number`` or refunded by ``credit_note``
    (one of them; 422 ``received_via_one``); 409 ``credit_not_owed`` when it is not owed."""
    row = await run_in_threadpool(
        mark_received, runtime.sessions, user, credit_id, body.invoice_number, body.credit_note
    )
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no SLA credit {credit_id}")
    return CreditOut.of(row)


async def _take(
    runtime: RuntimeDep,
    user: User,
    batches: list[SlaMeasurements],
    sheet: MeasurementSheet | None,
) -> list[MeasurementsOut]:
    try:
        taken = await run_in_threadpool(take_measurements, runtime.sessions, user, batches)
    except NotVisible as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no purchase order {missing}") from missing
    except MeasurementsRefused as refused:
        raise _refusal(refused, sheet) from refused
    answers = []
    for one in taken:
        sent = await run_in_threadpool(escalate, runtime.sessions, runtime.notifications, one)
        answers.append(_out(one, sent))
    return answers


def _refusal(refused: MeasurementsRefused, sheet: MeasurementSheet | None) -> Refused:
    listed: list[dict[str, Any]] = []
    for failure in refused.refusals:
        entry: dict[str, Any] = {**vars(failure), "po_number": refused.po_number}
        if sheet is not None:
            entry["row"] = sheet.row_of(refused.po_number, failure.field)
        listed.append(entry)
    first = listed[0]
    extra = {"row": first["row"]} if sheet is not None else {}
    return Refused(422, first["message"], rule=first["rule"], refusals=listed, **extra)


def _out(taken: MeasurementsTaken, sent: bool) -> MeasurementsOut:
    return MeasurementsOut(
        po_number=taken.po_number,
        availability_stored=taken.availability_stored,
        availability_unchanged=taken.availability_unchanged,
        incidents_stored=taken.incidents_stored,
        incidents_unchanged=taken.incidents_unchanged,
        credits=[BreachCreditOut.of(credit) for credit in taken.credits],
        escalated_to=taken.escalated_to,
        escalation_sent=sent,
    )
