"""Costs → Anomalies as people open it: finance sees a finding with its outcome and its page
without the answer form; its owner sees it with the form; a requester it does not concern
sees neither."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.spend_anomalies import anomaly_workflow_id
from models.costs.anomaly_records import SpendAnomaly
from models.people.accounts import set_password, upsert_user
from tests.api.report_client import PASSWORD, Reporting, page, reporting

__all__ = ["reporting"]
DAY = date(2031, 6, 9)


def _finding(session: Session, owner: str) -> SpendAnomaly:
    key = f"acct-{uuid.uuid4().hex[:6]}"
    row = SpendAnomaly(
        kind="account",
        series_key=key,
        day=DAY,
        source="aws",
        currency="EUR",
        actual_minor=123_456,
        expected_minor=10_000,
        lower_minor=2_000,
        upper_minor=18_000,
        score=57.2,
        impact_minor=113_456,
        owner=owner,
        status="escalated",
        waiting_on=[owner, "their-manager"],
        workflow_id=anomaly_workflow_id("account", key, DAY),
        found_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def test_finance_sees_the_finding_and_the_owner_may_answer_it(
    reporting: Reporting, session: Session
) -> None:
    owner = upsert_user(session, f"owner-{uuid.uuid4().hex[:6]}", roles=[Role.APPROVER])
    set_password(owner, PASSWORD)
    finding = _finding(session, owner.username)

    reporting.sign_in(reporting.finance)
    listing = page(reporting, "/costs/anomalies", period=f"{DAY:%Y-%m}")
    assert f'href="/costs/anomalies/{finding.id}"' in listing
    assert "1,234.56" in listing and "escalated" in listing
    detail = page(reporting, f"/costs/anomalies/{finding.id}")
    assert finding.series_key in detail and "1,134.56" in detail
    assert "Acknowledge and explain" not in detail

    reporting.sign_in(owner.username)
    assert f'href="/costs/anomalies/{finding.id}"' in page(reporting, "/costs/anomalies")
    assert "Acknowledge and explain" in page(reporting, f"/costs/anomalies/{finding.id}")

    reporting.sign_in(reporting.requester)
    assert f'href="/costs/anomalies/{finding.id}"' not in page(reporting, "/costs/anomalies")
    hidden = reporting.client.get(f"/costs/anomalies/{finding.id}")
    assert hidden.status_code == 404
