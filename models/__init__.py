"""Postgres tables (SQLAlchemy 2, typed), queries and Alembic migrations."""

from models.audit import AuditEntry
from models.base import Base
from models.budgets import BudgetAlert, BudgetLine
from models.digest_items import DigestItem
from models.erp_events import ErpFeedCursor, ErpStatusRow
from models.governance import DelegationRow, EmergencyException, IdempotencyKey
from models.itsm import ItsmDelivery, ItsmTicket
from models.ledger import LedgerEntry
from models.links import UsedLink
from models.notification_preferences import NotificationPreference
from models.org import CostCenter, GlAccount, Project
from models.outbound import BuiltinErpOrder, OutboundMessage
from models.people import ApiToken, User, UserRole
from models.policies import ApprovalPolicy
from models.purchase_orders import ApprovalDecision, PurchaseOrder
from models.tax_codes import TaxCode
from models.vendors import CatalogItem, Contract, Vendor

__all__ = [
    "ApiToken",
    "ApprovalDecision",
    "ApprovalPolicy",
    "AuditEntry",
    "Base",
    "BudgetAlert",
    "BudgetLine",
    "BuiltinErpOrder",
    "CatalogItem",
    "Contract",
    "CostCenter",
    "DelegationRow",
    "DigestItem",
    "EmergencyException",
    "ErpFeedCursor",
    "ErpStatusRow",
    "GlAccount",
    "IdempotencyKey",
    "ItsmDelivery",
    "ItsmTicket",
    "LedgerEntry",
    "NotificationPreference",
    "OutboundMessage",
    "Project",
    "PurchaseOrder",
    "TaxCode",
    "UsedLink",
    "User",
    "UserRole",
    "Vendor",
]
