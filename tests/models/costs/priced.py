"""Builders for unit-cost, rate and chargeback tests: an organisation with IT services of its
own (unique codes and service names, so tests that commit lines do not meet), cost lines as a
load works them out (any FOCUS columns, base amounts, cost center) swapped in, and governed
documents put in force by someone other than their author."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.costs.governance import DocumentKind
from models import CostCenter, CostDocument, GlAccount, ItService, User
from models.costs.document_store import decide_document, propose_document
from models.costs.loading import open_load, swap_in
from models.people.accounts import upsert_user
from services.costs.allocation import run_allocation
from tests.builders.allocation import CostLine
from tests.builders.allocation import load_lines as load_allocation_lines
from tests.models.costs.allocated import a_eur_source

AT = datetime(2026, 1, 5, tzinfo=UTC)  # in the past, so the API (now) reads them in force


@dataclass(frozen=True)
class PricedOrg:
    """Who proposes and approves, the provider of the services and two business units (each
    a root cost center with one team), in two legal entities."""

    tag: str
    author: User
    approver: User
    gl: str
    provider: CostCenter  # entity EU1, provides VM and STO
    teams: dict[str, CostCenter]  # "web" (under BU "digital", EU1), "data" (BU "analytics", US1)
    units: dict[str, CostCenter]

    def service(self, name: str) -> str:
        """The code of one of the org's services ("VM" or "STO")."""
        return f"{name}-{self.tag}"

    def cloud(self, name: str) -> str:
        """A cloud service name (FOCUS ServiceName) only this org's lines carry."""
        return f"{name} {self.tag}"


def a_priced_org(session: Session) -> PricedOrg:
    tag = uuid.uuid4().hex[:6]
    author = upsert_user(session, f"finops-{tag}", roles=[Role.FINANCE])
    approver = upsert_user(session, f"controller-{tag}", roles=[Role.FINANCE])
    session.add(GlAccount(code=f"IC-{tag}", name="Internal IT charges"))
    provider = _center(session, f"IT-{tag}", author, None, "EU1")
    units = {
        "digital": _center(session, f"BU-DIG-{tag}", author, None, "EU1"),
        "analytics": _center(session, f"BU-ANA-{tag}", author, None, "US1"),
    }
    teams = {
        "web": _center(session, f"WEB-{tag}", author, units["digital"], "EU1"),
        "data": _center(session, f"DATA-{tag}", author, units["analytics"], "US1"),
    }
    for code in ("VM", "STO"):
        session.add(
            ItService(
                code=f"{code}-{tag}",
                name=code,
                owner_id=author.id,
                provider_cost_center_id=provider.id,
            )
        )
    session.flush()
    return PricedOrg(tag, author, approver, f"IC-{tag}", provider, teams, units)


def _center(
    session: Session, code: str, owner: User, parent: CostCenter | None, entity: str
) -> CostCenter:
    center = CostCenter(
        code=code,
        name=code,
        owner_id=owner.id,
        parent_id=parent.id if parent else None,
        legal_entity=entity,
    )
    session.add(center)
    session.flush()
    return center


def in_force(
    session: Session, org: PricedOrg, kind: DocumentKind, document: dict[str, Any]
) -> CostDocument:
    """``document`` proposed by the org's author and approved by its approver at ``AT``."""
    proposal = propose_document(session, kind, document, note="", author=org.author, at=AT)
    return decide_document(
        session, kind, proposal.version, decider=org.approver, approve=True, note="", at=AT
    )


