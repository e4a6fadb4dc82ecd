"""Fifty requisitions racing for one budget line never take more than it holds, and every one
that loses is told it is short of budget (real Postgres, fifty connections at once)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from domain.catalog import Role
from domain.fiscal import fiscal_period
from domain.purchase_order import BudgetMovement, ReservationResult
from models import BudgetLine, CostCenter, GlAccount, LedgerEntry
from models.budgets.commitments import reserve
from models.db import build_engine, session_factory
from models.people.accounts import upsert_user

SERVICE_START = date(2026, 6, 15)
LINE_BUDGET = 1_000_000  # 10,000.00 EUR
ASK = 70_000  # 700.00 EUR each: 14 fit, 36 must be refused
RACERS = 50


def _budget_line(sessions: sessionmaker[Session]) -> tuple[str, str]:
    code = f"CC-{uuid.uuid4().hex[:6]}"
    with sessions.begin() as session:
        owner = upsert_user(session, f"owner-{code}", roles=[Role.APPROVER])
        center = CostCenter(code=code, name="Race track", owner_id=owner.id)
        account = GlAccount(code=f"GL-{code}", name="Contested")
        session.add_all([center, account])
        session.flush()
        period = fiscal_period(SERVICE_START, 1)
        session.add(
            BudgetLine(
                cost_center_id=center.id,
                gl_account_id=account.id,
                fiscal_year=period.fiscal_year,
                period=period.period,
                version=1,
                amount_minor=LINE_BUDGET,
                currency="EUR",
                created_by_id=owner.id,
            )
        )
    return code, f"GL-{code}"


def test_fifty_racing_reservations_never_overspend(database_url: str) -> None:
    engine: Engine = build_engine(database_url, pool_size=RACERS)
    sessions = session_factory(engine)
    center, account = _budget_line(sessions)
    start_together = Barrier(RACERS)

    def race(number: int) -> ReservationResult:
        movement = BudgetMovement(
            po_number=f"RACE-{center}-{number}",
            revision=1,
            cost_center=center,
            gl_account=account,
            service_start=SERVICE_START,
            amount_base_minor=ASK,
            base_currency="EUR",
            idempotency_key=f"race:{center}:{number}",
        )
        with sessions.begin() as session:
            start_together.wait()
            return reserve(session, movement, 1)

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(pool.map(race, range(RACERS)))
    try:
        won = [r for r in results if r.reserved]
        lost = [r for r in results if not r.reserved]
        assert len(won) == LINE_BUDGET // ASK == 14
        assert all(r.over_budget and r.available_before_minor < ASK for r in lost)
        assert all(r.reason.startswith("insufficient budget:") for r in lost)
        assert "700.00 EUR asked" in lost[0].reason
        with sessions() as session:
            held = session.scalar(
                select(func.sum(LedgerEntry.reserved_delta_minor))
                .join(CostCenter, CostCenter.id == LedgerEntry.cost_center_id)
                .where(CostCenter.code == center)
            )
        assert held == len(won) * ASK <= LINE_BUDGET
    finally:
        engine.dispose()
