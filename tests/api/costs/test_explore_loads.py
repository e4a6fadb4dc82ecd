"""A load as finance reads it over the API: status, progress, the quality report per rule, the
quarantined rows and the reconciliation of its invoices."""

from __future__ import annotations

import json

from sqlalchemy import text

from domain.catalog import Role
from tests.api.costs.explore_client import Explorer
from tests.builders.cost_files import AWS_CUR_SAMPLE

REPORT = {
    "quality": {
        "zero_cost": {
            "action": "keep_and_flag",
            "rows": 2,
            "billed_cost": "0",
            "sample_rows": [3, 9],
        },
        "missing_mandatory": {
            "action": "quarantine",
            "rows": 1,
            "billed_cost": "1.5",
            "sample_rows": [7],
        },
    }
}


def _load_of(explorer: Explorer, source: str) -> int:
    load_id = explorer.session.scalar(
        text(
            "SELECT l.id FROM cost_loads l JOIN cost_sources s ON s.id = l.source_id "
            "WHERE s.name = :name"
        ),
        {"name": source},
    )
    assert load_id is not None
    return int(load_id)


def test_a_load_shows_its_report_quarantine_and_reconciliation(
    explorer: Explorer, aws_source: str
) -> None:
    finance = explorer.person("finance", Role.FINANCE)
    load_id = _load_of(explorer, aws_source)
    explorer.session.execute(
        text(
            "UPDATE cost_loads SET report = CAST(:report AS jsonb), rows_quarantined = 1, "
            "bytes_read = 100, bytes_total = 100 WHERE id = :id"
        ),
        {"report": json.dumps(REPORT), "id": load_id},
    )
    explorer.session.execute(
        text(
            "INSERT INTO cost_quarantined_lines (load_id, file_row, rule, detail, line) VALUES "
            "(:id, 7, 'missing_mandatory', 'BillingCurrency is missing', "
            '\'{"BilledCost": "1.5"}\')'
        ),
        {"id": load_id},
    )
    explorer.session.execute(
        text(
            "INSERT INTO cost_reconciliations (slice_id, load_id, invoice_id, currency, "
            "lines_total, lines_tax, invoice_total, difference, classification) "
            "SELECT slice_id, id, 'INV-1', 'USD', 100.0000000013, 7, 100, 0.0000000013, "
            "'unexplained' FROM cost_loads WHERE id = :id"
        ),
        {"id": load_id},
    )
    listed = explorer.client.get(
        "/api/costs/loads", headers={"Authorization": f"Bearer {explorer.tokens[finance]}"}
    ).json()
    mine = next(load for load in listed if load["id"] == load_id)
    assert (mine["source"], mine["status"], mine["billing_period"]) == (
        aws_source,
        "current",
        "2023-11",
    )
    detail = explorer.get(finance, f"/api/costs/loads/{load_id}")
    assert detail["report"] == REPORT and detail["rows_quarantined"] == 1
    assert detail["quarantined"] == [
        {
            "file": AWS_CUR_SAMPLE.name,
            "file_row": 7,
            "rule": "missing_mandatory",
            "detail": "BillingCurrency is missing",
            "line": {"BilledCost": "1.5"},
        }
    ]
    (reconciled,) = detail["reconciliations"]
    assert reconciled["lines_total"] == "100.0000000013"
    assert reconciled["difference"] == "0.0000000013"
    assert reconciled["classification"] == "unexplained"
    missing = explorer.client.get(
        "/api/costs/loads/999999999",
        headers={"Authorization": f"Bearer {explorer.tokens[finance]}"},
    )
    assert missing.status_code == 404
