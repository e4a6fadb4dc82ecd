"""Virtual tags through the JSON API (who may set them, retiring one, both audited) and a tag
remediation's page, which its owner and finance see and nobody else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from domain.costs.governance_tasks import GovernanceTask
from domain.costs.remediation import remediation_link, remediation_workflow_id
from models import AuditEntry
from models.costs.governance_tasks import project_task
from models.db import unit_of_work
from tests.api import e2e
from tests.web.pages import person

stack = e2e.stack


async def test_finance_sets_and_retires_a_virtual_tag_a_requester_may_not(
    stack: e2e.Stack,
) -> None:
    resource = f"vm-{uuid.uuid4().hex[:8]}"
    body = {"match": "resource_id", "match_value": resource, "key": "cost_center", "value": "IT"}
    refused = await stack.post("alex", "/api/costs/virtual-tags", body)
    assert (refused.status_code, refused.json()["rule"]) == (403, "not_entitled")

    added = await stack.post("fiona", "/api/costs/virtual-tags", {**body, "reason": "by hand"})
    assert added.status_code == 201, added.text
    tag_id = added.json()["tag_id"]
    listed = (await stack.get("ines", "/api/costs/virtual-tags")).json()
    assert [t["match_value"] for t in listed if t["id"] == tag_id] == [resource]

    assert (
        await stack.post("alex", f"/api/costs/virtual-tags/{tag_id}/retire", {})
    ).status_code == 403
    retired = await stack.post("fiona", f"/api/costs/virtual-tags/{tag_id}/retire", {})
    assert retired.status_code == 200, retired.text
    listed = (await stack.get("ines", "/api/costs/virtual-tags")).json()
    assert tag_id not in [t["id"] for t in listed]
    with stack.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == f"virtual tag {tag_id}")
            .order_by(AuditEntry.sequence)
        ).all()
    assert actions == ["virtual_tag.created", "virtual_tag.retired"]


async def test_a_remediation_page_lists_the_resources_for_its_owner_only(
    stack: e2e.Stack,
) -> None:
    period = "2199-07"
    resource = {
        "resource_id": "vm-untagged-1",
        "service": "Virtual Machines",
        "billing_account": "ea-1",
        "problems": ["cost_center: missing (required everywhere)"],
        "cost_minor": 12_345,
        "currency": "EUR",
    }
    with unit_of_work(stack.sessions) as session:
        task = GovernanceTask(
            workflow_id=remediation_workflow_id("sam", period),
            kind="tag_remediation",
            title=f"Tag 1 resources of sam in {period}",
            link=remediation_link("sam", period),
            waiting_on=("sam",),
            deadline=None,
            opened_at=datetime.now(UTC),
            facts={"period": period, "owner": "sam", "resources": [resource]},
        )
        project_task(session, task, datetime.now(UTC))

    sam = await person(stack, "sam")
    assert f'href="{task.link}"' in (await sam.get("/inbox")).text
    page = await sam.get(task.link)
    assert page.status_code == 200
    assert "vm-untagged-1" in page.text and "cost_center: missing" in page.text
    assert "123.45" in page.text
    assert (await (await person(stack, "alex")).get(task.link)).status_code == 404
    assert (await (await person(stack, "fiona")).get(task.link)).status_code == 200
