"""The names poflow's workers and callers agree on in Temporal: workflow types, their Updates,
signals and queries, the activities, and the workflow ids built from business keys.

One table, so a name is found by search and spelled once: the activity and workflow definitions
take their names from here, and so does every caller (workflows, API, CLI, tests). Workflows
cannot import the activity modules (those reach the database), which is why activities are
named here rather than called by reference."""

from typing import Final


class WorkflowType:
    PURCHASE_ORDER: Final = "PurchaseOrder"
    RENEWAL: Final = "Renewal"
    TICKET_FEEDBACK: Final = "TicketFeedback"
    NOTIFICATION_DIGEST: Final = "NotificationDigest"
    ERP_STATUS_POLL: Final = "ErpStatusPoll"
    COST_LOAD: Final = "CostLoad"
    COST_FRESHNESS: Final = "CostFreshness"
    COST_REFRESH: Final = "CostRefresh"
    COST_DOCUMENT_REVIEW: Final = "CostDocumentReview"
    TAG_REMEDIATION: Final = "TagRemediation"
    DEPRECIATION_RUN: Final = "DepreciationRun"
    EXPENSE_SUMMARY: Final = "ExpenseSummary"
    VARIANCE_INVESTIGATION: Final = "VarianceInvestigation"
    VARIANCE_DETECTION: Final = "VarianceDetection"
    SPEND_ANOMALY: Final = "SpendAnomaly"
    SPEND_ANOMALY_DETECTION: Final = "SpendAnomalyDetection"
    MONTH_END_CLOSE: Final = "MonthEndClose"
    RECOMMENDATION_REVIEW: Final = "RecommendationReview"


class RemediationSignal:
    RECHECK: Final = "recheck"


class VarianceUpdate:
    """What a variance investigation takes: the owner's explanation, finance's review."""

    EXPLAIN: Final = "explain"
    REVIEW: Final = "review"


class ReviewSignal:
    """What a cost document's review is told: a newer version went in force."""

    SUPERSEDE: Final = "supersede"


class PoUpdate:
    """The Updates a purchase order takes (a renewal takes ``DECIDE`` too)."""

    DECIDE: Final = "decide"
    ANSWER_INFORMATION: Final = "answer_information"
    CANCEL: Final = "cancel"
    CHANGE_ORDER: Final = "change_order"
    RECORD_INVOICE: Final = "record_invoice"
    RECORD_RECEIPT: Final = "record_receipt"
    DECIDE_MILESTONE: Final = "decide_milestone"
    CALL_OFF: Final = "call_off"
    RETRY_STEP: Final = "retry_step"


class AnomalyUpdate:
    ACKNOWLEDGE: Final = "acknowledge"


class PoSignal:
    ERP_STATUS: Final = "erp_status"


class PoQuery:
    """The queries a purchase order answers (a renewal answers ``VIEW`` too)."""

    VIEW: Final = "view"
    RECORDED_CHANGES: Final = "recorded_events"


class CostLoadQuery:
    PROGRESS: Final = "progress"


