"""Preparing a requisition: validation against Postgres' reference data, the pinned policy, the
routing facts and the amount in base currency at a dated ECB rate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from adapters.ports import RatesPort
from domain.money import convert
from domain.purchase_order import Preparation, PrepareRequest
from domain.requisition import Requisition
from domain.routing import RoutingFacts
from domain.temporal_names import Activity
from domain.validation import CatalogPrice, FieldRefusal, ValidationOutcome
from models import Contract, Vendor
from models.db import unit_of_work
from models.purchase_orders.outlier_history import outlier_check
from models.purchase_orders.records import next_po_number
from models.purchase_orders.reference import (
    cost_center_owner,
    manager_chain,
    role_members,
    vendor_has_history,
)
from models.purchase_orders.requisition_check import check_requisition
from models.vendors.tax_codes import tax_code_for


class RequisitionActivities:
    """Reads what a requisition is checked against; writes nothing."""

    def __init__(self, sessions: sessionmaker[Session], rates: RatesPort, base_currency: str):
        self._sessions = sessions
        self._rates = rates
        self._base_currency = base_currency

    @activity.defn(name=Activity.PREPARE_REQUISITION)
    def prepare_requisition(self, request: PrepareRequest) -> Preparation:
        requisition = request.requisition
        with unit_of_work(self._sessions) as session:
            check = check_requisition(session, requisition, request.today)
            if not check.outcome.accepted:  # a path that skipped the check is refused here
                return Preparation(outcome=check.outcome, base_currency=self._base_currency)
            gl_account = _gl_account(requisition, check.catalog)
            if gl_account is None:
                return _refused(
                    "gl_account_present",
                    "gl_account",
                    "name a GL account or a catalog item that maps to one",
                )
            rate, rate_date = self._rates.rate(
                requisition.currency, self._base_currency, requisition.service_start
            )
            amount_base = convert(requisition.amount(), rate, self._base_currency).minor
            facts = _routing_facts(
                session, requisition, request.po_number, amount_base, self._base_currency
            )
            contract = session.scalar(
                select(Contract).where(Contract.reference == requisition.contract)
            )
            vendor = session.scalar(select(Vendor).where(Vendor.name == requisition.vendor))
            return Preparation(
                outcome=check.outcome,
                amount_base_minor=amount_base,
                base_currency=self._base_currency,
                rate=str(rate),
                rate_date=rate_date,
                gl_account=gl_account,
                policy_id=check.policy_id,
                policy=check.policy,
                facts=facts,
                contract_end=contract.end_date if contract else None,
                contract_notice_days=contract.notice_days if contract else 0,
                contract_auto_renew=contract.auto_renew if contract else False,
                vendor_email=vendor.email if vendor else None,
                tax_code=tax_code_for(session, vendor.country, requisition.service_type)
                if vendor
                else None,
            )


def _routing_facts(
    session: Session, requisition: Requisition, po_number: str, amount_base: int, base: str
) -> RoutingFacts:
    outlier = outlier_check(session, requisition, po_number, amount_base, base)
    return RoutingFacts(
        amount_base_minor=amount_base,
        over_budget=False,
        new_vendor=not vendor_has_history(session, requisition.vendor, po_number),
        cost_center_owner=cost_center_owner(session, requisition.cost_center) or "",
        manager_chain=manager_chain(session, requisition.requester),
        role_members=role_members(session),
        anomaly_score=outlier.score,
        anomaly_reason=outlier.reason,
    )


def _gl_account(requisition: Requisition, catalog: tuple[CatalogPrice, ...]) -> str | None:
    """The requisition's GL account, or the one its first catalog line maps to."""
    if requisition.gl_account:
        return requisition.gl_account
    skus = {line.catalog_sku for line in requisition.lines if line.catalog_sku}
    return next((item.gl_account for item in catalog if item.sku in skus), None)


def _refused(rule: str, field: str, message: str) -> Preparation:
    return Preparation(outcome=ValidationOutcome((FieldRefusal(rule, field, message),), ()))


class PoNumberActivities:
    """Hands out PO numbers from the Postgres sequence (for renewals started by a workflow)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @activity.defn(name=Activity.ALLOCATE_PO_NUMBER)
    def allocate_po_number(self) -> str:
        with unit_of_work(self._sessions) as session:
            return next_po_number(session)
