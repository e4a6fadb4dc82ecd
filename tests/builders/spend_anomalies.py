"""A database of its own holding the real FOCUS 1.0 sample (tests/data/costs/focus-sample-data,
30 days of September 2024) with one day of its EC2 account multiplied tenfold, loaded by the
ingest activity; the account is mapped to a cost center whose owner has a manager, and someone
holds the FinOps role."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import Role
from models import CostCenter, GlAccount
from models.people.accounts import upsert_user
from tests.activities.costs.loads import KEEP_EVERYTHING, a_cost_source, load_file, source_id

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "costs"
FOCUS_SAMPLE = SAMPLES / "focus-sample-data" / "focus_sample.csv"
ACCOUNT = "1234567890123"
EC2 = "Amazon Elastic Compute Cloud"
SPIKE = date(2024, 9, 27)
FACTOR = 10
COSTS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")


@dataclass(frozen=True)
class SpikedSample:
    source: str
    owner: str  # owns the account's cost center
    manager: str
    finops: str


def write_spiked(target: Path) -> Path:
    """The sample with every cost of the EC2 account's lines on ``SPIKE`` times ``FACTOR``."""
    with FOCUS_SAMPLE.open(newline="") as file:
        rows = list(csv.DictReader(file))
    with target.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        for row in rows:
            if row["ServiceName"] == EC2 and row["ChargePeriodStart"].startswith(str(SPIKE)):
                row |= {c: str(Decimal(row[c]) * FACTOR) for c in COSTS if row[c] != "NULL"}
            writer.writerow(row)
    return target


def load_spiked_sample(engine: Engine, folder: Path) -> SpikedSample:
    """The spiked sample loaded (USD), its EC2 account mapped to a new cost center."""
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as session:
        manager = upsert_user(session, f"manager-{tag}", roles=[Role.APPROVER])
        owner = upsert_user(session, f"owner-{tag}", roles=[Role.APPROVER], manager=manager)
        finops = upsert_user(session, f"finops-{tag}", roles=[Role.FINOPS])
        center = CostCenter(code=f"CC-{tag}", name="Cloud platform", owner_id=owner.id)
        gl = GlAccount(code=f"GL-{tag}", name="Cloud")
        session.add_all([center, gl])
        session.commit()
        ids = {"c": center.id, "g": gl.id}
        names = (owner.username, manager.username, finops.username)
    name = a_cost_source(engine, "auto", quality_actions=KEEP_EVERYTHING)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cost_account_mappings (source_id, account_kind, account_id, "
                "cost_center_id, gl_account_id) VALUES (:s, 'billing_account', :a, :c, :g)"
            ),
            {"s": source_id(engine, name), "a": ACCOUNT, **ids},
        )
    load_file(engine, name, write_spiked(folder / "focus_sample_spiked.csv"))
    return SpikedSample(name, *names)
