"""The real app on the test's rolled-back transaction, with real cost samples loaded through
the loader (``models.costs.loading``) into sources of their own, and people of every kind of
reader: finance, a requester (no cost role) and cost-center owners."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session
from domain.catalog import Role
from domain.costs.cost_row import CostRow
from models import CostCenter
from models.costs.loading import copy_lines, open_load, swap_in
from models.people.accounts import issue_api_token, set_password, upsert_user
from settings import Settings
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE, normalised
from tests.web.pages import csrf_of

PASSWORD = "costs-pass"


def load_sample(engine: Engine, path: Path, tag_policy_keys: Iterable[str] = ()) -> str:
    """A new source holding every row of the file, one load per (billing account, billing
    period) as a delivery splits it; the source's name."""
    name = f"{path.stem[:40]}-{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        source_id = connection.scalar(
            text(
                "INSERT INTO cost_sources (name, format, provider, base_currency, "
                "tag_policy_keys) VALUES (:name, 'focus', 'sample', 'EUR', :keys) RETURNING id"
            ),
            {"name": name, "keys": list(tag_policy_keys)},
        )
    slices: dict[tuple[str, datetime], list[CostRow]] = defaultdict(list)
    for row in normalised(path):
        account, period = row.focus["BillingAccountId"], row.focus["BillingPeriodStart"]
        assert isinstance(account, str) and isinstance(period, datetime)
        slices[(account, period)].append(row)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for (account, period), rows in slices.items():
        load_id = open_load(
            engine,
            source_id=int(source_id),
            billing_account_id=account,
            billing_period_start=period,
            file_name=path.name,
            file_hash=digest,
        )
        copy_lines(engine, load_id, rows)
        swap_in(engine, load_id)
    return name


@dataclass
class Explorer:
    client: TestClient
    session: Session
    tokens: dict[str, str]

    def person(self, name: str, *roles: Role) -> str:
        """A new person with ``roles``, an API token and a password; their username."""
        user = upsert_user(self.session, f"{name}-{uuid.uuid4().hex[:6]}", roles=list(roles))
        set_password(user, PASSWORD)
        self.tokens[user.username] = issue_api_token(self.session, user, label="costs test")
        self.session.flush()
        return user.username

    def center(self, code: str, owner: str, parent: int | None = None) -> int:
        """A cost center owned by ``owner`` (under ``parent``); its id."""
        owner_id = self.session.scalar(
            text("SELECT id FROM users WHERE username = :u"), {"u": owner}
        )
        center = CostCenter(code=code, name=code, owner_id=owner_id, parent_id=parent)
        self.session.add(center)
        self.session.flush()
        return center.id

    def allocate(self, source: str, sub_account: str, center_id: int) -> None:
        """Book a sub-account's lines and roll-ups to a cost center, as the account mappings do
        when the source is loaded (in the test's transaction)."""
        for table, source_of in (
            ("cost_lines", "(SELECT source_id FROM cost_slices WHERE id = t.slice_id)"),
            ("cost_daily", "t.source_id"),
        ):
            self.session.execute(
                text(
                    f"UPDATE {table} t SET cost_center_id = :center "
                    f"WHERE t.sub_account_id = :sub AND {source_of} = "
                    "(SELECT id FROM cost_sources WHERE name = :source)"
                ),
                {"center": center_id, "sub": sub_account, "source": source},
            )

    def get(self, user: str, path: str, **params: object) -> Any:
        response = self.client.get(
            path, params=params, headers={"Authorization": f"Bearer {self.tokens[user]}"}
        )
        assert response.status_code == 200, response.text
        return response.json()


def sign_in(explorer: Explorer, username: str) -> None:
    """Sign ``username`` in on the explorer's client, as a browser would."""
    form = explorer.client.get("/login")
    response = explorer.client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture(scope="module")
def aws_source(engine: Engine) -> str:
    """The AWS CUR sample: 1,281 usage and tax lines of November 2023, one account."""
    return load_sample(engine, AWS_CUR_SAMPLE)


@pytest.fixture(scope="module")
def azure_source(engine: Engine) -> str:
    """The Azure EA sample: 27 lines of many subscriptions, tagged; the policy names tag_a."""
    return load_sample(engine, AZURE_EA_SAMPLE, tag_policy_keys=["tag_a"])


@pytest.fixture
def explorer(database_url: str, session: Session) -> Iterator[Explorer]:
    settings = Settings(_env_file=None, environment="test", base_currency="EUR")
    app = create_app(settings, database_url)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield Explorer(client, session, {})
