"""The real app on the test's rolled-back transaction, for the budget-report API and page tests:
the report ledger of ``tests.models.report_ledger`` and two people, a finance user and a
requester, each with an API token and a password. Reports never call Temporal, so its client
stays lazy and no server is needed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from models.people.accounts import issue_api_token, set_password, upsert_user
from settings import Settings
from tests.models.report_ledger import Org, build
from tests.web.pages import csrf_of

PASSWORD = "reports-pass"


@dataclass(frozen=True)
class Reporting:
    client: TestClient
    org: Org
    tokens: dict[str, str]  # username -> API token
    finance: str
    requester: str

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def sign_in(self, username: str) -> None:
        form = self.client.get("/login")
        response = self.client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text


def page(rep: Reporting, path: str, **params: object) -> str:
    """The page at ``path`` as the signed-in person sees it; it must answer 200."""
    response = rep.client.get(path, params=params, follow_redirects=False)
    assert response.status_code == 200, response.text
    text: str = response.text
    return text


@pytest.fixture
def reporting(database_url: str, session: Session) -> Iterator[Reporting]:
    org = build(session)
    tokens = {}
    for name, role in (("finance", Role.FINANCE), ("requester", Role.REQUESTER)):
        user = upsert_user(session, f"{name}-{org.tag.lower()}", roles=[role])
        set_password(user, PASSWORD)
        tokens[user.username] = issue_api_token(session, user, label="reports test")
    session.flush()
    settings = Settings(
        _env_file=None, environment="test", base_currency="EUR", fiscal_year_start_month=1
    )
    app = create_app(settings, database_url)
    app.dependency_overrides[get_session] = lambda: session
    finance, requester = f"finance-{org.tag.lower()}", f"requester-{org.tag.lower()}"
    with TestClient(app) as client:
        yield Reporting(client, org, tokens, finance, requester)
