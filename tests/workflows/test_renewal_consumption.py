"""At its notice window, the renewal tells the service owner what the cost data drew against
the PO so far (lines carrying its number), beside what the PO commits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Decision, PoStatus
from domain.renewal import RenewalView
from domain.temporal_names import PoQuery
from models.db import build_engine
from models.integrations.outbound import OutboundMessage
from tests.builders.requisitions import short_contract_vms
from tests.models.costs.allocated import Allocated, a_eur_source, load_allocated
from tests.workflows.conftest import PoRunner, view_when, waiting
from tests.workflows.helpers import arrives, decide, keep_history, messages_to, projected

AUGUST = datetime(2024, 8, 20, tzinfo=UTC)


async def test_the_renewal_window_tells_the_consumption_drawn_against_the_po(
    po_runner: PoRunner, time_env: WorkflowEnvironment, db: Session, demo_database_url: str
) -> None:
    handle = await po_runner.start(short_contract_vms(db, date.today() + timedelta(days=120)))
    view = await view_when(handle, waiting)
    while view.status is PoStatus.PENDING_APPROVAL:
        approver = view.waiting_on()[0]
        view = await decide(handle, approver, Decision.APPROVE, comment="build agents renew")
    await projected(db, view.po_number, PoStatus.ISSUED)
    engine = build_engine(demo_database_url, pool_size=1)
    drawn = [
        Allocated("1234.565", po_number=view.po_number),  # 123456.5 cents: half to even
        Allocated("100", po_number=view.po_number, charged=AUGUST),
        Allocated("55", po_number=f"{view.po_number}-OTHER"),
    ]
    load_allocated(engine, a_eur_source(engine), "111", drawn)
    engine.dispose()

    await time_env.sleep(timedelta(days=31))  # 90 days before the contract's end
    view = await view_when(handle, lambda v: v.renewal is not None)
    renewal = time_env.client.get_workflow_handle(view.renewal or "", result_type=RenewalView)
    po_runner.track(renewal.id)
    await arrives(lambda: messages_to(db, view.po_number, "alex"), "renewal_window")

    body = db.scalars(
        select(OutboundMessage.body).where(
            OutboundMessage.po_number == view.po_number, OutboundMessage.recipient == "alex"
        )
    ).all()
    window = next(message for message in body if message["kind"] == "renewal_window")
    assert window["consumed_base_minor"] == 123456 + 10000
    assert window["committed_base_minor"] == view.amount_base_minor
    state = await renewal.query(PoQuery.VIEW, result_type=RenewalView)
    assert state.consumed_base_minor == 133456
    await keep_history(renewal, "renewal_consumption")
