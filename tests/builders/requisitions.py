"""Requisitions for tests: against the demo organisation (workflow and API tests, with the cost
center a PO may need of its own), and outside any database (the rules' unit tests), with the
reference data the validator checks them against."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import ServiceType, VendorStatus
from domain.policy import PriceAboveMsa
from domain.requisition import LineItem, Requisition, RiskFlag
from domain.requisition_rules import validate_requisition
from domain.validation import (
    CatalogPrice,
    ContractFacts,
    FieldRefusal,
    ReferenceData,
    ValidationOutcome,
    VendorFacts,
)
from models import Contract, Vendor
from tests.models.budget_org import demo_cost_center


def own_cost_center(db: Session, reserve_at: str = "creation") -> str:
    """Laptops' own cost center: 100,000.00 EUR on GL 1610 in each of this month and the next
    two (a 30-day service period may touch two of them), so no other test's POs change the
    routing."""
    code = demo_cost_center(db, "1610", 10_000_000, months=3, reserve_at=reserve_at)
    db.commit()
    return code


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


# -- outside any database: the rules' unit tests --------------------------------------------

TODAY = date(2026, 3, 1)
LINE = LineItem(
    description="Contoso Suite seats",
    quantity=10,
    unit_price_minor=12_000,
    service_start=date(2026, 4, 1),
    service_end=date(2027, 3, 31),
    catalog_sku="CS-SUITE-SEAT",
)


def valid_requisition() -> Requisition:
    return Requisition(
        requester="alice",
        title="Contoso Suite renewal",
        cost_center="CC-IT-100",
        vendor="Contoso Software",
        service_type=ServiceType.SAAS_SUBSCRIPTION,
        currency="EUR",
        lines=(LINE,),
        contract="MSA-CS-01",
        project="PRJ-WORKPLACE",
        gl_account="6100",
        business_case_ref="BC-2026-014",
    )


def valid_reference() -> ReferenceData:
    return ReferenceData(
        requester_active=True,
        vendor=VendorFacts("Contoso Software", VendorStatus.APPROVED),
        contract=ContractFacts(
            reference="MSA-CS-01",
            vendor="Contoso Software",
            start_date=date(2025, 1, 1),
            end_date=date(2027, 12, 31),
            notice_days=90,
            auto_renew=False,
        ),
        catalog=(
            CatalogPrice(
                contract="MSA-CS-01",
                sku="CS-SUITE-SEAT",
                unit_price_minor=12_000,
                currency="EUR",
                service_type=ServiceType.SAAS_SUBSCRIPTION,
                gl_account="6100",
            ),
        ),
        cost_center_active=True,
        project_cost_center="CC-IT-100",
        gl_account_active=True,
    )


def check(
    requisition: Requisition | None = None,
    reference: ReferenceData | None = None,
    *,
    today: date = TODAY,
    price_above_msa: PriceAboveMsa = PriceAboveMsa.REFUSE,
) -> ValidationOutcome:
    return validate_requisition(
        requisition or valid_requisition(),
        reference or valid_reference(),
        today=today,
        price_above_msa=price_above_msa,
    )


def requisition(
    service_type: ServiceType = ServiceType.HARDWARE,
    unit_price_minor: int = 189_000,
    requester: str = "alex",
    risk_flags: tuple[RiskFlag, ...] = (),
    emergency: bool = False,
) -> Requisition:
    line = LineItem("item", 1, unit_price_minor, date(2026, 1, 1), date(2026, 12, 31))
    return Requisition(
        requester=requester,
        title="purchase",
        cost_center="IT-INFRA",
        vendor="Contoso Software",
        service_type=service_type,
        currency="EUR",
        lines=(line,),
        risk_flags=risk_flags,
        emergency=emergency,
    )


def only_refusal(outcome: ValidationOutcome) -> FieldRefusal:
    """The single refusal of an outcome; fails the test when there are none or several."""
    assert not outcome.accepted
    assert len(outcome.refusals) == 1, outcome.refusals
    assert outcome.flags == ()
    return outcome.refusals[0]


def with_line(line: LineItem) -> Requisition:
    """The valid requisition with its one line replaced."""
    return replace(valid_requisition(), lines=(line,))
