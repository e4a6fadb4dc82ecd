"""Detection of optimisation recommendations over real cost lines: the FOCUS specification's own
example of a commitment discount left unused (its unused hour found, saving its effective
cost), the FOCUS sample's resources judged idle exactly as their quantities say, idle resources
routed to their cost center's owner, and a second run finding nothing new."""

from __future__ import annotations

import csv
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.costs.recommendations import RecommendationKind, ResourceUsage, is_idle
from models.costs.recommendation_detection import detect
from models.costs.recommendation_records import CostRecommendation
from tests.builders.focus_lines import FOCUS_SAMPLE as SAMPLE
from tests.builders.focus_lines import SPEC_UNUSED as SPEC
from tests.builders.focus_lines import focus_lines
from tests.models.costs.priced import a_priced_org, load_lines

AT = datetime(2032, 4, 2, tzinfo=UTC)


def _found(session: Session, period: date, tag: str) -> list[CostRecommendation]:
    return list(
        session.scalars(
            select(CostRecommendation).where(
                CostRecommendation.period == period,
                CostRecommendation.resource_id.endswith(f"-{tag}"),
            )
        )
    )


def test_the_spec_examples_unused_commitment_is_found_with_its_effective_cost(
    engine: Engine, session: Session
) -> None:
    tag, month = uuid.uuid4().hex[:8], date(2032, 3, 1)
    load_lines(engine, month, focus_lines(SPEC, tag))
    first = detect(session, month, AT)
    unused = [r for r in _found(session, month, tag) if r.kind == "unused_commitment"]
    assert [(r.resource_id, r.estimated_saving_minor) for r in unused] == [
        (f"<my-commitment-discount-id>-{tag}", 150)  # EffectiveCost 1.50 of the unused hour
    ]
    assert unused[0].status == "open" and unused[0].owner is None  # the source has no owner
    unused[0].status = "accepted"
    session.flush()
    again = detect(session, month, AT)
    assert again.new == 0 and again.found == first.found
    session.expire_all()
    assert {r.id: r.status for r in _found(session, month, tag)}[unused[0].id] == "accepted"


def _sample_usage(tag: str) -> dict[str, ResourceUsage]:
    """Per resource of the sample, its usage lines' quantities and all its lines' cost, read
    from the CSV itself."""
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    with SAMPLE.open(newline="", encoding="utf-8-sig") as file:
        for row in csv.DictReader(file):
            if row["ResourceId"] in ("", "NULL"):
                continue
            figures = sums[f"{row['ResourceId']}-{tag}"]
            figures[2] += Decimal(row["EffectiveCost"])
            if row["ChargeCategory"] == "Usage":
                for place, column in ((0, "ConsumedQuantity"), (1, "PricingQuantity")):
                    if row[column] not in ("", "NULL"):
                        figures[place] += Decimal(row[column])
    return {
        key: ResourceUsage(c, p, int((cost * 100).quantize(Decimal(1), rounding="ROUND_HALF_EVEN")))
        for key, (c, p, cost) in sums.items()
    }


def test_the_focus_samples_idle_resources_are_those_its_quantities_say(
    engine: Engine, session: Session
) -> None:
    tag, month = uuid.uuid4().hex[:8], date(2032, 5, 1)
    load_lines(engine, month, focus_lines(SAMPLE, tag))
    detect(session, month, AT)
    found = _found(session, month, tag)
    idle = {r.resource_id for r in found if r.kind == "idle_resource"}
    expected = {key for key, usage in _sample_usage(tag).items() if is_idle(usage)}
    assert idle == expected
    unowned = {r.resource_id for r in found if r.kind == "no_owner"}
    assert unowned == set(_sample_usage(tag))  # no cost center, a source without owner
    assert not [r for r in found if r.kind == "unused_commitment"]  # its commitments were used


def test_an_idle_resource_goes_to_its_cost_centers_owner_and_saves_its_cost(
    engine: Engine, session: Session
) -> None:
    org = a_priced_org(session)
    session.commit()
    month, center = date(2032, 7, 1), org.teams["web"].id
    vm = {"cost_center_id": center, "charge_category": "Usage", "service_name": org.cloud("VM")}
    load_lines(
        engine,
        month,
        [
            {
                **vm,
                "resource_id": f"idle-{org.tag}",
                "effective_cost": "120.00",
                "consumed_quantity": Decimal("3"),
                "pricing_quantity": Decimal("720"),
            },
            {
                **vm,
                "resource_id": f"busy-{org.tag}",
                "effective_cost": "120.00",
                "consumed_quantity": Decimal("700"),
                "pricing_quantity": Decimal("720"),
            },
        ],
    )
    detect(session, month, AT)
    found = _found(session, month, org.tag)
    assert [(r.kind, r.resource_id, r.owner, r.estimated_saving_minor) for r in found] == [
        (RecommendationKind.IDLE_RESOURCE, f"idle-{org.tag}", org.author.username, 12_000)
    ]
