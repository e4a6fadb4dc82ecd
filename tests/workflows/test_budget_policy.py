"""A policy that refuses over-budget requisitions: the ledger refuses under its lock, the PO
is refused with the shortfall named, and nothing is left reserved."""

from dataclasses import replace

from sqlalchemy.orm import Session

from domain.budget import spread
from domain.catalog import PoStatus
from domain.fiscal import fiscal_period
from domain.money import Money
from tests.builders.requisitions import saas_subscription
from tests.workflows.conftest import PoRunner
from tests.workflows.helpers import balance, keep_history


async def test_over_budget_is_refused_with_the_shortfall(
    refusing_policy: None, po_runner: PoRunner, db: Session
) -> None:
    # IT-INFRA has no SaaS (6110) budget at all.
    requisition = replace(saas_subscription(30_000, pii=False), cost_center="IT-INFRA")
    handle = await po_runner.start(requisition)
    result = await handle.result()
    assert result.status is PoStatus.REFUSED
    [failure] = result.refusals
    assert failure.rule == "budget_available"
    # Earlier POs routed over budget may already hold the line below zero.
    assert failure.message.startswith("insufficient budget: ")
    assert "available on IT-INFRA/6110" in failure.message
    # The shortfall names the first period the subscription falls on, and its part there.
    first = fiscal_period(requisition.service_start, 1)
    part = spread(3_000_000, requisition.service_start, requisition.service_end, 1)[first]
    where = f"FY{first.fiscal_year} period {first.period}"
    assert failure.message.endswith(f"{where}, {Money(part, 'EUR')} asked")
    assert part < 3_000_000  # the subscription spans several periods
    assert balance(db, result.po_number) == (0, 0)
    await keep_history(handle, "over_budget_refused")
