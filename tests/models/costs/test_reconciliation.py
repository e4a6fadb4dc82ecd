"""Per invoice id, a load's lines are held against the invoice's total: a difference is
classified by what explains it (timing, tax, credits, tagging) and listed until someone
explains it; a reload replaces the slice's reconciliation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models.costs.invoice_totals import InvoiceTotal, enter_invoice_total
from models.costs.quarantine import QuarantinedRow, quarantine_rows
from models.costs.reconciliation import (
    ReconciliationRefused,
    explain_difference,
    open_differences,
    reconcile,
)
from tests.models.costs.allocated import Allocated, a_eur_source, load_allocated

AUGUST = datetime(2024, 8, 20, tzinfo=UTC)
NOW = datetime(2024, 10, 5, tzinfo=UTC)


def _enter(engine: Engine, source: int, totals: dict[str, str]) -> None:
    with Session(engine) as session, session.begin():
        for invoice_id, total in totals.items():
            enter_invoice_total(
                session,
                source,
                invoice_id,
                "2024-09",
                InvoiceTotal("EUR", Decimal(total)),
                entered_by="finance",
            )


def _classified(engine: Engine, load_id: int) -> dict[str, tuple[str, Decimal | None]]:
    with engine.connect() as reader:
        rows = reader.execute(
            text(
                "SELECT invoice_id, classification, difference FROM cost_reconciliations "
                "WHERE load_id = :load"
            ),
            {"load": load_id},
        )
        return {row.invoice_id: (row.classification, row.difference) for row in rows}


def test_each_difference_is_classified_by_what_explains_it(engine: Engine) -> None:
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine,
        source,
        "111",
        [
            Allocated("10.005", "INV-M"),
            Allocated("5.004", "INV-M"),
            Allocated("3", "INV-M", charge_category="Tax"),
            Allocated("100", "INV-T"),
            Allocated("20", "INV-T", charged=AUGUST),
            Allocated("100", "INV-X"),
            Allocated("19", "INV-X", charge_category="Tax"),
            Allocated("100", "INV-Y"),  # the invoice's tax never came as a line
            Allocated("100", "INV-C"),
            Allocated("-15", "INV-C", charge_category="Credit"),
            Allocated("100", "INV-G"),
            Allocated("100", "INV-U"),
            Allocated("42", "INV-NONE"),
        ],
    )
    quarantine_rows(
        engine,
        load_id,
        [
            QuarantinedRow(
                9,
                "missing_mandatory",
                "no ChargeCategory",
                {"InvoiceId": "INV-G", "BilledCost": "7.00"},
                "INV-G",
                Decimal("7.00"),
            )
        ],
    )
    _enter(
        engine,
        source,
        {
            "INV-M": "18.01",
            "INV-T": "100",
            "INV-X": "100",
            "INV-C": "100",
            "INV-G": "107",
            "INV-U": "93",
        },
    )

    with Session(engine) as session, session.begin():
        total = InvoiceTotal("EUR", Decimal("119.00"), tax=Decimal("19.00"))
        enter_invoice_total(session, source, "INV-Y", "2024-09", total, entered_by="finance")
    with Session(engine) as session, session.begin():
        summary = reconcile(session, [load_id])

    assert _classified(engine, load_id) == {
        "INV-M": ("matched", Decimal("0.001")),
        "INV-T": ("timing", Decimal("-20")),
        "INV-X": ("tax", Decimal("-19")),
        "INV-Y": ("tax", Decimal("19")),
        "INV-C": ("credits", Decimal("15")),
        "INV-G": ("tagging", Decimal("7")),
        "INV-U": ("unexplained", Decimal("-7")),
        "INV-NONE": ("no_invoice", None),
    }
    assert summary.counts == {
        "matched": 1,
        "timing": 1,
        "tax": 2,
        "credits": 1,
        "tagging": 1,
        "unexplained": 1,
        "no_invoice": 1,
    }
    assert summary.differences_minor == {"EUR": -2000 - 1900 + 1900 + 1500 + 700 - 700}


def test_a_difference_is_listed_until_explained_and_a_reload_replaces_the_rows(
    engine: Engine,
) -> None:
    source = a_eur_source(engine)
    first = load_allocated(engine, source, "222", [Allocated("100", "INV-U")])
    _enter(engine, source, {"INV-U": "93"})
    with Session(engine) as session, session.begin():
        reconcile(session, [first])
    with Session(engine) as session, session.begin():
        listed = open_differences(session, source)
        assert [(d.invoice_id, d.difference) for d in listed] == [("INV-U", Decimal("-7"))]
        explain_difference(session, listed[0].id, "credit note CN-4 follows", by="ana", at=NOW)
    with Session(engine) as session, session.begin():
        assert open_differences(session, source) == []

    same = load_allocated(engine, source, "222", [Allocated("100", "INV-U")])
    with Session(engine) as session, session.begin():
        reconcile(session, [same])
        assert open_differences(session, source) == []  # same difference: still explained
    newer = load_allocated(engine, source, "222", [Allocated("101", "INV-U")])
    with Session(engine) as session, session.begin():
        reconcile(session, [newer, same])  # the replaced load reconciles nothing
        listed = open_differences(session, source)
    assert [(d.invoice_id, d.difference) for d in listed] == [("INV-U", Decimal("-8"))]
    with engine.connect() as reader:
        loads = reader.execute(
            text(
                "SELECT DISTINCT load_id FROM cost_reconciliations r JOIN cost_slices s "
                "ON s.id = r.slice_id WHERE s.source_id = :source"
            ),
            {"source": source},
        ).scalars()
        assert list(loads) == [newer]


def test_an_explanation_needs_words_and_a_matched_invoice_needs_none(engine: Engine) -> None:
    source = a_eur_source(engine)
    load_id = load_allocated(
        engine, source, "333", [Allocated("50", "INV-A"), Allocated("5", "INV-B")]
    )
    _enter(engine, source, {"INV-A": "50", "INV-B": "6"})
    with Session(engine) as session, session.begin():
        reconcile(session, [load_id])
    with Session(engine) as session, session.begin():
        ids = dict(
            session.execute(
                text("SELECT invoice_id, id FROM cost_reconciliations WHERE load_id = :load"),
                {"load": load_id},
            )
            .tuples()
            .all()
        )
        with pytest.raises(ReconciliationRefused, match="must say why"):
            explain_difference(session, ids["INV-B"], "  ", by="ana", at=NOW)
        with pytest.raises(ReconciliationRefused, match="no difference"):
            explain_difference(session, ids["INV-A"], "fine", by="ana", at=NOW)
        assert [d.invoice_id for d in open_differences(session, source)] == ["INV-B"]
