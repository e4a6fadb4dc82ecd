"""Reading what the rules need from Postgres: reference data, routing facts, the active policy."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.catalog import Role
from domain.policy import Policy
from domain.policy_document import build_policy
from domain.requisition import Requisition
from domain.validation import CatalogPrice, ContractFacts, ReferenceData, VendorFacts
from models import ApprovalPolicy, CatalogItem, Contract, CostCenter, GlAccount, Project, Vendor
from models.people.records import User, UserRole


def reference_data(session: Session, requisition: Requisition) -> ReferenceData:
    """Everything ``validate_requisition`` looks at, as of now."""
    vendor = session.scalar(select(Vendor).where(Vendor.name == requisition.vendor))
    contract_row = session.scalar(
        select(Contract).where(Contract.reference == requisition.contract)
    )
    contract = None
    if contract_row is not None:
        owner = session.get(Vendor, contract_row.vendor_id)
        contract = ContractFacts(
            reference=contract_row.reference,
            vendor=owner.name if owner else "",
            start_date=contract_row.start_date,
            end_date=contract_row.end_date,
            notice_days=contract_row.notice_days,
            auto_renew=contract_row.auto_renew,
        )
    return ReferenceData(
        requester_active=_active_user(session, requisition.requester) is not None,
        vendor=VendorFacts(vendor.name, vendor.status) if vendor else None,
        contract=contract,
        catalog=catalog_prices(session, contract_row.id) if contract_row else (),
        cost_center_active=bool(
            session.scalar(
                select(CostCenter.active).where(CostCenter.code == requisition.cost_center)
            )
        ),
        project_cost_center=_project_cost_center(session, requisition.project),
        gl_account_active=_gl_active(session, requisition.gl_account),
    )


def catalog_prices(session: Session, contract_id: int) -> tuple[CatalogPrice, ...]:
    rows = session.execute(
        select(CatalogItem, Contract.reference, GlAccount.code)
        .join(Contract, Contract.id == CatalogItem.contract_id)
        .join(GlAccount, GlAccount.id == CatalogItem.gl_account_id)
        .where(CatalogItem.contract_id == contract_id)
    ).all()
    return tuple(
        CatalogPrice(
            contract=reference,
            sku=item.sku,
            unit_price_minor=item.msa_unit_price_minor,
            currency=item.currency,
            service_type=item.service_type,
            gl_account=gl,
        )
        for item, reference, gl in rows
    )


def manager_chain(session: Session, username: str, depth: int = 5) -> tuple[str, ...]:
    chain: list[str] = []
    user = _active_user(session, username)
    while user is not None and user.manager_id is not None and len(chain) < depth:
        user = session.get(User, user.manager_id)
        if user is None or user.username in chain:
            break
        chain.append(user.username)
    return tuple(chain)


def role_members(
    session: Session, roles: Iterable[Role] = tuple(Role)
) -> dict[str, tuple[str, ...]]:
    rows = session.execute(
        select(UserRole.role, User.username)
        .join(User, User.id == UserRole.user_id)
        .where(User.active.is_(True), UserRole.role.in_(list(roles)))
        .order_by(User.username)
    ).all()
    members: dict[str, list[str]] = {}
    for role, username in rows:
        members.setdefault(str(role), []).append(username)
    return {role: tuple(names) for role, names in members.items()}


def cost_center_owner(session: Session, code: str) -> str | None:
    return session.scalar(
        select(User.username)
        .join(CostCenter, CostCenter.owner_id == User.id)
        .where(CostCenter.code == code)
    )


def active_policy(session: Session) -> ApprovalPolicy | None:
    """The policy in force: the version stored last."""
    return session.scalars(
        select(ApprovalPolicy).order_by(ApprovalPolicy.id.desc()).limit(1)
    ).first()


def policy_in_force(session: Session) -> Policy | None:
    """The policy in force, parsed; None before any policy is stored."""
    stored = active_policy(session)
    if stored is None:
        return None
    return build_policy(stored.name, stored.version, stored.document)


def vendor_has_history(session: Session, vendor: str, before_po: str) -> bool:
    """Whether the vendor had an issued PO before; a vendor without one is new."""
    from models.purchase_orders.records import PurchaseOrder

    count = session.scalar(
        select(func.count())
        .select_from(PurchaseOrder)
        .where(
            PurchaseOrder.vendor == vendor,
            PurchaseOrder.po_number != before_po,
            PurchaseOrder.erp_reference.is_not(None),
        )
    )
    return bool(count)


def _active_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username, User.active.is_(True)))


def _project_cost_center(session: Session, project: str | None) -> str | None:
    if project is None:
        return None
    return session.scalar(
        select(CostCenter.code)
        .join(Project, Project.cost_center_id == CostCenter.id)
        .where(Project.code == project)
    )


def _gl_active(session: Session, code: str | None) -> bool | None:
    if code is None:
        return None
    return bool(session.scalar(select(GlAccount.active).where(GlAccount.code == code)))
