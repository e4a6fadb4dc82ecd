"""The worker's composition root: builds the real adapters from settings, registers workflows and
activities on the task queue, and runs until stopped. It is given its database URL and Temporal
client (``poflow worker`` finds both, starting the embedded Postgres when DATABASE_URL is unset),
so it imports nothing of the development stack."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.worker import Worker

from activities.audit import AuditActivities, AuditCheckpoints
from activities.budget import BudgetActivities
from activities.close import CloseActivities
from activities.contracts import ContractActivities
from activities.costs.actuals import CostActualsActivities
from activities.costs.anomalies import AnomalyActivities
from activities.costs.discover import CostFileDiscovery
from activities.costs.document_review import DocumentReviewActivities
from activities.costs.fetch import CostFileFetching
from activities.costs.freshness import CostFreshness
from activities.costs.ingest import CostLoadActivities
from activities.costs.notify import CostOwnerNotices
from activities.costs.recommendations import RecommendationActivities
from activities.costs.reconcile import CostReconcileActivities
from activities.costs.remediation import RemediationActivities
from activities.depreciation import DepreciationActivities
from activities.digest import DigestActivities
from activities.erp_status import ErpStatusActivities
from activities.expense_summary import ExpenseSummaryActivities
from activities.failures import FailureClassifier
from activities.notification_router import NotificationRouter
from activities.outbound import OutboundActivities
from activities.projection import ProjectionActivities
from activities.requisitions import PoNumberActivities, RequisitionActivities
from activities.variances import VarianceActivities
from adapters.checkpoint_files import CheckpointDirectory
from adapters.ecb_rates import EcbRates
from adapters.erp_cxml import CxmlErp
from adapters.erp_events import NoEventFeed
from adapters.erp_journals import NoJournals, RestErpJournals
from adapters.erp_rest import RestErp
from adapters.expense_summary_mail import ExpenseSummaryMailer
from adapters.glpi import GlpiApi
from adapters.itsm_router import ItsmRouter
from adapters.jira_sm import JiraServiceManagement
from adapters.ports import ErpJournalPort, ErpPort, ItsmPort
from adapters.servicenow import ServiceNowTable
from api.notification_channels import build_notifications
from models.costs.expense_subscriptions import active_subscriptions
from models.costs.source_files import all_sources
from models.db import build_engine, session_factory
from models.integrations.builtin_erp import PostgresErp
from models.integrations.outbox import PostgresOutbox
from settings import Settings
from settings.outside_systems import ErpSettings
from workflows import search_attributes
from workflows.close_schedule import ensure_close_schedule
from workflows.costs.anomaly_schedule import ensure_anomaly_schedule
from workflows.costs.recommendation_schedule import ensure_review_schedule
from workflows.costs.schedules import ensure_cost_schedules
from workflows.depreciation_schedule import ensure_depreciation_schedule
from workflows.digest_schedule import ensure_digest_schedule
from workflows.erp_status_poll import ensure_erp_poll_schedule
from workflows.expense_summary_schedule import ensure_summary_schedules
from workflows.registry import WORKFLOW_RUNNER, WORKFLOWS
from workflows.variance_schedule import ensure_detection_schedule

log = logging.getLogger("poflow.worker")

# What the worker takes on at once. A workflow task stays open while its local activities run
# (Postgres work and messages), so the worker takes no more workflow tasks than its threads can
# serve promptly: under a burst, the rest wait in Temporal's task queue, where no timeout runs,
# instead of timing out half-done in the worker. Each activity has a thread of its own.
WORKFLOW_TASKS = 20
MAX_LOCAL_ACTIVITIES = 16
MAX_ACTIVITIES = 8


def build_activities(
    sessions: sessionmaker[Session], settings: Settings
) -> list[Callable[..., Any]]:
    """Every activity, bound to its ports as the settings configure them (ERP, ITSM tools,
    e-mail and chat); exchange rates are the ECB's."""
    outbox = PostgresOutbox(sessions)
    notifications = build_notifications(sessions, settings)
    requisitions = RequisitionActivities(sessions, EcbRates(), settings.base_currency)
    budget = BudgetActivities(
        sessions,
        settings.fiscal_year_start_month,
        notifications,
        settings.budget_alert_percents,
    )
    projection = ProjectionActivities(sessions)
    erp = build_erp(sessions, settings.erp)
    outbound = OutboundActivities(erp, build_itsm(outbox, settings), notifications)
    erp_status = ErpStatusActivities(sessions, erp if isinstance(erp, RestErp) else NoEventFeed())
    variances = VarianceActivities(
        sessions, settings.base_currency, settings.fiscal_year_start_month
    )
    return [
        *build_cost_activities(sessions, settings, notifications),
        AuditActivities(sessions).record_audit_event,
        ContractActivities(sessions).renew_contract,
        ContractActivities(sessions).po_consumption,
        requisitions.prepare_requisition,
        PoNumberActivities(sessions).allocate_po_number,
        budget.reserve_budget,
        budget.commit_budget,
        budget.release_budget,
        budget.release_reservation_budget,
        budget.change_order_budget,
        budget.invoice_budget,
        projection.project_po_events,
        projection.record_emergency_exception,
        outbound.issue_to_erp,
        outbound.update_itsm_ticket,
        outbound.change_ticket_approved,
        outbound.send_notification,
        outbound.send_notifications,
        DigestActivities(notifications).send_digests,
        DepreciationActivities(
            sessions, settings.base_currency, settings.fiscal_year_start_month
        ).book_depreciation,
        erp_status.read_erp_events,
        erp_status.save_erp_cursor,
        *build_summary_activities(sessions, settings),
        variances.variance_breaches,
        variances.variance_parties,
        variances.project_variance,
        *build_close_activities(sessions, settings),
    ]


