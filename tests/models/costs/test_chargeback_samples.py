"""The real AWS CUR sample (tests/data/costs/aws-cur), loaded as a load ingests it into a
database of the module's own, allocated, priced and charged back: the unit cost of storage per
GB-month equals DuckDB's own division over the file, the chargeback's entries charge the
receivers what the statement says and credit the provider as much, and the statement's FOCUS
export passes the FinOps Foundation's validator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.costs.governance import DocumentKind
from domain.costs.unit_costs import UNIT_PLACES
from models.costs.statements import statement_lines
from models.costs.unit_costs import unit_costs_in_force
from models.db import build_engine
from services.costs.allocation import run_allocation
from services.costs.chargeback import run_statement
from services.costs.statement_exports import focus_csv
from tests.activities.costs.loads import a_cost_source, load_file
from tests.builders.cost_files import AWS_CUR_SAMPLE
from tests.builders.focus_validator import PASSED, focus_validator_report
from tests.conftest import app_role_url, fresh_database
from tests.models.costs.priced import AT, PricedOrg, a_priced_org, in_force

NOVEMBER = date(2023, 11, 1)
S3 = "Amazon Simple Storage Service"
STORAGE_PER_GB_MONTH = f"""
    SELECT sum(CAST("lineItem/UnblendedCost" AS DECIMAL(38, 20)))
             FILTER (WHERE "lineItem/LineItemType" = 'Usage'),
           sum(CAST("lineItem/UsageAmount" AS DECIMAL(38, 20)))
             FILTER (WHERE "pricing/unit" = 'GB-Mo')
    FROM read_csv('{AWS_CUR_SAMPLE}', all_varchar=true, header=true)
    WHERE "product/ProductName" = '{S3}'
"""


@dataclass(frozen=True)
class Month:
    engine: Engine
    org: PricedOrg


@pytest.fixture(scope="module")
def month(postgres_admin_url: str) -> Iterator[Month]:
    """The sample in a database of its own, so no other test's lines share its month."""
    engine = build_engine(app_role_url(fresh_database(postgres_admin_url, "chargeback_aws")))
    load_file(engine, a_cost_source(engine), AWS_CUR_SAMPLE)
    with Session(engine, expire_on_commit=False) as session:
        org = a_priced_org(session)
        session.commit()
    yield Month(engine, org)
    engine.dispose()


def _documents(session: Session, org: PricedOrg) -> None:
    web, data, storage = org.teams["web"].code, org.teams["data"].code, org.service("STO")
    in_force(session, org, DocumentKind.ALLOCATION_MODEL, {"rules": [
        {"name": "storage", "kind": "shared", "match": {"service": S3},
         "key": {"by": "percentages", "targets": [
             {"cost_center": web, "service": storage, "percent": "70"},
             {"cost_center": data, "service": storage, "percent": "30"}]}},
        {"name": "the rest", "kind": "direct", "to": {"cost_center": web}},
    ]})  # fmt: skip
    in_force(session, org, DocumentKind.UNIT_COST_MODEL, {"currency": "USD", "services": [
        {"service": storage, "unit": "GB-Mo",
         "consumption": {"consumed_unit": "GB-Mo", "lines": {"service_name": [S3]}},
         "pools": [{"name": "s3", "part": "variable",
                    "lines": {"service_name": [S3], "charge_category": ["Usage"]}}]},
    ]})  # fmt: skip
    in_force(session, org, DocumentKind.RATE_CARD, {
        "currency": "USD", "gl_account": org.gl,
        "transfer_pricing": {"markup_percent": "5", "assumptions": "cost plus 5 %"},
        "rates": [{"service": storage, "period": "2023-11", "basis": "markup",
                   "markup_percent": "10", "assumptions": "the storage team's time"}],
    })  # fmt: skip


def test_storage_is_priced_per_gb_month_charged_back_and_exported_as_focus(
    month: Month, tmp_path: Path, repo_root: Path
) -> None:
    with Session(month.engine) as session:
        org = month.org
        _documents(session, org)
        run_allocation(session, NOVEMBER, org.author, at=AT, start_month=1)
        statement = run_statement(
            session, NOVEMBER, "chargeback", org.author, currency="USD", start_month=1, at=AT
        )

        ((cost, gb_months),) = duckdb.connect().execute(STORAGE_PER_GB_MONTH).fetchall()
        (storage,) = unit_costs_in_force(session, NOVEMBER, AT)
        assert storage.quantity == gb_months
        assert storage.per_unit == (cost / gb_months).quantize(UNIT_PLACES, ROUND_HALF_EVEN)

        lines = statement_lines(session, statement.id)
        rows = session.execute(
            text(
                "SELECT cc.code, sum(e.actual_delta_minor) FROM ledger_entries e JOIN "
                "cost_centers cc ON cc.id = e.cost_center_id "
                "WHERE e.reference = 'chargeback:2023-11' GROUP BY cc.code"
            )
        ).tuples()
        posted = {code: int(net) for code, net in rows}
        # what no service provides (the direct rule's cost) is reported, not posted
        charged = {
            team.code: sum(
                c.amount_minor for c in lines if c.cost_center == team.code and c.service
            )
            for team in org.teams.values()
        }
        serviced = sum(line.amount_minor for line in lines if line.service)
        assert posted == {**charged, org.provider.code: -serviced}
        assert all(line.transfer_markup_percent for line in lines if line.inter_entity)

        report = focus_validator_report(focus_csv(statement, lines), tmp_path, repo_root)
        assert PASSED in report, report
        session.rollback()
