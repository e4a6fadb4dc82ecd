"""A virtual tag maps an untagged resource by hand: it is audited, applies to the past period
at once, and the period's allocation runs again as a new version that now sends the resource's
cost where the tag says; retiring it runs it again as before."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import WorkflowEnvironment

from domain.catalog import Role
from domain.costs.governance import VirtualTagMatch
from models import AuditEntry
from models.costs.allocation_runs import allocated_amounts, latest_run
from models.people.accounts import upsert_user
from services.costs.allocation import run_allocation
from services.costs.refusals import CostRefused
from services.costs.remediations import VirtualTagRequest, map_by_virtual_tag, retire
from tests.builders.allocation import (
    CostLine,
    a_period,
    allocation_org,
    load_lines,
    model_in_force,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)  # in force before the virtual tag re-runs it
BY_TAG = [
    {"name": "by tag", "kind": "direct", "match": {}, "to": {"cost_center_tag": "cost_center"}}
]


def _targets(session: Session, period: datetime) -> dict[str | None, Decimal]:
    run = latest_run(session, period.date())
    assert run is not None
    totals: dict[str | None, Decimal] = {}
    for row in allocated_amounts(session, run.id):
        totals[row.cost_center] = totals.get(row.cost_center, Decimal(0)) + row.amount
    return totals


async def test_a_virtual_tag_reallocates_the_past_period_and_retiring_it_undoes_that(
    engine: Engine,
    sessions: sessionmaker[Session],
    session: Session,
    temporal_env: WorkflowEnvironment,
) -> None:
    org = allocation_org(session)
    c0, c1 = org.centers[:2]
    month = a_period()
    period = datetime(month.year, month.month, 1, tzinfo=UTC)
    resource = f"vm-{month:%Y%m}"
    load_lines(
        engine,
        month,
        [
            CostLine(Decimal("4.00"), resource="tagged", tags={"cost_center": c0}),
            CostLine(Decimal("2.50"), resource=resource),
        ],
    )
    model_in_force(session, org, BY_TAG, AT)
    run_allocation(session, month, org.author, at=AT, start_month=1)
    session.commit()
    assert _targets(session, period) == {c0: Decimal("4.00"), None: Decimal("2.50")}

    request = VirtualTagRequest(VirtualTagMatch.RESOURCE, resource, "cost_center", c1, "mapped")
    client = temporal_env.client
    mapped = await map_by_virtual_tag(client, sessions, org.author, request, start_month=1)
    assert mapped.periods == mapped.reallocated == [f"{month:%Y-%m}"]
    session.expire_all()
    assert _targets(session, period) == {c0: Decimal("4.00"), c1: Decimal("2.50")}
    assert latest_run(session, month).version == 2  # type: ignore[union-attr]

    await retire(client, sessions, org.author, mapped.tag_id, start_month=1)
    session.expire_all()
    assert _targets(session, period) == {c0: Decimal("4.00"), None: Decimal("2.50")}
    entity = f"virtual tag {mapped.tag_id}"
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_id == entity)
        .order_by(AuditEntry.sequence)
    ).all()
    assert actions == ["virtual_tag.created", "virtual_tag.retired"]


async def test_someone_without_a_remediation_listing_the_resource_may_not_map_it(
    sessions: sessionmaker[Session], session: Session, temporal_env: WorkflowEnvironment
) -> None:

    someone = upsert_user(session, "virtual-tag-requester", roles=[Role.REQUESTER])
    session.commit()
    request = VirtualTagRequest(VirtualTagMatch.RESOURCE, "vm-1", "cost_center", "IT", "")
    with pytest.raises(CostRefused) as refused:
        await map_by_virtual_tag(temporal_env.client, sessions, someone, request, start_month=1)
    assert refused.value.rule == "not_entitled"
