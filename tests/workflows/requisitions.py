"""Requisitions against the demo organisation, for workflow and API tests."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import ServiceType
from domain.requisition import LineItem, Requisition, RiskFlag
from models import Contract, Vendor


def saas_subscription(
    euros: int = 120_000, *, pii: bool = True, requester: str = "alex", start: date | None = None
) -> Requisition:
    """A developer-suite subscription under Contoso's MSA, priced in EUR (below the MSA's price
    in USD would need conversion: this line names no catalog SKU)."""
    start = start or date.today() + timedelta(days=7)
    return Requisition(
        requester=requester,
        title="Developer suite subscription",
        cost_center="IT-APPS",
        vendor="Contoso Software",
        service_type=ServiceType.SAAS_SUBSCRIPTION,
        currency="EUR",
        contract="MSA-CS-01",
        gl_account="6110",
        lines=(
            LineItem("Developer suite, 1 year", 1, euros * 100, start, start + timedelta(days=180)),
        ),
        risk_flags=(RiskFlag.HANDLES_PII,) if pii else (),
        business_case_ref="BC-2026-117",
        dpia_ref="DPIA-88" if pii else None,
        itsm_ticket="RITM0012345",
    )


def laptops(count: int = 2, requester: str = "alex") -> Requisition:
    start = date.today() + timedelta(days=3)
    return Requisition(
        requester=requester,
        title="Engineering laptops",
        cost_center="IT-INFRA",
        vendor="Tailspin Hardware",
        service_type=ServiceType.HARDWARE,
        currency="EUR",
        contract="MSA-TS-01",
        lines=(
            LineItem(
                "Engineering laptop 14in",
                count,
                189_000,
                start,
                start + timedelta(days=30),
                catalog_sku="TS-LAPTOP-14",
            ),
        ),
        business_case_ref="BC-2026-204",
    )


def emergency(requisition: Requisition) -> Requisition:
    return replace(
        requisition,
        emergency=True,
        emergency_justification="core switch failed",
        incident_ref="INC0098765",
    )


def short_contract_vms(session: Session, contract_end: date) -> Requisition:
    """Cloud VMs under a Northwind MSA that ends on ``contract_end`` (committed for the test)."""
    reference = f"MSA-NW-{uuid.uuid4().hex[:6]}"
    vendor = session.scalar(select(Vendor).where(Vendor.name == "Northwind Cloud Services"))
    assert vendor is not None
    session.add(
        Contract(
            vendor_id=vendor.id,
            reference=reference,
            title="Short hosting term",
            start_date=date.today() - timedelta(days=365),
            end_date=contract_end,
            notice_days=60,
            auto_renew=True,
        )
    )
    session.commit()
    start = date.today() + timedelta(days=2)
    return Requisition(
        requester="alex",
        title="Build agents",
        cost_center="IT-INFRA",
        vendor="Northwind Cloud Services",
        service_type=ServiceType.CLOUD_INFRASTRUCTURE,
        currency="EUR",
        contract=reference,
        gl_account="6100",
        lines=(LineItem("Standard VM, 4 vCPU", 3, 18_000, start, contract_end),),
        business_case_ref="BC-2026-311",
    )
