"""Costs → Close as finance opens it: the months closed, and a month's close with its accrual
journal (amounts, CSV link), its GL differences and, for the finance user it waits on, the form
to approve it; an auditor reads the same without the form; a requester is refused."""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime

from domain.catalog import Role
from domain.close.accruals import UninvoicedUsage, accrual_journal
from domain.close.messages import CLOSE_TASK, CloseStart, CloseStatus, CloseStep
from domain.close.reconciliation import GlDifference
from domain.costs.governance_tasks import GovernanceTask
from domain.temporal_names import close_workflow_id
from models.close.runs import open_run, record_step, store_differences, store_journal
from models.costs.governance_tasks import project_task
from tests.api.costs.explore_client import Explorer, explorer, sign_in

__all__ = ["explorer"]


def _awaiting_approval(explorer: Explorer, approver: str) -> str:
    session, at = explorer.session, datetime.now(UTC)
    period = f"{random.randrange(2300, 9000)}-{random.randrange(1, 13):02d}"
    open_run(session, CloseStart(period, started_by="fiona"))
    usage = [UninvoicedUsage("aws-demo", "111", "IT-INFRA", "6100", "EUR", 4_250)]
    store_journal(session, accrual_journal(period, usage))
    record_step(session, CloseStep(period, CloseStatus.AWAITING_APPROVAL), at)
    store_differences(session, period, [GlDifference("IT-INFRA", "6100", "EUR", 15_250, 4_250)])
    task = GovernanceTask(
        close_workflow_id(period), CLOSE_TASK, f"Approve {period}", "", (approver,), None, at
    )
    project_task(session, task, at)
    session.flush()
    return period


def test_finance_sees_the_journal_differences_and_the_approval_form(explorer: Explorer) -> None:
    finance = explorer.person("closer", Role.FINANCE)
    period = _awaiting_approval(explorer, finance)
    sign_in(explorer, finance)

    listed = explorer.client.get("/costs/close")
    assert listed.status_code == 200 and f'href="/costs/close/{period}"' in listed.text
    page = explorer.client.get(f"/costs/close/{period}")
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "awaiting approval" in text and "waiting on " + finance in text
    assert text.count("42.50 EUR") == 3  # the debit, the credit, and the ERP's GL balance
    assert f"/api/close/{period}/journals/accrual.csv" in text
    assert "110.00 EUR" in text  # ledger 152.50 against the ERP's 42.50
    assert "Approve the accrual journal" in text

    sign_in(explorer, explorer.person("reader", Role.AUDITOR))
    read = explorer.client.get(f"/costs/close/{period}")
    assert read.status_code == 200 and "Approve the accrual journal" not in read.text

    sign_in(explorer, explorer.person("asker", Role.REQUESTER))
    assert explorer.client.get(f"/costs/close/{period}").status_code == 403
