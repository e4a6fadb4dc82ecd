"""The month-end close API on the real app: finance and admins start a period's close (once),
finance, admins and auditors read each close with its journals as JSON and CSV and its GL
differences; anyone else is refused, a bad period is a 422, an unknown one a 404, and a
decision on a close that is not running a 409 naming its rule."""

from __future__ import annotations

import csv
import io
import random

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.close.accruals import UninvoicedUsage, accrual_journal, period_end
from domain.close.messages import CloseStart
from domain.close.reconciliation import GlDifference
from models.close.runs import open_run, store_differences, store_journal
from models.people.accounts import issue_api_token, upsert_user


def _headers(session: Session, name: str, role: Role) -> dict[str, str]:
    user = upsert_user(session, f"{name}-{random.randrange(10**9)}", roles=[role])
    return {"Authorization": f"Bearer {issue_api_token(session, user, label='test')}"}


def _period() -> str:
    """A month no other test closes."""
    return f"{random.randrange(2300, 9000)}-{random.randrange(1, 13):02d}"


def _a_drafted_close(session: Session) -> str:
    period = _period()
    open_run(session, CloseStart(period, started_by="fiona"))
    usage = [UninvoicedUsage("aws", "111", "IT-INFRA", "6100", "EUR", 4_250)]
    store_journal(session, accrual_journal(period, usage))
    store_differences(session, period, [GlDifference("IT-INFRA", "6100", "EUR", 15_250, 4_250)])
    session.flush()
    return period


def test_finance_starts_a_close_once(client: TestClient, session: Session) -> None:
    finance = _headers(session, "closer", Role.FINANCE)
    period = _period()
    first = client.post("/api/close", json={"period": period}, headers=finance)
    assert first.status_code == 202, first.text
    assert first.json() == {"period": period, "started": True}
    again = client.post("/api/close", json={"period": period}, headers=finance)
    assert again.json() == {"period": period, "started": False}


def test_a_bad_period_or_a_requester_is_refused(client: TestClient, session: Session) -> None:
    finance = _headers(session, "closer", Role.FINANCE)
    requester = _headers(session, "asker", Role.REQUESTER)
    assert client.post("/api/close", json={"period": "2026-13"}, headers=finance).status_code == 422
    refused = client.post("/api/close", json={"period": _period()}, headers=requester)
    assert refused.status_code == 403
    assert client.get("/api/close", headers=requester).status_code == 403


def test_an_auditor_reads_the_journal_as_json_and_csv_and_the_differences(
    client: TestClient, session: Session
) -> None:
    period = _a_drafted_close(session)
    auditor = _headers(session, "reader", Role.AUDITOR)
    listed = client.get("/api/close", headers=auditor).json()
    assert [run["status"] for run in listed if run["period"] == period] == [
        "waiting_for_period_end"
    ]
    detail = client.get(f"/api/close/{period}", headers=auditor).json()
    (journal,) = detail["journals"]
    assert journal["posted_on"] == period_end(period).isoformat()
    assert [
        (line["gl_account"], line["debit_minor"], line["credit_minor"]) for line in journal["lines"]
    ] == [
        ("6100", 4_250, 0),
        ("2400", 0, 4_250),
    ]
    assert detail["differences"][0]["difference_minor"] == 11_000
    answer = client.get(f"/api/close/{period}/journals/accrual.csv", headers=auditor)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(row["gl_account"], row["debit"], row["credit"]) for row in rows] == [
        ("6100", "42.50", "0.00"),
        ("2400", "0.00", "42.50"),
    ]
    missing = client.get(f"/api/close/{period}/journals/reversal.csv", headers=auditor)
    assert missing.status_code == 404
    assert client.get(f"/api/close/{_period()}", headers=auditor).status_code == 404


def test_a_decision_on_a_close_that_is_not_running_names_its_rule(
    client: TestClient, session: Session
) -> None:
    finance = _headers(session, "decider", Role.FINANCE)
    answer = client.post(
        f"/api/close/{_period()}/decision", json={"approve": True}, headers=finance
    )
    assert answer.status_code == 409
    assert answer.json()["rule"] == "not_waiting"
