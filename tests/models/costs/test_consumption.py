"""Spend drawn against a PO, per month of charge in the base currency: lines of other POs or
another base currency do not count, and a reload replaces what the slice drew."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.costs.consumption import MonthConsumption, consumed_to_date, consumption_by_month
from tests.models.costs.allocated import Allocated, a_eur_source, load_allocated

AUGUST = datetime(2024, 8, 31, 23, 30, tzinfo=UTC)


def test_a_pos_consumption_is_summed_per_month_and_replaced_by_a_reload(engine: Engine) -> None:
    po, other = f"PO-{uuid.uuid4().hex[:6]}", f"PO-{uuid.uuid4().hex[:6]}"
    source = a_eur_source(engine)
    load_allocated(
        engine,
        source,
        "111",
        [
            Allocated("100.005", po_number=po),
            Allocated("100.005", po_number=po),  # 200.01 drawn in September, rounded once
            Allocated("50", po_number=po, charged=AUGUST),
            Allocated("999", po_number=other),
            Allocated("7", po_number=po, base_currency="USD"),
            Allocated("3"),
        ],
    )
    load_allocated(engine, source, "222", [Allocated("0.50", po_number=po)])
    with Session(engine) as session:
        assert consumption_by_month(session, po, "EUR") == [
            MonthConsumption(date(2024, 8, 1), 5000, 5000),
            MonthConsumption(date(2024, 9, 1), 20051, 25051),
        ]
    load_allocated(engine, source, "111", [Allocated("10", po_number=po)])
    with Session(engine) as session:
        assert consumed_to_date(session, po, "EUR") == 1050
        assert consumed_to_date(session, f"{po}-none", "EUR") == 0