def build_summary_activities(
    sessions: sessionmaker[Session], settings: Settings
) -> list[Callable[..., Any]]:
    """The mailed expense summary's: over SMTP when a relay is set, else recorded undelivered."""
    mailer = ExpenseSummaryMailer(settings.smtp) if settings.smtp.host else None
    summaries = ExpenseSummaryActivities(
        sessions, mailer, settings.base_currency, settings.fiscal_year_start_month
    )
    return [summaries.send_expense_summary, summaries.record_expense_summary_undelivered]


def build_cost_activities(
    sessions: sessionmaker[Session], settings: Settings, notifications: NotificationRouter
) -> list[Callable[..., Any]]:
    """The cost loads' activities: the stores' files, their ingest, swap and abandon,
    reconciliation and actuals, and the owners' messages; the month's recommendations."""
    stores = settings.cost_files
    fetching = CostFileFetching(sessions, stores)
    notices = CostOwnerNotices(sessions, notifications)
    actuals = CostActualsActivities(
        sessions,
        settings.base_currency,
        settings.fiscal_year_start_month,
        notifications,
        settings.budget_alert_percents,
    )
    return [
        *CostLoadActivities(_engine_of(sessions), EcbRates().rate).all(),
        CostReconcileActivities(sessions).reconcile_cost_loads,
        actuals.book_cost_actuals,
        CostFileDiscovery(sessions, stores).discover_cost_files,
        fetching.fetch_cost_file,
        fetching.cost_files_current,
        fetching.discard_fetched_cost_files,
        notices.notify_cost_owners,
        CostFreshness(sessions, notices).check_cost_freshness,
        RecommendationActivities(sessions).find_recommendations,
        *_governance_activities(sessions),
    ]