class Activity:
    PREPARE_REQUISITION: Final = "prepare_requisition"
    ALLOCATE_PO_NUMBER: Final = "allocate_po_number"
    RESERVE_BUDGET: Final = "reserve_budget"
    COMMIT_BUDGET: Final = "commit_budget"
    RELEASE_BUDGET: Final = "release_budget"
    RELEASE_RESERVATION_BUDGET: Final = "release_reservation_budget"
    CHANGE_ORDER_BUDGET: Final = "change_order_budget"
    INVOICE_BUDGET: Final = "invoice_budget"
    PROJECT_PO_CHANGES: Final = "project_po_events"
    RECORD_EMERGENCY_EXCEPTION: Final = "record_emergency_exception"
    RECORD_AUDIT_EVENT: Final = "record_audit_event"
    ISSUE_TO_ERP: Final = "issue_to_erp"
    UPDATE_ITSM_TICKET: Final = "update_itsm_ticket"
    CHANGE_APPROVED: Final = "change_ticket_approved"
    SEND_NOTIFICATION: Final = "send_notification"
    SEND_NOTIFICATIONS: Final = "send_notifications"
    SEND_DIGESTS: Final = "send_digests"
    READ_ERP_EVENTS: Final = "read_erp_events"
    SAVE_ERP_CURSOR: Final = "save_erp_cursor"
    RENEW_CONTRACT: Final = "renew_contract"
    PO_CONSUMPTION: Final = "po_consumption"
    DISCOVER_COST_FILES: Final = "discover_cost_files"
    FETCH_COST_FILE: Final = "fetch_cost_file"
    INGEST_COST_FILE: Final = "ingest_cost_file"
    SWAP_IN_COST_LOADS: Final = "swap_in_cost_loads"
    ABANDON_COST_LOADS: Final = "abandon_cost_loads"
    RECONCILE_COST_LOADS: Final = "reconcile_cost_loads"
    BOOK_COST_ACTUALS: Final = "book_cost_actuals"
    NOTIFY_COST_OWNERS: Final = "notify_cost_owners"
    CHECK_COST_FRESHNESS: Final = "check_cost_freshness"
    COST_FILES_CURRENT: Final = "cost_files_current"
    DISCARD_FETCHED_COST_FILES: Final = "discard_fetched_cost_files"
    ROUTE_DOCUMENT_REVIEW: Final = "route_document_review"
    DECIDE_COST_DOCUMENT: Final = "decide_cost_document"
    PROJECT_GOVERNANCE_TASK: Final = "project_governance_task"
    OLDER_OPEN_REVIEWS: Final = "older_open_reviews"
    REMEDIATION_FINDINGS: Final = "remediation_findings"
    OPEN_REMEDIATIONS: Final = "open_remediations"
    BOOK_DEPRECIATION: Final = "book_depreciation"
    SEND_EXPENSE_SUMMARY: Final = "send_expense_summary"
    RECORD_EXPENSE_SUMMARY_UNDELIVERED: Final = "record_expense_summary_undelivered"
    VARIANCE_BREACHES: Final = "variance_breaches"
    VARIANCE_PARTIES: Final = "variance_parties"
    PROJECT_VARIANCE: Final = "project_variance"
    DETECT_SPEND_ANOMALIES: Final = "detect_spend_anomalies"
    ANOMALY_PARTIES: Final = "anomaly_parties"
    PROJECT_SPEND_ANOMALY: Final = "project_spend_anomaly"
    FIND_RECOMMENDATIONS: Final = "find_recommendations"
    OPEN_CLOSE: Final = "open_close"
    RECORD_CLOSE_STEP: Final = "record_close_step"
    DRAFT_ACCRUALS: Final = "draft_accruals"
    POST_CLOSE_JOURNAL: Final = "post_close_journal"
    EXPORT_CLOSE_JOURNAL: Final = "export_close_journal"
    RECONCILE_CLOSE: Final = "reconcile_close"


def workflow_id_for(po_number: str) -> str:
    """A PO's workflow id comes from its business key."""
    return f"po-{po_number}"


def itsm_workflow_id(ticket: str) -> str:
    """The PO workflow a ticket starts, from the ticket's own key, so a second delivery of the
    ticket starts nothing: ``po-itsm-<sys_id>`` for a ServiceNow requested item,
    ``po-itsm-<system>-<id>`` for the others."""
    system, _, key = ticket.partition(":")
    return f"po-itsm-{key}" if system == "servicenow" else f"po-itsm-{system}-{key}"


def renewal_workflow_id(po_number: str) -> str:
    """The renewal of a PO's contract: one per PO."""
    return f"renewal-{po_number}"


class CloseUpdate:
    """What a month-end close takes: finance's decision on its accrual journal."""

    DECIDE: Final = "decide_close"


def close_workflow_id(period: str) -> str:
    """A period's month-end close: one per period (``YYYY-MM``)."""
    return f"close-{period}"
