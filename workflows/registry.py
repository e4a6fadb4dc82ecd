"""Every workflow the worker runs, and the data converter every client and worker shares."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter

from workflows.digest import NotificationDigestWorkflow
from workflows.erp_status_poll import ErpStatusPollWorkflow
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

# Dataclasses with dates, enums and nested chains travel as JSON through pydantic.
DATA_CONVERTER = pydantic_data_converter
