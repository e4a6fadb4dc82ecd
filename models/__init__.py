"""Postgres tables (SQLAlchemy 2, typed), queries and Alembic migrations."""

from models.audit.entries import AuditEntry
from models.base import Base
from models.budgets.fixed_assets import FixedAsset
from models.budgets.ledger import LedgerEntry
from models.budgets.lines import BudgetAlert, BudgetLine
from models.budgets.org import CostCenter, GlAccount, ItService, Project
from models.budgets.org_records import OrgVersion, OrgVersionCenter, OrgVersionPerson
from models.budgets.variance_investigations import VarianceInvestigationRow
from models.close import records as close_records  # noqa: F401  (its tables join the metadata)
from models.costs.allocation_records import AllocationAmount, AllocationDriver, AllocationRun
from models.costs.anomaly_records import SpendAnomaly
from models.costs.card_transactions import CardTransaction
from models.costs.chargeback_records import ChargebackCharge, ChargebackStatement
from models.costs.expense_subscriptions import ExpenseSubscription, ExpenseSummaryDelivery
from models.costs.governance_tasks import GovernanceTaskRow
from models.costs.governed_documents import CostDocument
from models.costs.lines import cost_lines
from models.costs.recommendation_records import CostRecommendation
from models.costs.records import (
    CostAccountMapping,
    CostDaily,
    CostInvoiceTotal,
    CostLoad,
    CostLoadFile,
    CostReconciliation,
    CostSlice,
    CostSource,
    CostSourceOwner,
    QuarantinedLine,
)
from models.costs.tag_snapshots import TagSnapshot
from models.costs.virtual_tags import VirtualTag
from models.forecasts.records import ForecastAdjustment
from models.integrations.digest_items import DigestItem
from models.integrations.erp_events import ErpFeedCursor, ErpStatusRow
from models.integrations.itsm import ItsmDelivery, ItsmTicket
from models.integrations.outbound import BuiltinErpOrder, OutboundMessage
from models.people.notification_preferences import NotificationPreference
from models.people.records import ApiToken, User, UserRole
from models.purchase_orders.governance import DelegationRow, EmergencyException, IdempotencyKey
from models.purchase_orders.links import UsedLink
from models.purchase_orders.milestone_decisions import PoMilestoneDecision
from models.purchase_orders.policies import ApprovalPolicy
from models.purchase_orders.receipts import PoReceipt
from models.purchase_orders.records import ApprovalDecision, PurchaseOrder
from models.purchase_orders.sla_records import SlaAvailability, SlaCredit, SlaIncident
from models.purchase_orders.vendor_invoices import VendorInvoice, VendorInvoiceLine
from models.vendors.records import CatalogItem, Contract, Vendor
from models.vendors.tax_codes import TaxCode

__all__ = [
    "AllocationAmount",
    "AllocationDriver",
    "AllocationRun",
    "ApiToken",
    "ApprovalDecision",
    "ApprovalPolicy",
    "AuditEntry",
    "Base",
    "BudgetAlert",
    "BudgetLine",
    "BuiltinErpOrder",
    "CardTransaction",
    "CatalogItem",
    "ChargebackCharge",
    "ChargebackStatement",
    "Contract",
    "CostAccountMapping",
    "CostCenter",
    "CostDaily",
    "CostDocument",
    "CostInvoiceTotal",
    "CostLoad",
    "CostLoadFile",
    "CostRecommendation",
    "CostReconciliation",
    "CostSlice",
    "CostSource",
    "CostSourceOwner",
    "DelegationRow",
    "DigestItem",
    "EmergencyException",
    "ErpFeedCursor",
    "ErpStatusRow",
    "ExpenseSubscription",
    "ExpenseSummaryDelivery",
    "FixedAsset",
    "ForecastAdjustment",
    "GlAccount",
    "GovernanceTaskRow",
    "IdempotencyKey",
    "ItService",
    "ItsmDelivery",
    "ItsmTicket",
    "LedgerEntry",
    "NotificationPreference",
    "OrgVersion",
    "OrgVersionCenter",
    "OrgVersionPerson",
    "OutboundMessage",
    "PoMilestoneDecision",
    "PoReceipt",
    "Project",
    "PurchaseOrder",
    "QuarantinedLine",
    "SlaAvailability",
    "SlaCredit",
    "SlaIncident",
    "SpendAnomaly",
    "TagSnapshot",
    "TaxCode",
    "UsedLink",
    "User",
    "UserRole",
    "VarianceInvestigationRow",
    "Vendor",
    "VendorInvoice",
    "VendorInvoiceLine",
    "VirtualTag",
    "cost_lines",
]
