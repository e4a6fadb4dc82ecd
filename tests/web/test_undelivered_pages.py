"""What the POs could not send, as procurement and admins read it (the undelivered report, its
API, the PO's page), and a PO that needs attention with the admin's button to run its failed
step again; a requester is refused the report."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.projection import ProjectionActivities
from api.app import create_app
from api.deps import get_session
from domain.catalog import PoStatus, Role
from domain.purchase_order import PoEvent, PoView, StateAfter
from domain.side_effects import MESSAGE, TICKET_UPDATE, Attention, Undelivered
from models.people.accounts import issue_api_token, set_password, upsert_user
from settings import Settings
from tests.builders.requisitions import laptops
from tests.web.pages import csrf_of

PASSWORD = "undelivered-pass"
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Office:
    client: TestClient
    tokens: dict[Role, str]
    names: dict[Role, str]
    po_number: str

    def get(self, role: Role, path: str) -> object:
        """The JSON body of a 200, else the status code."""
        response = self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[role]}"})
        body: object = response.json() if response.status_code == 200 else response.status_code
        return body

    def sign_in(self, role: Role) -> None:
        form = self.client.get("/login")
        response = self.client.post(
            "/login",
            data={
                "username": self.names[role],
                "password": PASSWORD,
                "csrf_token": csrf_of(form.text),
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text


@pytest.fixture
def office(
    database_url: str, session: Session, sessions: sessionmaker[Session]
) -> Iterator[Office]:
    tag = uuid.uuid4().hex[:6]
    tokens, names = {}, {}
    for role in (Role.ADMIN, Role.PROCUREMENT, Role.REQUESTER):
        user = upsert_user(session, f"{role.value}-{tag}", roles=[role])
        set_password(user, PASSWORD)
        tokens[role], names[role] = issue_api_token(session, user, label="test"), user.username
    session.flush()
    number = f"PO-U{tag}"
    ActivityEnvironment().run(ProjectionActivities(sessions).project_po_events, [_event(number)])
    app = create_app(Settings(_env_file=None, environment="test"), database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield Office(client, tokens, names, number)


def _event(number: str) -> PoEvent:
    """A PO held at issue, after a message and a ticket update did not go out."""
    view = PoView(number, 1, PoStatus.NEEDS_ATTENTION, laptops())
    view.undelivered = [
        Undelivered(MESSAGE, f"{number}:3:approval_requested:priya", "priya",
                    f"{number} waits on you", "SMTPConnectError: connection refused", AT),
        Undelivered(TICKET_UPDATE, f"{number}:1:itsm:2:approved", "servicenow:abc",
                    "approve by priya", "HTTPStatusError: 503", AT + timedelta(minutes=5)),
    ]  # fmt: skip
    view.attention = Attention(
        "issue_to_erp",
        "StepFailed: HTTPStatusError: 401 Unauthorized",
        AT,
        PoStatus.PENDING_APPROVAL,
    )
    return PoEvent(
        sequence=7,
        workflow_id=f"po-{number}",
        run_id="run-1",
        occurred_at=AT,
        action="po.needs_attention",
        actor="poflow",
        view=view,
        state_after=StateAfter.of(view),
    )


def test_the_undelivered_report_lists_each_item_newest_first(office: Office) -> None:
    lines = office.get(Role.ADMIN, "/api/reports/undelivered")
    assert isinstance(lines, list)
    mine = [
        line for line in lines if isinstance(line, dict) and line["po_number"] == office.po_number
    ]
    assert [(line["what"], line["recipient"]) for line in mine] == [
        (TICKET_UPDATE, "servicenow:abc"),
        (MESSAGE, "priya"),
    ]
    assert mine[1]["reason"] == "SMTPConnectError: connection refused"
    assert mine[1]["po_status"] == "needs_attention"
    assert office.get(Role.PROCUREMENT, "/api/reports/undelivered") == lines
    assert office.get(Role.REQUESTER, "/api/reports/undelivered") == 403


def test_the_pages_show_what_was_not_delivered_and_the_held_step(office: Office) -> None:
    office.sign_in(Role.ADMIN)
    report = office.client.get("/reports/undelivered")
    assert report.status_code == 200
    assert f'href="/po/{office.po_number}"' in report.text and "HTTPStatusError: 503" in report.text
    page = office.client.get(f"/po/{office.po_number}").text
    assert "Needs attention" in page and "<code>issue_to_erp</code>" in page
    assert f'action="/po/{office.po_number}/retry"' in page
    assert "Not delivered" in page and "SMTPConnectError: connection refused" in page


def test_a_requester_is_refused_the_report_page(office: Office) -> None:
    office.sign_in(Role.REQUESTER)
    assert office.client.get("/reports/undelivered").status_code == 403
