"""The demo's optimisation export: two lines with the FOCUS sample's columns; loaded, detection
finds the reserved VM's unused commitment and the idle VM, each saving its month's cost, both
on the service the demo's unit-cost model prices as VM."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cli.demo_costs import SAMPLES
from cli.demo_governance import COMPUTE
from cli.demo_optimisation import IDLE, UNUSED, demo_export
from models.costs.recommendation_detection import detect
from models.costs.recommendation_records import CostRecommendation
from tests.builders.focus_lines import focus_lines
from tests.models.costs.priced import load_lines


def test_the_demo_export_gives_an_unused_commitment_and_an_idle_vm(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    export = demo_export(SAMPLES / "focus-sample-data" / "focus_sample.csv", tmp_path / "o.csv")
    tag, month = uuid.uuid4().hex[:8], date(2033, 3, 1)
    load_lines(engine, month, focus_lines(export, tag))
    detect(session, month, datetime(2033, 4, 2, tzinfo=UTC))
    found = session.scalars(
        select(CostRecommendation).where(
            CostRecommendation.period == month, CostRecommendation.resource_id.endswith(tag)
        )
    ).all()
    saving = {
        (r.kind, r.resource_id.removesuffix(f"-{tag}")): r.estimated_saving_minor for r in found
    }
    assert saving[("unused_commitment", UNUSED["CommitmentDiscountId"])] == 31_000
    assert saving[("idle_resource", IDLE["ResourceId"])] == 45_000
    assert {r.service_name for r in found} <= set(COMPUTE)
