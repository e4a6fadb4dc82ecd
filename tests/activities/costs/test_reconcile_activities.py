"""The cost-load workflow's last steps, as the worker runs them: reconciling the loads it
swapped in and booking their actuals answer summaries that cross the workflow boundary intact,
and a retried activity stores and posts nothing twice."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.costs.actuals import CostActualsActivities
from activities.costs.reconcile import CostReconcileActivities
from domain.costs.settlement import ActualsSummary, ReconciliationSummary
from models.costs.invoice_totals import InvoiceTotal, enter_invoice_total
from models.integrations.outbox import PostgresOutbox
from temporal_client.converter import DATA_CONVERTER
from tests.models.costs.allocated import Allocated, a_budget_line, a_eur_source, load_allocated

T = TypeVar("T")


def _across_the_boundary(value: T, kind: type[T]) -> T:
    payloads = DATA_CONVERTER.payload_converter.to_payloads([value])
    return DATA_CONVERTER.payload_converter.from_payloads(payloads, [kind])[0]  # type: ignore[no-any-return]


def test_a_load_is_reconciled_and_booked_once_however_often_it_runs(engine: Engine) -> None:
    center, gl, _ = a_budget_line(engine)
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine,
        source,
        "111",
        [
            Allocated("80", "INV-9", cost_center_id=center, gl_account_id=gl),
            Allocated("20", "INV-9"),  # unallocated
            Allocated(
                "19", "INV-9", charge_category="Tax", cost_center_id=center, gl_account_id=gl
            ),
        ],
    )
    with Session(engine) as session, session.begin():
        enter_invoice_total(
            session,
            source,
            "INV-9",
            "2024-09",
            InvoiceTotal("EUR", Decimal("125.40")),
            entered_by="finance",
        )
    sessions = sessionmaker(engine)
    environment = ActivityEnvironment()
    reconciling = CostReconcileActivities(sessions)
    booking = CostActualsActivities(sessions, "EUR", 1, PostgresOutbox(sessions))

    for _ in range(2):  # the second run is a retry
        reconciled = environment.run(reconciling.reconcile_cost_loads, [load_id])
        booked = environment.run(booking.book_cost_actuals, [load_id])

    assert _across_the_boundary(reconciled, ReconciliationSummary) == ReconciliationSummary(
        (load_id,), {"unexplained": 1}, {"EUR": 640}
    )
    assert _across_the_boundary(booked, ActualsSummary) == ActualsSummary(
        (load_id,), "EUR", unallocated_lines=1, unallocated_minor=2000
    )
    with engine.connect() as reader:
        rows = reader.execute(
            text(
                "SELECT count(*), sum(actual_delta_minor) FROM ledger_entries "
                "WHERE cost_center_id = :center"
            ),
            {"center": center},
        ).one()
        reconciliations = reader.scalar(
            text("SELECT count(*) FROM cost_reconciliations WHERE load_id = :load"),
            {"load": load_id},
        )
    assert tuple(rows) == (1, 9900) and reconciliations == 1
