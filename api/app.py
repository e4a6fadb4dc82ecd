"""The app factory: one FastAPI app per process, built from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.guards import ErrorBoundary, RequestGuard
from api.openapi import declare_problems
from api.routes import (
    after_issue,
    allocations,
    anomalies,
    assets,
    audit,
    budgets,
    chargeback,
    close,
    cost_centers,
    cost_documents,
    cost_sources,
    costs,
    dashboard,
    delegations,
    erp_events,
    forecasts,
    health,
    inbox,
    invoices,
    itsm,
    me,
    milestones,
    org,
    policies,
    purchase_orders,
    recommendations,
    remediations,
    reports,
    requisitions,
    shadow_it,
    sla,
    tag_governance,
    variances,
)
from api.runtime import TEMPLATES_DIR, AppRuntime
from api.web import (
    admin_pages,
    allocation_pages,
    anomaly_pages,
    audit_pages,
    auth_pages,
    chargeback_pages,
    close_pages,
    cost_pages,
    cost_source_actions,
    cost_source_pages,
    dashboard_pages,
    delegation_pages,
    document_pages,
    document_proposal_page,
    document_review_page,
    forecast_pages,
    inbox_page,
    landing,
    link_pages,
    oidc,
    org_pages,
    po_page,
    policy_pages,
    preference_pages,
    recommendation_pages,
    remediation_page,
    report_pages,
    requisition_pages,
    summary_page,
    tag_compliance_pages,
    variance_pages,
)
from api.web import errors as web_errors
from api.web.navigation import page_templates
from models.db import build_engine, session_factory
from settings import Settings
from temporal_client.connection import connect


def create_app(settings: Settings, database_url: str) -> FastAPI:
    """The web app and JSON API; Postgres and Temporal are connected at start-up, lazily, so the
    app serves ``/healthz`` and reports on ``/readyz`` even while one of them is down, and
    answers 503 (``Retry-After``) to what needs one then."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        size, patience = settings.database_pool_size, settings.connect_timeout_seconds
        engine = build_engine(
            database_url,
            pool_size=size,
            max_overflow=size,
            connect_timeout=patience,
            pool_timeout=patience,
        )
        temporal = await connect(settings, lazy=True, give_up=True)
        app.state.runtime = AppRuntime(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            temporal=temporal,
            templates=page_templates(),
        )
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="poflow",
        summary="Durable purchase-order approvals and IT spend control",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(ErrorBoundary)  # innermost: its error pages read the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="poflow_session",
        same_site="lax",
        https_only=settings.environment == "production",
        max_age=12 * 3600,
    )
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_request_bytes)
    app.mount("/static", StaticFiles(directory=TEMPLATES_DIR / "static"), name="static")
    web_errors.install(app)
    for router in (
        health.router,
        me.router,
        requisitions.router,
        purchase_orders.router,
        after_issue.router,
        milestones.router,
        invoices.router,
        inbox.router,
        policies.router,
        delegations.router,
        audit.router,
        reports.router,
        budgets.router,
        budgets.ledger_router,
        cost_centers.router,
        costs.router,
        cost_sources.router,
        cost_documents.router,
        tag_governance.router,
        allocations.router,
        chargeback.router,
        chargeback.unit_costs_router,
        remediations.router,
        variances.router,
        org.router,
        assets.router,
        shadow_it.router,
        anomalies.router,
        itsm.router,
        erp_events.router,
        close.router,
        auth_pages.router,
        oidc.router,
        landing.router,
        inbox_page.router,
        audit_pages.router,
        po_page.router,
        link_pages.router,
        delegation_pages.router,
        preference_pages.router,
        admin_pages.router,
        policy_pages.router,
        requisition_pages.router,
        report_pages.router,
        summary_page.router,
        cost_pages.router,
        chargeback_pages.router,
        close_pages.router,
        cost_source_pages.router,
        cost_source_actions.router,
        tag_compliance_pages.router,
        allocation_pages.router,
        document_review_page.router,
        document_proposal_page.router,
        document_pages.router,
        remediation_page.router,
        variance_pages.router,
        org_pages.router,
        dashboard.router,
        dashboard_pages.router,
        anomaly_pages.router,
        forecasts.router,
        forecast_pages.router,
        recommendations.router,
        recommendation_pages.router,
        sla.router,
    ):
        app.include_router(router)
    declare_problems(app)
    return app
