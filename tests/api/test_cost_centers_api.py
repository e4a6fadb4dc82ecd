"""Fiscal policy per cost center through the API: finance sets when a cost center books budget,
with an audit entry; others are refused, and a policy that does not exist is a 422."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, CostCenter
from tests.api.report_client import Reporting, reporting

__all__ = ["reporting"]


def test_finance_sets_a_cost_center_to_book_at_invoice(
    reporting: Reporting, session: Session
) -> None:
    code, client = reporting.org.child, reporting.client
    path = f"/api/cost-centers/{code}/fiscal-policy"
    set_ = client.put(
        path, json={"reserve_at": "invoice"}, headers=reporting.auth(reporting.finance)
    )
    assert set_.status_code == 200, set_.text
    assert set_.json()["reserve_at"] == "invoice"
    center = session.scalar(select(CostCenter).where(CostCenter.code == code))
    assert center is not None and center.reserve_at == "invoice"
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "cost_center.fiscal_policy_changed", AuditEntry.entity_id == code
        )
    )
    assert entry is not None and entry.before == {"reserve_at": "creation"}
    listed = client.get("/api/cost-centers", headers=reporting.auth(reporting.requester))
    assert {c["code"]: c["reserve_at"] for c in listed.json()}[code] == "invoice"


def test_the_fiscal_policy_is_refused_to_others_and_must_exist(reporting: Reporting) -> None:
    code, client = reporting.org.child, reporting.client
    path = f"/api/cost-centers/{code}/fiscal-policy"
    body = {"reserve_at": "invoice"}
    assert (
        client.put(path, json=body, headers=reporting.auth(reporting.requester)).status_code == 403
    )
    finance = reporting.auth(reporting.finance)
    wrong = client.put(path, json={"reserve_at": "never"}, headers=finance)
    assert wrong.status_code == 422 and "creation" in wrong.text
    missing = client.put("/api/cost-centers/NOPE/fiscal-policy", json=body, headers=finance)
    assert missing.status_code == 404
