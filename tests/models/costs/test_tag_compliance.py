"""Tag compliance on a real Azure export judged by the tag policy in force: the cost and the
resources tagged compliantly, untagged and misclassified spend per provider, account and team;
the resources whose tags break the policy, what is wrong per key, their cost and who must fix
them; virtual tags count, past periods included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.costs.governance import VirtualTagMatch
from domain.costs.tag_findings import Problem
from models import AuditEntry, VirtualTag
from models.costs.noncompliant import COST_CENTER_OWNER, SOURCE_OWNER, noncompliant_resources
from models.costs.tag_compliance import UNMAPPED, ComplianceRow, Dimension, tag_compliance
from models.costs.tag_judged import NoTagPolicy
from models.costs.tag_snapshots import freeze_tag_snapshot, latest_snapshot
from models.db import build_engine
from models.people.accounts import find_user
from tests.conftest import app_role_url, fresh_database
from tests.models.costs.tagged_sample import (
    MAPPED,
    PERIOD,
    SampleRow,
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


def _expected(rows: list[SampleRow]) -> tuple[Decimal | int, ...]:
    """Cost, compliant, untagged and misclassified cost, resources and compliant resources, as
    the file's own columns say."""
    compliant = {r.resource_id for r in rows} - {r.resource_id for r in rows if not r.compliant}
    return (
        sum((r.cost for r in rows), Decimal(0)),
        sum((r.cost for r in rows if r.compliant), Decimal(0)),
        sum((r.cost for r in rows if r.untagged), Decimal(0)),
        sum((r.cost for r in rows if not r.compliant and not r.untagged), Decimal(0)),
        len({r.resource_id for r in rows}),
        len(compliant),
    )


def _measured(row: ComplianceRow) -> tuple[Decimal | int, ...]:
    costs = (row.cost, row.compliant_cost, row.untagged_cost, row.misclassified_cost)
    return (*costs, row.resources, row.compliant_resources)


def test_compliant_untagged_and_misclassified_spend_per_provider_add_up_to_the_file(
    session: Session, sample: TaggedSample
) -> None:
    report = tag_compliance(session, PERIOD, [Dimension.PROVIDER, Dimension.ACCOUNT], at=NOW)
    rows = sample_rows()
    (provider,) = report.rows[Dimension.PROVIDER]
    assert provider.group == "Microsoft"
    assert _measured(provider) == _expected(rows)
    assert provider.untagged_cost > 0 and provider.misclassified_cost > 0
    assert provider.cost_share == (provider.compliant_cost / provider.cost).quantize(
        Decimal("0.0001")
    )
    assert [_measured(r) for r in report.rows[Dimension.ACCOUNT]] == [_expected(rows)]


def test_per_team_the_mapped_cost_center_and_the_unmapped_rest(
    session: Session, sample: TaggedSample
) -> None:
    report = tag_compliance(session, PERIOD, [Dimension.TEAM], at=NOW)
    teams = {row.group: row for row in report.rows[Dimension.TEAM]}
    assert set(teams) == {"1234", UNMAPPED}
    rows = sample_rows()
    mapped = [r for r in rows if r.subscription == MAPPED]
    assert _measured(teams["1234"]) == _expected(mapped)
    assert _measured(teams[UNMAPPED]) == _expected([r for r in rows if r not in mapped])


def _fix_the_costliest_untagged_resource(session: Session, sample: TaggedSample) -> None:
    untagged = max((r for r in sample_rows() if r.untagged), key=lambda r: r.cost)
    author = find_user(session, sample.source_owner)
    assert author is not None
    session.add(
        VirtualTag(
            match=VirtualTagMatch.RESOURCE,
            match_value=untagged.resource_id,
            key="cost_center",
            value="1234",
            created_by_id=author.id,
        )
    )
    session.flush()


def test_month_end_close_freezes_the_first_snapshot_unless_forced_and_audits_both(
    session: Session, sample: TaggedSample
) -> None:
    closer = find_user(session, sample.source_owner)
    assert closer is not None
    first, created = freeze_tag_snapshot(session, PERIOD, actor=closer, at=NOW)
    (provider,) = first.figures["provider"]
    (expected,) = tag_compliance(session, PERIOD, [Dimension.PROVIDER], at=NOW).rows[
        Dimension.PROVIDER
    ]
    assert created and first.version == 1
    assert provider["completeness"] == format(expected.completeness, "f")
    assert Decimal(provider["untagged_cost"]) == expected.untagged_cost > 0
    _fix_the_costliest_untagged_resource(session, sample)
    kept, created = freeze_tag_snapshot(session, PERIOD, actor=closer, at=NOW)
    assert (kept.id, kept.figures, created) == (first.id, first.figures, False)
    forced, created = freeze_tag_snapshot(
        session, PERIOD, actor=closer, at=NOW, force=True, reason="late virtual tag"
    )
    assert created and forced.version == 2
    assert Decimal(forced.figures["provider"][0]["untagged_cost"]) < expected.untagged_cost
    assert latest_snapshot(session, PERIOD) == forced
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "tag_snapshot")
        .order_by(AuditEntry.sequence)
    ).all()
    assert actions == ["tag_snapshot.frozen", "tag_snapshot.refrozen"]
