"""Invoice totals are entered or imported all or nothing, with the rule a bad row breaks; an
invoice no one entered is held against the PO invoice poflow booked under its number when the
account draws on that PO."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.fiscal import FiscalPeriod
from models.budgets.postings import Account, Posting, append
from models.costs.invoice_totals import InvoiceTotalRefused, import_invoice_totals
from models.costs.reconciliation import reconcile
from tests.models.costs.allocated import Allocated, a_budget_line, a_eur_source, load_allocated


def _stored(engine: Engine, source: int) -> dict[str, tuple[Decimal, Decimal | None]]:
    with engine.connect() as reader:
        rows = reader.execute(
            text("SELECT invoice_id, total, tax FROM cost_invoice_totals WHERE source_id = :s"),
            {"s": source},
        )
        return {row.invoice_id: (row.total, row.tax) for row in rows}


def test_an_import_stores_every_row_or_none(engine: Engine) -> None:
    source = a_eur_source(engine)
    good = {
        "invoice_id": "INV-1",
        "billing_period": "2024-09",
        "currency": "EUR",
        "total": "1204.50",
        "tax": "192.31",
    }
    bad = {**good, "invoice_id": "INV-2", "currency": "euro"}
    with Session(engine) as session, session.begin():  # the refusals leave it to commit
        with pytest.raises(InvoiceTotalRefused, match="row 2: currency must be an ISO 4217"):
            import_invoice_totals(session, source, [good, bad], entered_by="finance")
        for broken, rule in (
            ({**good, "total": "12,50"}, "'12,50' is not an amount"),
            ({**good, "billing_period": "09/2024"}, "is not YYYY-MM"),
            ({**good, "invoice_id": " "}, "needs its invoice id"),
        ):
            with pytest.raises(InvoiceTotalRefused, match=rule):
                import_invoice_totals(session, source, [broken], entered_by="finance")
    assert _stored(engine, source) == {}

    with Session(engine) as session, session.begin():
        stored = import_invoice_totals(
            session, source, [good, {**good, "invoice_id": "INV-2", "tax": ""}], entered_by="f"
        )
    assert stored == 2
    assert _stored(engine, source) == {
        "INV-1": (Decimal("1204.50"), Decimal("192.31")),
        "INV-2": (Decimal("1204.50"), None),
    }


def test_an_invoice_is_held_against_the_po_invoice_of_its_number(engine: Engine) -> None:
    center, gl, org = a_budget_line(engine)
    source = a_eur_source(engine)
    po_number = f"PO-{uuid.uuid4().hex[:6]}"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cost_account_mappings (source_id, account_kind, account_id, "
                "cost_center_id, gl_account_id, po_number) VALUES (:s, 'billing_account', "
                "'555', :cc, :gl, :po)"
            ),
            {"s": source, "cc": center, "gl": gl, "po": po_number},
        )
    with Session(engine) as session, session.begin():
        account = Account(center, gl, org.source, org.gl)
        append(
            session,
            [
                Posting(
                    "actual",
                    account,
                    FiscalPeriod(2024, 9),
                    "EUR",
                    f"{po_number}:inv",
                    actual=12000,
                    po_number=po_number,
                    reference="INV-P",
                    source_amount_minor=12000,
                    source_currency="EUR",
                    rate_date=date(2024, 9, 30),
                ),
            ],
        )
    load_id = load_allocated(
        engine,
        source,
        "555",
        [Allocated("70.004", "INV-P"), Allocated("49.996", "INV-P"), Allocated("10", "INV-Q")],
    )
    with Session(engine) as session, session.begin():
        summary = reconcile(session, [load_id])
    assert summary.counts == {"matched": 1, "no_invoice": 1}
