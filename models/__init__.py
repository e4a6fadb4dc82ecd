"""Postgres tables (SQLAlchemy 2, typed), queries and Alembic migrations."""

from models.audit import AuditEntry
from models.base import Base
from models.budgets import BudgetAlert, BudgetLine
from models.governance import DelegationRow, EmergencyException, IdempotencyKey
from models.ledger import LedgerEntry
from models.links import UsedLink
from models.org import CostCenter, GlAccount, Project
from models.outbound import ErpOrder, OutboundMessage
from models.people import ApiToken, User, UserRole
from models.policies import ApprovalPolicy
from models.purchase_orders import ApprovalDecision, PurchaseOrder
from models.vendors import CatalogItem, Contract, Vendor

__all__ = [
    "ApiToken",
    "ApprovalDecision",
    "ApprovalPolicy",
    "AuditEntry",
    "Base",
    "BudgetAlert",
    "BudgetLine",
    "CatalogItem",
    "Contract",
    "CostCenter",
    "DelegationRow",
    "EmergencyException",
    "ErpOrder",
    "GlAccount",
    "IdempotencyKey",
    "LedgerEntry",
    "OutboundMessage",
    "Project",
    "PurchaseOrder",
    "UsedLink",
    "User",
    "UserRole",
    "Vendor",
]
