"""A row quarantined from a provider's own format still explains its invoice: its invoice and
BilledCost are kept as the format's mapping reads them (a CUR's ``bill/InvoiceId`` and
``lineItem/UnblendedCost``), so the invoice's difference is classified as tagging, not left
unexplained."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.costs.reconcile import CostReconcileActivities
from models.costs.invoice_totals import InvoiceTotal, enter_invoice_total
from models.costs.quarantine import quarantined_rows
from tests.activities.costs.loads import a_cost_source, load_file, source_id
from tests.builders.cost_files import DATA

CUR = DATA / "aws-cur" / "sample-anonymous-aws-export-dataset.csv"


def _cur_invoice(target: Path) -> Decimal:
    """The CUR sample's five dearest usage lines on invoice INV-Q, the third without its line
    item type (so without a ChargeCategory: quarantined); what the five cost together."""
    with CUR.open(encoding="utf-8-sig", newline="") as sample:
        reader = csv.DictReader(sample)
        header = list(reader.fieldnames or ())
        usage = [r for r in reader if r["lineItem/LineItemType"] == "Usage"]
    rows = sorted(usage, key=lambda r: Decimal(r["lineItem/UnblendedCost"]), reverse=True)[:5]
    for row in rows:
        row["bill/InvoiceId"] = "INV-Q"
    rows[2]["lineItem/LineItemType"] = ""
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header)
        writer.writeheader()
        writer.writerows(rows)
    return sum((Decimal(r["lineItem/UnblendedCost"]) for r in rows), Decimal(0))


def test_a_quarantined_cur_row_explains_its_invoice_as_tagging(
    engine: Engine, tmp_path: Path
) -> None:
    total = _cur_invoice(tmp_path / "cur.csv")
    source = a_cost_source(engine, "aws-cur")
    outcome = load_file(engine, source, tmp_path / "cur.csv")
    (load,) = outcome.load_ids
    (kept,) = quarantined_rows(engine, load)
    assert (kept.row_number, kept.invoice_id) == (3, "INV-Q")
    assert kept.billed_cost == Decimal(str(kept.values["lineItem/UnblendedCost"]))
    with Session(engine) as session, session.begin():
        total_of = InvoiceTotal("USD", total)
        enter_invoice_total(
            session, source_id(engine, source), "INV-Q", "2023-11", total_of, entered_by="finance"
        )

    reconciling = CostReconcileActivities(sessionmaker(engine))
    summary = ActivityEnvironment().run(reconciling.reconcile_cost_loads, [load])

    assert summary.counts == {"tagging": 1}
