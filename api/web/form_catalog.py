"""What the requisition form offers, read from Postgres: vendors, each vendor's MSAs, each MSA's
priced catalog items, and the active cost centers, projects and GL accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog import ServiceType, VendorStatus
from domain.money import Money
from models import CatalogItem, Contract, CostCenter, GlAccount, Project, Vendor


@dataclass(frozen=True)
class CatalogEntry:
    contract: str
    sku: str
    description: str
    unit: str
    price: Money
    service_type: ServiceType
    gl_account: str


@dataclass(frozen=True)
class FormCatalog:
    """What the form offers: vendors, each vendor's MSAs, each MSA's priced items, and the
    active cost centers, projects and GL accounts."""

    vendors: list[tuple[str, VendorStatus]]
    contracts: dict[str, list[tuple[str, str]]]  # vendor -> [(MSA reference, title)]
    items: dict[str, list[CatalogEntry]]  # MSA reference -> its catalog
    cost_centers: list[tuple[str, str]]
    projects: list[tuple[str, str, str]]  # code, name, cost center
    gl_accounts: list[tuple[str, str]]

    @property
    def currencies(self) -> list[str]:
        priced = {entry.price.currency for items in self.items.values() for entry in items}
        return sorted(priced | {"EUR"})

    def item(self, contract: str, sku: str) -> CatalogEntry | None:
        """The item with ``sku`` under ``contract``, else under any MSA (the rules then say it
        is not in the chosen MSA's catalog)."""
        entries = [entry for items in self.items.values() for entry in items if entry.sku == sku]
        return next((e for e in entries if e.contract == contract), entries[0] if entries else None)


def form_catalog(session: Session) -> FormCatalog:
    vendors = session.execute(select(Vendor.name, Vendor.status).order_by(Vendor.name)).all()
    contracts: dict[str, list[tuple[str, str]]] = {}
    for vendor, reference, title in session.execute(
        select(Vendor.name, Contract.reference, Contract.title)
        .join(Vendor, Vendor.id == Contract.vendor_id)
        .order_by(Vendor.name, Contract.reference)
    ):
        contracts.setdefault(vendor, []).append((reference, title))
    items: dict[str, list[CatalogEntry]] = {}
    for item, reference, gl in session.execute(
        select(CatalogItem, Contract.reference, GlAccount.code)
        .join(Contract, Contract.id == CatalogItem.contract_id)
        .join(GlAccount, GlAccount.id == CatalogItem.gl_account_id)
        .order_by(Contract.reference, CatalogItem.description)
    ).tuples():
        price = Money(item.msa_unit_price_minor, item.currency)
        entry = CatalogEntry(
            reference, item.sku, item.description, item.unit, price, item.service_type, gl
        )
        items.setdefault(reference, []).append(entry)
    centers = select(CostCenter.code, CostCenter.name).where(CostCenter.active)
    projects = (
        select(Project.code, Project.name, CostCenter.code)
        .join(CostCenter, CostCenter.id == Project.cost_center_id)
        .where(Project.active)
    )
    accounts = select(GlAccount.code, GlAccount.name).where(GlAccount.active)
    return FormCatalog(
        vendors=[(name, status) for name, status in vendors],
        contracts=contracts,
        items=items,
        cost_centers=[tuple(row) for row in session.execute(centers.order_by(CostCenter.code))],
        projects=[tuple(row) for row in session.execute(projects.order_by(Project.code))],
        gl_accounts=[tuple(row) for row in session.execute(accounts.order_by(GlAccount.code))],
    )
