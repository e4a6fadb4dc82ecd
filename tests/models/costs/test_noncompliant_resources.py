"""The resources whose tags break the tag policy in force, on a real Azure export: what is wrong
per key, their cost and who must fix them; virtual tags count, past periods included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.costs.governance import VirtualTagMatch
from domain.costs.tag_findings import Problem
from models import VirtualTag
from models.costs.noncompliant import COST_CENTER_OWNER, SOURCE_OWNER, noncompliant_resources
from models.costs.tag_judged import NoTagPolicy
from models.db import build_engine
from models.people.accounts import find_user
from tests.conftest import app_role_url, fresh_database
from tests.models.costs.tagged_sample import (
    PERIOD,
    TaggedSample,
    load_tagged_sample,
    sample_rows,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def tagged_engine(postgres_admin_url: str) -> Iterator[Engine]:
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_tag_noncompliant_test"))
    engine = build_engine(url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def sample(tagged_engine: Engine) -> TaggedSample:
    return load_tagged_sample(tagged_engine)


@pytest.fixture
def session(tagged_engine: Engine, sample: TaggedSample) -> Iterator[Session]:
    with tagged_engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()


def test_every_resource_with_a_missing_or_unknown_cost_center_is_listed_with_its_cost(
    session: Session, sample: TaggedSample
) -> None:
    wrong = [row for row in sample_rows() if not row.compliant]
    found = noncompliant_resources(session, PERIOD, at=NOW)
    assert {r.resource_id.lower() for r in found} == {row.resource_id.lower() for row in wrong}
    assert sum(r.cost for r in found) == sum(row.cost for row in wrong)
    by_problem = {(f.key, f.problem, f.value) for r in found for f in r.findings}
    assert ("cost_center", Problem.NOT_ALLOWED, "subacm") in by_problem
    assert ("cost_center", Problem.MISSING, None) in by_problem


def test_the_owner_is_the_mapped_cost_centers_else_the_sources(
    session: Session, sample: TaggedSample
) -> None:
    found = noncompliant_resources(session, PERIOD, at=NOW)
    mapped = [
        r
        for r in found
        if r.sub_account and r.sub_account.lower() == sample.mapped_sub_account.lower()
    ]
    others = [r for r in found if r not in mapped]
    assert mapped and others
    assert {(r.owner_kind, r.owners, r.cost_center) for r in mapped} == {
        (COST_CENTER_OWNER, (sample.center_owner,), "1234")
    }
    assert {(r.owner_kind, r.owners) for r in others} == {(SOURCE_OWNER, (sample.source_owner,))}


def test_a_virtual_tag_fixes_a_resource_in_a_past_period(
    session: Session, sample: TaggedSample
) -> None:
    rows = sample_rows()
    untagged = max((r for r in rows if r.untagged), key=lambda r: r.cost)
    author = find_user(session, sample.source_owner)
    assert author is not None
    session.add(
        VirtualTag(
            match=VirtualTagMatch.RESOURCE,
            match_value=untagged.resource_id,
            key="cost_center",
            value=" 1234 ",
            created_by_id=author.id,
        )
    )
    session.flush()
    found = noncompliant_resources(session, PERIOD, at=NOW)
    assert untagged.resource_id not in {r.resource_id for r in found}
    wrong = [row for row in rows if not row.compliant and row is not untagged]
    assert sum(r.cost for r in found) == sum((row.cost for row in wrong), Decimal(0))


def test_without_a_policy_in_force_nothing_is_judged(session: Session) -> None:
    with pytest.raises(NoTagPolicy):
        noncompliant_resources(session, PERIOD, at=datetime(2020, 1, 1, tzinfo=UTC))
