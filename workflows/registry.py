"""Every workflow the worker runs, and the data converter every client and worker shares."""

from __future__ import annotations

from workflows.digest import NotificationDigestWorkflow
from workflows.erp_status_poll import ErpStatusPollWorkflow
from workflows.payloads import DATA_CONVERTER
from workflows.purchase_order import PurchaseOrderWorkflow
from workflows.renewal import RenewalWorkflow
from workflows.ticket_feedback import TicketFeedbackWorkflow

WORKFLOWS: list[type] = [
    PurchaseOrderWorkflow,
    RenewalWorkflow,
    TicketFeedbackWorkflow,
    NotificationDigestWorkflow,
    ErpStatusPollWorkflow,
]

__all__ = ["DATA_CONVERTER", "WORKFLOWS"]
