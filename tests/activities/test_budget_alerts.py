"""Budget alerts from the budget activity: a posting that takes a line to 80 % and then 100 % of
its budget raises each alert once and tells the cost-center owner and finance."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from activities.budget import BudgetActivities
from domain.purchase_order import BudgetMovement
from models import BudgetAlert, CostCenter, OutboundMessage
from models.db import unit_of_work
from models.integrations.outbox import PostgresOutbox
from tests.models.budget_org import demo_cost_center

TODAY = date.today()


def _line(sessions: sessionmaker[Session]) -> str:
    """A cost center of its own with 1,000.00 EUR on GL 6100 this month, owned by priya."""
    with unit_of_work(sessions) as session:
        return demo_cost_center(session, "6100", 100_000)


def _movement(code: str, po: str, amount: int) -> BudgetMovement:
    return BudgetMovement(
        po_number=po,
        revision=1,
        cost_center=code,
        gl_account="6100",
        service_start=TODAY,
        amount_base_minor=amount,
        base_currency="EUR",
        idempotency_key=f"{po}:1:reserve",
        allow_over_budget=True,
    )


def _alerts_sent(sessions: sessionmaker[Session], code: str) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.subject.like(f"Budget {code}/%"))
            .order_by(OutboundMessage.id)
        )
        return [(row.recipient, row.subject.rsplit(" at ", 1)[1]) for row in rows]


def test_eighty_and_a_hundred_percent_are_each_told_once(
    demo_sessions: sessionmaker[Session],
) -> None:
    code = _line(demo_sessions)
    budget = BudgetActivities(demo_sessions, 1, PostgresOutbox(demo_sessions), (80, 100))
    tag = uuid.uuid4().hex[:6]
    budget.reserve_budget(_movement(code, f"A-{tag}-1", 70_000))
    assert _alerts_sent(demo_sessions, code) == []
    budget.reserve_budget(_movement(code, f"A-{tag}-2", 15_000))  # 85 %
    assert _alerts_sent(demo_sessions, code) == [("priya", "80 %"), ("finance", "80 %")]
    budget.reserve_budget(_movement(code, f"A-{tag}-2", 15_000))  # the same step, retried
    budget.reserve_budget(_movement(code, f"A-{tag}-3", 5_000))  # 90 %: nothing new
    assert len(_alerts_sent(demo_sessions, code)) == 2
    budget.reserve_budget(_movement(code, f"A-{tag}-4", 20_000))  # 110 %, over budget
    assert _alerts_sent(demo_sessions, code)[2:] == [("priya", "100 %"), ("finance", "100 %")]
    with demo_sessions() as session:
        alerts = session.scalars(
            select(BudgetAlert)
            .join(CostCenter, CostCenter.id == BudgetAlert.cost_center_id)
            .where(CostCenter.code == code)
            .order_by(BudgetAlert.threshold_percent)
        ).all()
        assert [(a.threshold_percent, a.consumed_minor) for a in alerts] == [
            (80, 85_000),
            (100, 110_000),
        ]
        assert all(a.notified_at is not None for a in alerts)