def _governance_activities(sessions: sessionmaker[Session]) -> list[Callable[..., Any]]:
    """Change control of governed cost documents, tag remediation, and the inbox tasks they
    show."""
    review = DocumentReviewActivities(sessions)
    remediation = RemediationActivities(sessions)
    return [
        review.route_document_review,
        review.decide_cost_document,
        review.older_open_reviews,
        review.project_governance_task,
        remediation.remediation_findings,
        remediation.open_remediations,
        *_anomaly_activities(sessions),
    ]


def _anomaly_activities(sessions: sessionmaker[Session]) -> list[Callable[..., Any]]:
    """Spend-anomaly detection and its escalation runs."""
    anomalies = AnomalyActivities(sessions)
    return [
        anomalies.detect_spend_anomalies,
        anomalies.anomaly_parties,
        anomalies.project_spend_anomaly,
    ]


def build_close_activities(
    sessions: sessionmaker[Session], settings: Settings
) -> list[Callable[..., Any]]:
    """The month-end close's activities, over the ERP's general ledger when it has one."""
    close = CloseActivities(
        sessions,
        build_erp_journals(settings.erp),
        settings.base_currency,
        settings.fiscal_year_start_month,
    )
    return [
        close.open_close,
        close.record_close_step,
        close.draft_accruals,
        close.post_close_journal,
        close.export_close_journal,
        close.reconcile_close,
    ]


def build_erp_journals(erp: ErpSettings | None) -> ErpJournalPort:
    """The REST ERP takes journals and exports its GL; cXML and the built-in ERP have none."""
    if erp is None:
        return NoJournals("the built-in ERP keeps no general ledger: set erp_url to a REST ERP")
    if erp.protocol == "cxml":
        return NoJournals("cXML carries purchase orders only, no journal or GL export")
    return RestErpJournals(erp.url, erp.token, timeout_seconds=erp.timeout_seconds)


def _engine_of(sessions: sessionmaker[Session]) -> Engine:
    """The engine the sessions use (or whose connection they are bound to): ingest COPYs on
    connections of its own."""
    bind = sessions.kw["bind"]
    return bind if isinstance(bind, Engine) else bind.engine


def build_erp(sessions: sessionmaker[Session], erp: ErpSettings | None) -> ErpPort:
    """The ERP at ``erp_url`` (REST or cXML); without one, the built-in one in Postgres."""
    if erp is None:
        return PostgresErp(sessions)
    token, timeout = erp.token, erp.timeout_seconds
    if erp.protocol == "cxml":
        buyer, supplier = erp.buyer_identity, erp.supplier_identity
        return CxmlErp(erp.url, buyer, supplier, buyer, token, timeout_seconds=timeout)
    return RestErp(erp.url, token, timeout_seconds=timeout)


def build_itsm(outbox: PostgresOutbox, settings: Settings) -> ItsmPort:
    """Each configured ITSM tool writes back to its own tickets; tickets of no configured tool
    are recorded in the outbox only."""
    systems: dict[str, ItsmPort] = {}
    servicenow, jira, glpi = settings.servicenow, settings.jira, settings.glpi
    if servicenow is not None:
        systems["servicenow"] = ServiceNowTable(
            servicenow.url, servicenow.user, servicenow.password
        )
    if jira is not None:
        systems["jira"] = JiraServiceManagement(jira.url, jira.email, jira.api_token)
    if glpi is not None:
        systems["glpi"] = GlpiApi(glpi.url, glpi.app_token, glpi.user_token)
    return ItsmRouter(systems, outbox)


async def register_search_attributes(
    client: Client, namespace: str, keys: Sequence[SearchAttributeKey[Any]]
) -> list[str]:
    """Add poflow's custom search attributes the namespace lacks; return the names added."""
    from temporalio.api.operatorservice.v1 import (
        AddSearchAttributesRequest,
        ListSearchAttributesRequest,
    )

    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        k.name: k.indexed_value_type for k in keys if k.name not in listing.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)  # type: ignore[arg-type]
        )
    return sorted(missing)


