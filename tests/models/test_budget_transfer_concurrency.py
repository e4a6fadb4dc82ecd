"""Transfers and reservations racing on one budget line (real Postgres, one connection each)
never take it below what it holds; transfers both ways between two lines never deadlock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from domain.fiscal import FiscalPeriod
from models import BudgetLine, User
from models.budgets.commitments import reserve
from models.budgets.postings import account, line_balance
from models.budgets.versions import BudgetRefused, LineRef, transfer_budget
from models.db import build_engine, session_factory
from tests.models.budget_org import MONTHLY, YEAR, BudgetOrg, budget_org

PERIOD = FiscalPeriod(YEAR, 3)
STEP = 100_000  # 1,000.00 EUR per racer
HELD = 200_000  # already reserved on the line before the race
TRANSFERS, RESERVATIONS = 20, 10


def _committed_org(sessions: sessionmaker[Session], target_monthly: int = 0) -> BudgetOrg:
    with sessions.begin() as session:
        return budget_org(session, target_monthly=target_monthly)


def _author(session: Session, org: BudgetOrg) -> User:
    user = session.get(User, org.finance.id)
    assert user is not None
    return user


def _transfer_ids(session: Session, cost_center: str, gl_account: str) -> set[str | None]:
    acct = account(session, cost_center, gl_account)
    return set(
        session.scalars(
            select(BudgetLine.transfer_id).where(
                BudgetLine.cost_center_id == acct.cost_center_id,
                BudgetLine.gl_account_id == acct.gl_account_id,
                BudgetLine.kind == "transfer",
            )
        )
    )


def test_racing_transfers_and_reservations_never_take_a_line_below_zero(
    database_url: str,
) -> None:
    engine: Engine = build_engine(database_url, pool_size=TRANSFERS + RESERVATIONS)
    sessions = session_factory(engine)
    org = _committed_org(sessions)
    source, target = LineRef(org.source, org.gl, PERIOD), LineRef(org.target, org.gl, PERIOD)
    with sessions.begin() as session:
        reserve(session, org.movement(f"HELD-{org.source}", HELD, date(YEAR, 3, 2)), 1)
    start_together = Barrier(TRANSFERS + RESERVATIONS)

    def race(number: int) -> tuple[str, bool]:
        with sessions.begin() as session:
            start_together.wait()
            if number < TRANSFERS:
                try:
                    transfer_budget(session, source, target, STEP, _author(session, org), "race")
                except BudgetRefused as refusal:
                    assert refusal.rule == "insufficient_available"
                    return "transfer", False
                return "transfer", True
            movement = org.movement(f"RACE-{org.source}-{number}", STEP, date(YEAR, 3, 9))
            return "reservation", reserve(session, movement, 1).reserved

    try:
        with ThreadPoolExecutor(max_workers=TRANSFERS + RESERVATIONS) as pool:
            results = list(pool.map(race, range(TRANSFERS + RESERVATIONS)))
        moved = sum(1 for kind, won in results if kind == "transfer" and won)
        reserved = sum(1 for kind, won in results if kind == "reservation" and won)
        assert moved + reserved == (MONTHLY - HELD) // STEP == 8
        with sessions() as session:
            src = line_balance(session, account(session, org.source, org.gl), PERIOD)
            dst = line_balance(session, account(session, org.target, org.gl), PERIOD)
            given, taken = (
                _transfer_ids(session, code, org.gl) for code in (org.source, org.target)
            )
        assert src.available_minor == 0
        assert src.budget_minor == MONTHLY - moved * STEP
        assert src.reserved_minor == HELD + reserved * STEP
        assert dst.budget_minor == moved * STEP
        assert given == taken and len(given) == moved
    finally:
        engine.dispose()


def test_transfers_both_ways_between_two_lines_never_deadlock(database_url: str) -> None:
    racers = 24
    engine: Engine = build_engine(database_url, pool_size=racers)
    sessions = session_factory(engine)
    org = _committed_org(sessions, target_monthly=MONTHLY)
    lines = (LineRef(org.source, org.gl, PERIOD), LineRef(org.target, org.gl, PERIOD))
    start_together = Barrier(racers)

    def race(number: int) -> None:
        there, back = lines if number % 2 else lines[::-1]
        with sessions.begin() as session:
            start_together.wait()
            transfer_budget(session, there, back, 1_000 + number, _author(session, org), "swap")

    try:
        with ThreadPoolExecutor(max_workers=racers) as pool:
            list(pool.map(race, range(racers)))
        with sessions() as session:
            budgets = [
                line_balance(session, account(session, code, org.gl), PERIOD).budget_minor
                for code in (org.source, org.target)
            ]
        out = sum(1_000 + number for number in range(racers) if number % 2)
        back = sum(1_000 + number for number in range(racers) if not number % 2)
        assert budgets == [MONTHLY - out + back, MONTHLY + out - back]
    finally:
        engine.dispose()
