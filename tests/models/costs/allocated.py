"""Builders for reconciliation, actuals and consumption tests: lines as a load works them out
(base amounts, cost center, GL account, PO), put into a load's staging table and swapped in,
and a cost center and GL account of their own."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import CostCenter, GlAccount
from models.costs.loading import open_load, swap_in
from tests.models.budget_org import BudgetOrg, budget_org
from tests.models.costs.lines import SEPTEMBER

OCTOBER = datetime(2024, 10, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Allocated:
    """A stored cost line; ``cost`` is its BilledCost and EffectiveCost, ``base`` its
    EffectiveCost in the base currency (the cost itself unless told)."""

    cost: str
    invoice_id: str | None = "INV-1"
    charge_category: str = "Usage"
    charged: datetime = datetime(2024, 9, 15, tzinfo=UTC)
    cost_center_id: int | None = None
    gl_account_id: int | None = None
    po_number: str | None = None
    currency: str = "EUR"
    base: str | None = None
    base_currency: str = "EUR"


def load_allocated(engine: Engine, source_id: int, account: str, rows: Iterable[Allocated]) -> int:
    """Load the rows as one file of (source, account, September 2024) and swap them in."""
    load_id = open_load(
        engine,
        source_id=source_id,
        billing_account_id=account,
        billing_period_start=SEPTEMBER,
        file_name=f"{account}.csv",
        file_hash=uuid.uuid4().hex,
    )
    with engine.begin() as connection:
        slice_id = connection.scalar(
            text("SELECT slice_id FROM cost_loads WHERE id = :load"), {"load": load_id}
        )
        for number, row in enumerate(rows, start=1):
            connection.execute(
                text(
                    f"INSERT INTO cost_partitions.cost_lines_load_{load_id} (slice_id, load_id, "
                    "file_row, billing_account_id, billing_period_start, billing_period_end, "
                    "charge_period_start, charge_period_end, charge_category, invoice_id, "
                    "provider_name, service_name, billed_cost, effective_cost, billing_currency, "
                    "base_currency, billed_cost_base, effective_cost_base, cost_center_id, "
                    "gl_account_id, po_number) VALUES (:slice, :load, :row, :account, :start, "
                    ":end, :charged, :charged, :charge_category, :invoice_id, 'AWS', "
                    "'Amazon EC2', :cost, :cost, :currency, :base_currency, :base, :base, "
                    ":cost_center_id, :gl_account_id, :po_number)"
                ),
                {
                    **asdict(row),
                    "slice": slice_id,
                    "load": load_id,
                    "row": number,
                    "account": account,
                    "start": SEPTEMBER,
                    "end": OCTOBER,
                    "cost": Decimal(row.cost),
                    "base": Decimal(row.base or row.cost),
                },
            )
    swap_in(engine, load_id)
    return load_id


def a_eur_source(engine: Engine) -> int:
    with engine.begin() as connection:
        return int(
            connection.scalar(
                text(
                    "INSERT INTO cost_sources (name, format, provider, base_currency) "
                    "VALUES (:name, 'focus', 'AWS', 'EUR') RETURNING id"
                ),
                {"name": f"cloud-{uuid.uuid4().hex[:8]}"},
            )
        )


def a_budget_line(engine: Engine) -> tuple[int, int, BudgetOrg]:
    """A cost center and GL account of their own, budgeted over 2024 (a fiscal year of
    calendar months): (cost center id, GL account id, the organisation)."""
    with Session(engine) as session:
        org = budget_org(session, year=2024)
        session.commit()
        center = session.scalar(select(CostCenter.id).where(CostCenter.code == org.source))
        gl = session.scalar(select(GlAccount.id).where(GlAccount.code == org.gl))
    assert center is not None and gl is not None
    return center, gl, org
