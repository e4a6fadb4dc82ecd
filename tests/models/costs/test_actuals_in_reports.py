"""Budget reports show the cloud actuals booked from cost data next to the commitments, apart
from the invoices booked against POs (both are actual, and both consume the budget)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.purchase_order import InvoicePosting
from models.budgets.commitments import commit, invoice, reserve
from models.budgets.reports import budget_report
from models.budgets.summary import budget_summary
from models.costs.actuals import book_actuals
from tests.models.costs.allocated import Allocated, a_budget_line, a_eur_source, load_allocated


def test_the_budget_report_and_summary_show_cloud_actuals_apart(engine: Engine) -> None:
    center, gl, org = a_budget_line(engine)
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine, source, "111", [Allocated("250.75", cost_center_id=center, gl_account_id=gl)]
    )
    po = f"PO-CLOUD-{load_id}"
    with Session(engine) as session, session.begin():
        movement = org.movement(po, 40_000, date(2024, 9, 1))
        reserve(session, movement, 1)
        commit(session, replace(movement, idempotency_key=f"{po}:commit"), 1)
        invoice(
            session,
            InvoicePosting(
                po_number=po,
                revision=1,
                cost_center=org.source,
                gl_account=org.gl,
                invoice_number="V-77",
                invoice_date=date(2024, 9, 20),
                amount_minor=10_000,
                currency="EUR",
                amount_base_minor=10_000,
                base_currency="EUR",
                rate="1",
                rate_date=date(2024, 9, 20),
                posted_by="ap",
            ),
            1,
        )
        book_actuals(session, [load_id], currency="EUR", start_month=1)

    with Session(engine) as session:
        report = budget_report(session, 2024, "EUR", org.source)
        summary = budget_summary(session, 2024, "EUR", org.source)
    (line,) = report.centers[0].accounts
    september = line.periods[8]
    assert september.figures.committed_minor == 30_000
    assert september.figures.actual_minor == 10_000 + 25_075
    assert september.cloud_actual_minor == 25_075
    assert line.cloud_actual_minor == 25_075
    assert summary.cloud_actual_minor == 25_075
    assert summary.total.actual_minor == 35_075
