"""Requisitions against the demo organisation, for workflow and API tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from domain.catalog import ServiceType
from domain.requisition import LineItem, Requisition, RiskFlag


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
