"""The demo keeps the day it was first loaded: `make run` on a later day raises the same
requisitions (their dates follow from that day) under the same Idempotency-Keys, so the web app
finds them instead of refusing the keys as reused with other requisitions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from cli.demo_costs import DEMO_PO_KEY, demo_day
from domain.catalog import Role
from models.people.accounts import upsert_user
from models.purchase_orders.governance import IdempotencyKey

TODAY = date(2026, 12, 8)


def test_a_first_run_loads_the_demo_as_of_today(sessions: sessionmaker[Session]) -> None:
    assert demo_day(sessions, TODAY) == TODAY


def test_a_later_run_keeps_the_day_the_demo_po_was_first_raised(
    sessions: sessionmaker[Session], session: Session
) -> None:
    alex = upsert_user(session, "demo-day-requester", roles=[Role.REQUESTER])
    raised = datetime(2026, 11, 30, 12, tzinfo=UTC)
    session.add(IdempotencyKey(key=DEMO_PO_KEY, user_id=alex.id, po_number="PO-1001"))
    session.add(IdempotencyKey(key="another-key", user_id=alex.id, po_number="PO-1002"))
    session.flush()
    session.query(IdempotencyKey).filter_by(key=DEMO_PO_KEY).update({"created_at": raised})
    session.commit()
    assert demo_day(sessions, TODAY) == date(2026, 11, 30)
