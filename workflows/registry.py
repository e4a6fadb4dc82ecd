"""Every workflow the worker runs, and how it runs them (the data converter every client and
worker shares is ``temporal_client.converter``)."""

from __future__ import annotations

from temporalio.worker import UnsandboxedWorkflowRunner

from workflows.close import MonthEndCloseWorkflow
from workflows.costs.anomaly_detection import SpendAnomalyDetectionWorkflow
from workflows.costs.document_review import DocumentReviewWorkflow
from workflows.costs.load import CostLoadWorkflow
from workflows.costs.recommendation_review import RecommendationReviewWorkflow
from workflows.costs.refresh import CostFreshnessWorkflow, CostRefreshWorkflow
from workflows.costs.remediation import TagRemediationWorkflow
from workflows.costs.spend_anomaly import SpendAnomalyWorkflow
from workflows.depreciation import DepreciationRunWorkflow
from workflows.digest import NotificationDigestWorkflow
from workflows.erp_status_poll import ErpStatusPollWorkflow
from workflows.expense_summary import ExpenseSummaryWorkflow
from workflows.purchase_order import PurchaseOrderWorkflow
from workflows.renewal import RenewalWorkflow
from workflows.ticket_feedback import TicketFeedbackWorkflow
from workflows.variance_detection import VarianceDetectionWorkflow
from workflows.variance_investigation import VarianceInvestigationWorkflow

WORKFLOWS: list[type] = [
    PurchaseOrderWorkflow,
    RenewalWorkflow,
    TicketFeedbackWorkflow,
    NotificationDigestWorkflow,
    ErpStatusPollWorkflow,
    CostLoadWorkflow,
    CostRefreshWorkflow,
    CostFreshnessWorkflow,
    DocumentReviewWorkflow,
    TagRemediationWorkflow,
    DepreciationRunWorkflow,
    ExpenseSummaryWorkflow,
    VarianceInvestigationWorkflow,
    VarianceDetectionWorkflow,
    SpendAnomalyWorkflow,
    SpendAnomalyDetectionWorkflow,
    MonthEndCloseWorkflow,
    RecommendationReviewWorkflow,
]

# Workflows run outside Temporal's sandbox. The sandbox re-imports a workflow's module for every
# run and steps into it for every payload: 15 % of the worker's CPU under load. It guards only
# the modules it re-imports, while poflow's workflow logic sits in modules it passes through;
# tests/workflows/test_determinism.py checks all of them, and committed histories replay.
WORKFLOW_RUNNER = UnsandboxedWorkflowRunner()

__all__ = ["WORKFLOWS", "WORKFLOW_RUNNER"]
