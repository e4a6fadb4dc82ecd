"""Builders for commitment-discount tests: a contract with POs created when the test says, and a
source's commitment discount mapped to the contract."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from domain.catalog import PoStatus, ServiceType, VendorStatus
from models.purchase_orders.records import PurchaseOrder
from models.vendors.records import Contract, Vendor
from tests.activities.costs.loads import source_id

SAVINGS_PLAN = "arn:aws:savingsplans::123456789012:savingsplan/sp-0a1b2c3d"


def a_contract(engine: Engine, *pos: tuple[PoStatus, datetime]) -> tuple[str, list[str]]:
    """A committed contract (its reference) with a PO of each (status, created at); their
    numbers in that order."""
    suffix = uuid.uuid4().hex[:8]
    numbers = [f"PO-CD-{suffix}-{n}" for n in range(len(pos))]
    with Session(engine) as session:
        vendor = Vendor(name=f"Cloud {suffix}", status=VendorStatus.APPROVED, country="DE")
        session.add(vendor)
        session.flush()
        contract = Contract(
            vendor_id=vendor.id,
            reference=f"MSA-CD-{suffix}",
            title="Compute Savings Plan",
            start_date=date(2024, 1, 1),
        )
        session.add(contract)
        session.flush()
        session.add_all(
            _po(number, status, created_at, vendor.name, contract.id)
            for number, (status, created_at) in zip(numbers, pos, strict=True)
        )
        session.commit()
        return contract.reference, numbers


def _po(
    number: str, status: PoStatus, created_at: datetime, vendor: str, contract_id: int
) -> PurchaseOrder:
    return PurchaseOrder(
        po_number=number,
        workflow_id=f"po-{number}",
        status=status,
        title="Compute Savings Plan, one year",
        requester="alex",
        cost_center="IT-INFRA",
        vendor=vendor,
        contract_id=contract_id,
        service_type=ServiceType.CLOUD_INFRASTRUCTURE,
        amount_minor=1_000_000,
        currency="EUR",
        amount_base_minor=1_000_000,
        base_currency="EUR",
        detail={},
        created_at=created_at,
        updated_at=created_at,
    )


def map_commitment(
    engine: Engine, source: str, contract: str, discount: str = SAVINGS_PLAN
) -> None:
    """The source's commitment discount ``discount`` draws on ``contract``'s POs."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cost_account_mappings (source_id, account_kind, account_id, "
                "contract_id) SELECT :source, 'commitment_discount', :discount, id "
                "FROM contracts WHERE reference = :contract"
            ),
            {"source": source_id(engine, source), "discount": discount, "contract": contract},
        )


def at(day: int, hour: int = 12, month: int = 9) -> datetime:
    """An instant of 2024 (September unless told), UTC."""
    return datetime(2024, month, day, hour, tzinfo=UTC)
