"""Cloud actuals count against budgets as a PO's postings do: a load whose actuals take a
budget line to 80 % and a reload taking it to 100 % each tell the cost-center owner and finance
once, however often the booking runs; a mail relay that is down fails no booking."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.costs.actuals import CostActualsActivities
from domain.notifications import Notification
from models import CostCenter, OutboundMessage, User
from models.integrations.outbox import PostgresOutbox
from tests.models.costs.allocated import Allocated, a_budget_line, a_eur_source, load_allocated


def _told(sessions: sessionmaker[Session], line: str) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.subject.like(f"Budget {line} %"))
            .order_by(OutboundMessage.id)
        )
        return [(row.recipient, row.subject.rsplit(" at ", 1)[1]) for row in rows]


def test_cloud_actuals_raise_each_budget_alert_once(engine: Engine) -> None:
    center, gl, org = a_budget_line(engine)  # 10,000.00 EUR a month over 2024
    source = a_eur_source(engine)
    sessions = sessionmaker(engine)
    booking = CostActualsActivities(sessions, "EUR", 1, PostgresOutbox(sessions), (80, 100))
    environment = ActivityEnvironment()
    line = f"{org.source}/{org.gl} FY2024 period 9"
    owner = _owner(sessions, center)

    def load(cost: str) -> int:
        allocated = Allocated(cost, cost_center_id=center, gl_account_id=gl)
        return load_allocated(engine, source, "111", [allocated])

    first = load("8500")  # 85 % of September's budget
    environment.run(booking.book_cost_actuals, [first])
    environment.run(booking.book_cost_actuals, [first])  # a retry
    assert _told(sessions, line) == [(owner, "80 %"), ("finance", "80 %")]

    reload = load("10500")  # the slice's lines replaced: 105 %, not 190 %
    environment.run(booking.book_cost_actuals, [reload])
    assert _told(sessions, line)[2:] == [(owner, "100 %"), ("finance", "100 %")]
    assert len(_told(sessions, line)) == 4


def _owner(sessions: sessionmaker[Session], center: int) -> str:
    with sessions() as session:
        return session.scalars(
            select(User.username)
            .join(CostCenter, CostCenter.owner_id == User.id)
            .where(CostCenter.id == center)
        ).one()


class _RelayDown:
    def send(self, notification: Notification) -> None:
        raise ConnectionError("mail relay down")


def test_a_relay_that_is_down_fails_no_booking(engine: Engine) -> None:
    center, gl, org = a_budget_line(engine)
    source = a_eur_source(engine)
    sessions = sessionmaker(engine)
    allocated = Allocated("12000", cost_center_id=center, gl_account_id=gl)
    load_id = load_allocated(engine, source, "222", [allocated])
    down = CostActualsActivities(sessions, "EUR", 1, _RelayDown(), (80, 100))

    booked = ActivityEnvironment().run(down.book_cost_actuals, [load_id])

    assert booked.booked_minor == 1_200_000
    line = f"{org.source}/{org.gl} FY2024 period 9"
    assert _told(sessions, line) == []
    relay = CostActualsActivities(sessions, "EUR", 1, PostgresOutbox(sessions), (80, 100))
    ActivityEnvironment().run(relay.book_cost_actuals, [load_id])  # the next booking tells
    assert [grade for _, grade in _told(sessions, line)] == ["80 %", "80 %", "100 %", "100 %"]
