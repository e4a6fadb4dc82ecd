"""A database of its own holding a real Azure EA export with real tags and real untagged lines
(tests/data/costs/azure-finops-toolkit/EA_ActualCost_Small.csv, 11 rows of September 2023),
loaded by the ingest activity, and a tag policy put in force under change control. The policy
requires ``cost_center`` (``CostCenter`` is an alias) to be a cost center's code everywhere, and
``environment`` (alias ``env``) of prod, test or dev on Azure Database for MySQL; cost center
``1234`` exists, ``SubACM`` does not. Also what the file says, read independently of poflow."""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models import CostCenter, GlAccount
from models.costs.document_store import decide_document, propose_document
from models.people.accounts import upsert_user
from tests.activities.costs.loads import KEEP_EVERYTHING, a_cost_source, load_file, source_id
from tests.builders.cost_files import AZURE_EA_OLDER_SAMPLE

PERIOD = "2023-09"
MAPPED = "Trey Research Corporate"
IN_FORCE_AT = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = {
    "keys": {
        "cost_center": {
            "owner": "finance",
            "tag_key": "CostCenter",
            "allowed": {"exists": "cost_center"},
        },
        "environment": {"owner": "it_operations", "allowed": {"values": ["prod", "test", "dev"]}},
        "team": {"owner": "application_team", "levels": ["bu", "department", "team"]},
    },
    "aliases": {"CostCenter": "cost_center", "env": "environment"},
    "required": [
        {"scope": {"provider": "all"}, "keys": ["cost_center"]},
        {"scope": {"service": "Azure Database for MySQL"}, "keys": ["environment"]},
    ],
    "aws_enforced_for": ["ec2:instance"],
}


@dataclass(frozen=True)
class SampleRow:
    """A row of the file as its columns say: resource, cost, tags (the braces Azure leaves out
    put back)."""

    resource_id: str
    service: str
    subscription: str
    cost: Decimal
    tags: dict[str, str]

    @property
    def compliant(self) -> bool:
        if self.tags.get("CostCenter") != "1234":
            return False
        return self.service != "Azure Database for MySQL" or self.tags.get("env") == "prod"

    @property
    def untagged(self) -> bool:
        return not self.tags.get("CostCenter")


def sample_rows() -> list[SampleRow]:
    with AZURE_EA_OLDER_SAMPLE.open(encoding="utf-8-sig", newline="") as file:
        return [
            SampleRow(
                row["ResourceId"],
                row["MeterCategory"],
                row["SubscriptionName"],
                Decimal(row["Cost"]),
                json.loads("{" + row["Tags"] + "}"),
            )
            for row in csv.DictReader(file)
        ]


@dataclass(frozen=True)
class TaggedSample:
    source: str
    center_owner: str
    source_owner: str
    mapped_sub_account: str


def load_tagged_sample(engine: Engine) -> TaggedSample:
    """The sample loaded and the policy in force, committed; one subscription is mapped to cost
    center 1234, the others to none."""
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as session:
        author = upsert_user(session, f"author-{tag}", roles=[Role.FINANCE])
        approver = upsert_user(session, f"approver-{tag}", roles=[Role.FINANCE])
        owner = upsert_user(session, f"cc-owner-{tag}", roles=[Role.APPROVER])
        watcher = upsert_user(session, f"src-owner-{tag}", roles=[Role.FINANCE])
        center = CostCenter(code="1234", name="Trey Research IT", owner_id=owner.id)
        gl = GlAccount(code=f"GL-{tag}", name="Cloud")
        session.add_all([center, gl])
        session.flush()
        proposal = propose_document(
            session, DocumentKind.TAG_POLICY, POLICY, note="", author=author, at=IN_FORCE_AT
        )
        decide_document(
            session,
            DocumentKind.TAG_POLICY,
            proposal.version,
            decider=approver,
            approve=True,
            note="",
            at=IN_FORCE_AT,
        )
        session.commit()
        ids = {"center": center.id, "gl": gl.id, "watcher": watcher.id}
        names = (owner.username, watcher.username)
    name = a_cost_source(engine, "auto", quality_actions=KEEP_EVERYTHING)
    mapped = _map_one_subscription(engine, source_id(engine, name), ids)
    load_file(engine, name, AZURE_EA_OLDER_SAMPLE)
    return TaggedSample(name, names[0], names[1], mapped)


def _map_one_subscription(engine: Engine, source: int, ids: dict[str, int]) -> str:
    """Cost center 1234 on the lines of subscription Trey Research Corporate; the source's
    owner told of its loads."""
    with AZURE_EA_OLDER_SAMPLE.open(encoding="utf-8-sig", newline="") as file:
        rows = csv.DictReader(file)
        sub = next(r["SubscriptionId"] for r in rows if r["SubscriptionName"] == MAPPED)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO cost_source_owners (source_id, user_id) VALUES (:s, :u)"),
            {"s": source, "u": ids["watcher"]},
        )
        connection.execute(
            text(
                "INSERT INTO cost_account_mappings (source_id, account_kind, account_id, "
                "cost_center_id, gl_account_id) VALUES (:s, 'sub_account', :sub, :c, :g)"
            ),
            {"s": source, "sub": sub, "c": ids["center"], "g": ids["gl"]},
        )
    return sub