def build_worker(client: Client, settings: Settings, sessions: sessionmaker[Session]) -> Worker:
    activities = build_activities(sessions, settings)
    worker = Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities,
        activity_executor=ThreadPoolExecutor(max_workers=MAX_LOCAL_ACTIVITIES + MAX_ACTIVITIES),
        max_concurrent_workflow_tasks=WORKFLOW_TASKS,
        max_concurrent_local_activities=MAX_LOCAL_ACTIVITIES,
        max_concurrent_activities=MAX_ACTIVITIES,
        graceful_shutdown_timeout=timedelta(seconds=15),
        workflow_runner=WORKFLOW_RUNNER,
        interceptors=[FailureClassifier()],
    )
    log.info(
        "registered on task queue %r: workflows [%s]; activities [%s]",
        settings.temporal_task_queue,
        ", ".join(w.__name__ for w in WORKFLOWS),
        ", ".join(sorted(a.__name__ for a in activities)),
    )
    return worker


async def run(settings: Settings, database_url: str, client: Client) -> None:
    """Serve the task queue on Postgres at ``database_url`` until SIGINT or SIGTERM."""
    added = await register_search_attributes(
        client, settings.temporal_namespace, search_attributes.ALL
    )
    if added:
        log.info("added search attributes: %s", ", ".join(added))
    await ensure_digest_schedule(client, settings.temporal_task_queue)
    await ensure_depreciation_schedule(client, settings.temporal_task_queue)
    await ensure_detection_schedule(client, settings.temporal_task_queue)
    await ensure_anomaly_schedule(client, settings.temporal_task_queue)
    await ensure_close_schedule(client, settings.temporal_task_queue)
    await ensure_review_schedule(client, settings.temporal_task_queue)
    erp = settings.erp
    if erp is not None and erp.poll_minutes and erp.protocol == "rest":
        await ensure_erp_poll_schedule(client, settings.temporal_task_queue, erp.poll_minutes)
    # No ping before each transaction: an activity on a dropped connection fails and Temporal
    # retries it, which costs less than a round trip in every one of them.
    engine = build_engine(database_url, pool_size=16, pre_ping=False)
    stop = asyncio.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(stop_signal, stop.set)
    sessions = session_factory(engine)
    with sessions() as session:
        sources = all_sources(session)
    await ensure_cost_schedules(client, settings.temporal_task_queue, sources)
    with sessions() as session:
        subscribed = [(s.username, s.frequency, s.day) for s in active_subscriptions(session)]
    await ensure_summary_schedules(client, settings.temporal_task_queue, subscribed)
    anchoring = _anchor_audit_trail(sessions, settings)
    try:
        async with build_worker(client, settings, sessions):
            await stop.wait()
            log.info("stopping: finishing running activities first")
    finally:
        if anchoring is not None:
            anchoring.cancel()
        engine.dispose()


def _anchor_audit_trail(
    sessions: sessionmaker[Session], settings: Settings
) -> asyncio.Task[None] | None:
    """Signed checkpoints of the audit trail's head every ``audit_checkpoint_minutes``."""
    if not settings.audit_checkpoint_minutes:
        return None
    key = settings.signing_keys()[0]
    writer = AuditCheckpoints(sessions, CheckpointDirectory(settings.checkpoint_dir), key)
    return asyncio.create_task(write_audit_checkpoints(writer, settings.audit_checkpoint_minutes))


async def write_audit_checkpoints(writer: AuditCheckpoints, minutes: int) -> None:
    """A checkpoint at start and every ``minutes`` when the head moved; a write that fails is
    logged and tried again at the next turn."""
    while True:
        try:
            written = await asyncio.to_thread(writer.write_if_moved)
            if written is not None:
                log.info(
                    "audit checkpoint of entry %s written to %s", written[0].sequence, written[1]
                )
        except Exception:
            log.exception("audit checkpoint not written; trying again in %s minutes", minutes)
        await asyncio.sleep(minutes * 60)
