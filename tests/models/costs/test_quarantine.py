"""Quarantined rows are kept with the rule that quarantined them, listed per load, and counted
on the load; none of them is a cost line."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, text

from models.costs.quarantine import QuarantinedRow, quarantine_rows, quarantined_rows
from tests.models.costs.lines import a_source, billed_total, lines, load


def test_quarantined_rows_are_listed_with_their_rule_and_exact_values(engine: Engine) -> None:
    source = a_source(engine)
    load_id = load(engine, source, "111", lines("111", ["10"]))
    kept = [
        QuarantinedRow(
            7,
            "negative_cost_not_credit",
            "BilledCost -5.64902E-05 on Usage",
            {"BilledCost": Decimal("-5.64902E-05"), "ChargeCategory": "Usage"},
        ),
        QuarantinedRow(
            3,
            "currency_not_the_accounts",
            "BillingCurrency EUR, account bills USD",
            {"BilledCost": Decimal("0.000305367"), "BillingCurrency": "EUR"},
        ),
    ]
    assert quarantine_rows(engine, load_id, kept) == 2
    listed = quarantined_rows(engine, load_id)
    assert [(row.row_number, row.rule) for row in listed] == [
        (3, "currency_not_the_accounts"),
        (7, "negative_cost_not_credit"),
    ]
    assert Decimal(str(listed[1].values["BilledCost"])) == Decimal("-5.64902E-05")
    with engine.connect() as reader:
        counted = reader.scalar(
            text("SELECT rows_quarantined FROM cost_loads WHERE id = :id"), {"id": load_id}
        )
        assert counted == 2
        assert billed_total(reader, source) == (Decimal("10"), 1)