def load_lines(engine: Engine, month: date, rows: list[dict[str, Any]]) -> int:
    """Load ``rows`` (cost-line columns; EUR, base amounts equal to the costs unless given) as
    one file of a source and account of their own in ``month``, swapped in."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    account = uuid.uuid4().hex[:10]
    load_id = open_load(
        engine,
        source_id=a_eur_source(engine),
        billing_account_id=account,
        billing_period_start=start,
        file_name="lines.csv",
        file_hash=uuid.uuid4().hex,
    )
    with engine.begin() as connection:
        slice_id = connection.scalar(
            text("SELECT slice_id FROM cost_loads WHERE id = :load"), {"load": load_id}
        )
        for number, row in enumerate(rows, start=1):
            values = _line(row, slice_id, load_id, number, account, start)
            names = ", ".join(values)
            connection.execute(
                text(
                    f"INSERT INTO cost_partitions.cost_lines_load_{load_id} ({names}) "
                    f"VALUES ({', '.join(':' + name for name in values)})"
                ),
                values,
            )
    swap_in(engine, load_id)
    return load_id


def _line(
    row: dict[str, Any], slice_id: int, load_id: int, number: int, account: str, start: datetime
) -> dict[str, Any]:
    effective = Decimal(row.get("effective_cost", "0"))
    listed = Decimal(row.get("list_cost", effective))
    return {
        "slice_id": slice_id,
        "load_id": load_id,
        "file_row": number,
        "billing_account_id": account,
        "billing_period_start": start,
        "charge_period_start": start,
        "charge_category": "Usage",
        "provider_name": "AWS",
        "billing_currency": "EUR",
        "base_currency": "EUR",
        "billed_cost": effective,
        "billed_cost_base": effective,
        "effective_cost_base": effective,
        "list_cost_base": listed,
        **row,
        "effective_cost": effective,
        "list_cost": listed,
    }


def allocated_month(engine: Engine, session: Session, org: PricedOrg, period: date) -> None:
    """A month of compute, storage and a tagged line, allocated: VM 60/40 and storage evenly
    to the web and data teams, the tagged line directly to web."""
    load_allocation_lines(
        engine,
        period,
        [
            CostLine(Decimal("30.00"), service=org.cloud("Compute")),
            CostLine(Decimal("8.00"), service=org.cloud("Storage")),
            CostLine(
                Decimal("5.00"),
                service=org.cloud("Other"),
                tags={"cost_center": org.teams["web"].code},
            ),
        ],
    )
    web, data = org.teams["web"].code, org.teams["data"].code
    vm, sto = org.service("VM"), org.service("STO")
    in_force(
        session,
        org,
        DocumentKind.ALLOCATION_MODEL,
        {
            "rules": [
                {
                    "name": "vm usage",
                    "kind": "shared",
                    "match": {"service": org.cloud("Compute")},
                    "key": {
                        "by": "percentages",
                        "targets": [
                            {"cost_center": web, "service": vm, "percent": "60"},
                            {"cost_center": data, "service": vm, "percent": "40"},
                        ],
                    },
                },
                {
                    "name": "storage",
                    "kind": "shared",
                    "match": {"service": org.cloud("Storage")},
                    "key": {
                        "by": "even",
                        "targets": [
                            {"cost_center": web, "service": sto},
                            {"cost_center": data, "service": sto},
                        ],
                    },
                },
                {
                    "name": "by tag",
                    "kind": "direct",
                    "match": {},
                    "to": {"cost_center_tag": "cost_center"},
                },
            ]
        },
    )
    run_allocation(session, period, org.author, at=AT, start_month=1)
    month = f"{period:%Y-%m}"
    in_force(
        session,
        org,
        DocumentKind.UNIT_COST_MODEL,
        {
            "currency": "EUR",
            "services": [
                {
                    "service": vm,
                    "unit": "Hour",
                    "consumption": {"driver": {month: "10"}},
                    "pools": [
                        {
                            "name": "compute",
                            "part": "variable",
                            "lines": {"service_name": [org.cloud("Compute")]},
                        }
                    ],
                },
                {
                    "service": sto,
                    "unit": "GB-month",
                    "consumption": {"driver": {month: "100"}},
                    "pools": [
                        {
                            "name": "storage",
                            "part": "variable",
                            "lines": {"service_name": [org.cloud("Storage")]},
                        }
                    ],
                },
            ],
        },
    )


def rate_card(org: PricedOrg, period: date, transfer: bool = True) -> dict[str, Any]:
    month = f"{period:%Y-%m}"
    card: dict[str, Any] = {
        "currency": "EUR",
        "gl_account": org.gl,
        "rates": [
            {
                "service": org.service("VM"),
                "period": month,
                "basis": "markup",
                "markup_percent": "10",
                "assumptions": "platform team's time",
            },
            {
                "service": org.service("STO"),
                "period": month,
                "basis": "benchmark",
                "rate": "0.1",
                "benchmark": "object storage, list price",
                "assumptions": "priced as the market",
            },
        ],
    }
    if transfer:
        card["transfer_pricing"] = {"markup_percent": "5", "assumptions": "cost plus 5 %"}
    return card
