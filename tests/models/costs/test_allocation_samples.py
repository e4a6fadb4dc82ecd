"""The real AWS CUR and Azure EA samples, ingested as a load ingests them, allocated by a model
of a small organisation like the demo's (IT and Sales units, IT services): every period's
amounts sum to its cost to the cent, every line is traced once, a virtual tag puts a
subscription's lines on the cost center it names, and pools split by headcount, activity
and usage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import VirtualTagMatch
from models import CostCenter, ItService, VirtualTag
from models.costs.allocation_runs import allocated_amounts, allocated_lines
from models.people.accounts import upsert_user
from services.costs.allocation import record_drivers, run_allocation
from tests.activities.costs.loads import a_cost_source, load_file
from tests.builders.allocation import AllocationOrg, model_in_force
from tests.builders.cost_files import AWS_CUR_SAMPLE, AZURE_EA_SAMPLE

AT = datetime(2020, 1, 1, tzinfo=UTC)
NETWORKED = "904fa44c-85e5-4dfd-91d7-999999999999"  # an Azure subscription of the sample
PERIODS = (date(2023, 9, 1), date(2023, 11, 1))  # Azure's, then AWS's


def _demo_like_org(session: Session, tag: str) -> tuple[AllocationOrg, dict[str, str]]:
    author = upsert_user(session, f"fin-{tag}", roles=[Role.FINANCE])
    approver = upsert_user(session, f"finops-{tag}", roles=[Role.FINOPS])
    codes: dict[str, str] = {}
    for name, parent in (
        ("IT", None),
        ("SALES", None),
        ("IT-INFRA", "IT"),
        ("IT-DATA", "IT"),
        ("SALES-EU", "SALES"),
    ):
        center = CostCenter(
            code=f"{name}-{tag}",
            name=name,
            owner_id=author.id,
            parent_id=None if parent is None else _id(session, codes[parent]),
        )
        session.add(center)
        session.flush()
        codes[name] = center.code
    for name in ("STORAGE", "COMPUTE"):
        service = ItService(
            code=f"{name}-{tag}",
            name=name,
            owner_id=author.id,
            provider_cost_center_id=_id(session, codes["IT-INFRA"]),
        )
        session.add(service)
        codes[name] = service.code
    session.flush()
    org = AllocationOrg(author, approver, (codes["IT"], codes["SALES"]), (), ())
    return org, codes


def _id(session: Session, code: str) -> int:
    return int(session.scalar(text("SELECT id FROM cost_centers WHERE code = :c"), {"c": code}))


def _period_cost(session: Session, period: date) -> tuple[dict[str, Decimal], int]:
    rows = session.execute(
        text(
            "SELECT COALESCE(base_currency, billing_currency), SUM(effective_cost_base), COUNT(*) "
            "FROM cost_lines WHERE billing_period_start = :p GROUP BY 1"
        ),
        {"p": datetime(period.year, period.month, 1, tzinfo=UTC)},
    ).tuples()
    cost, count = {}, 0
    for currency, total, lines in rows:
        cost[currency] = (total or Decimal(0)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
        count += lines
    return cost, count


def test_the_real_samples_allocate_to_the_cent_every_line_once(
    engine: Engine, session: Session
) -> None:
    for path in (AWS_CUR_SAMPLE, AZURE_EA_SAMPLE):
        load_file(engine, a_cost_source(engine), path)
    org, codes = _demo_like_org(session, "smp")
    session.add(
        VirtualTag(
            match=VirtualTagMatch.SUB_ACCOUNT,
            match_value=NETWORKED,
            key="cost_center",
            value=codes["IT-DATA"],
            created_by_id=org.author.id,
        )
    )
    for period in PERIODS:
        record_drivers(
            session,
            period,
            "headcount",
            {codes["IT-DATA"]: "3", codes["SALES-EU"]: "5"},
            org.author,
        )
        record_drivers(session, period, "vm_hours", {codes["COMPUTE"]: "10"}, org.author)
    model_in_force(
        session,
        org,
        [
            {"name": "tagged", "kind": "direct", "to": {"cost_center_tag": "cost_center"}},
            {
                "name": "storage",
                "kind": "direct",
                "match": {"service": ["Amazon Simple Storage Service", "Storage"]},
                "to": {"service": codes["STORAGE"]},
            },
            {
                "name": "network",
                "kind": "shared",
                "match": {"service": "Virtual Network"},
                "key": {"by": "headcount"},
            },
            {
                "name": "compute",
                "kind": "activity",
                "match": {"service": "Virtual Machines"},
                "driver": "vm_hours",
            },
            {
                "name": "keys",
                "kind": "shared",
                "match": {"service": "AWS Key Management Service"},
                "key": {"by": "usage", "metric": "cost"},
            },
        ],
        AT,
    )

    runs = {}
    for period in PERIODS:
        run = runs[period] = run_allocation(session, period, org.author, at=AT, start_month=1)
        cost, line_count = _period_cost(session, period)
        amounts = allocated_amounts(session, run.id)
        totals: dict[str, Decimal] = {}
        for row in amounts:
            totals[row.currency] = totals.get(row.currency, Decimal(0)) + row.amount
        assert totals == cost and run.line_count == line_count
        traced = session.scalar(
            text(
                "SELECT COUNT(DISTINCT (load_id, file_index, file_row)) FROM allocation_lineage "
                "WHERE run_id = :r"
            ),
            {"r": run.id},
        )
        assert traced == line_count
        assert {row.rule for row in amounts if row.cost_center is None} <= {None}

    azure = allocated_lines(
        session, runs[PERIODS[0]].id, codes["IT-DATA"], rule="tagged", limit=1000
    )
    assert azure and all(line.billing_account for line in azure)
    subs = session.scalars(
        text(
            "SELECT DISTINCT l.sub_account_id FROM allocation_lineage g JOIN cost_lines l ON "
            "l.load_id = g.load_id AND l.file_index = g.file_index AND l.file_row = g.file_row "
            "WHERE g.run_id = :r AND g.rule_index = 0"
        ),
        {"r": runs[PERIODS[0]].id},
    ).all()
    assert subs == [NETWORKED]  # the virtual tag, applied to a past period
    by_rule = {
        (row.rule, row.cost_center) for row in allocated_amounts(session, runs[PERIODS[0]].id)
    }
    assert {("network", codes["IT-DATA"]), ("network", codes["SALES-EU"])} <= by_rule
    assert ("compute", codes["IT-INFRA"]) in by_rule  # COMPUTE's provider
    aws = {row.rule: row for row in allocated_amounts(session, runs[PERIODS[1]].id) if row.rule}
    assert aws["keys"].cost_center == codes["IT-INFRA"]  # S3's cost went there directly
