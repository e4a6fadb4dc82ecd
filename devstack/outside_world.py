"""The outside world of the demo, in one process on loopback: the ERP (REST), ServiceNow (Table
API), Jira Service Management, GLPI, Slack and Teams (incoming webhooks) and a mail server.
``poflow up`` starts it and points the worker and the web app at it, so a new user sees the
whole flow with no real system: raise a requested item in "ServiceNow", approve it in poflow,
and watch the write-back, the ERP order, the mails and the chat messages arrive on the
simulators' page.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.runtime import TEMPLATES_DIR
from devstack import SetupError
from devstack.mail_view import mail_entry
from devstack.simulators.chat import ChatChannel, chat_simulator_app
from devstack.simulators.erp import ErpBook, erp_simulator_app
from devstack.simulators.glpi import GlpiInstance, glpi_simulator_app
from devstack.simulators.jira import JiraSite, jira_simulator_app
from devstack.simulators.servicenow import ServiceNowInstance, servicenow_simulator_app
from devstack.simulators.smtp import MailInbox
from devstack.tcp_ports import port_in_use
from devstack.world_file import WorldFile
from settings import Settings

log = logging.getLogger(__name__)

# What the demo's systems accept from poflow, and what poflow accepts from them.
ERP_TOKEN = "demo-erp-token"  # noqa: S105 - the simulator's own, for the demo only
ERP_WEBHOOK_SECRET = "demo-erp-webhook-secret"  # noqa: S105
SERVICENOW_USER = "poflow.integration"
SERVICENOW_PASSWORD = "demo-servicenow-password"  # noqa: S105
SERVICENOW_INBOUND_SECRET = "demo-servicenow-outbound-secret"  # noqa: S105
JIRA_EMAIL = "poflow@example.org"
JIRA_API_TOKEN = "demo-jira-api-token"  # noqa: S105
JIRA_WEBHOOK_SECRET = "demo-jira-webhook-secret"  # noqa: S105
GLPI_APP_TOKEN = "demo-glpi-app-token"  # noqa: S105
GLPI_USER_TOKEN = "demo-glpi-user-token"  # noqa: S105
GLPI_WEBHOOK_SECRET = "demo-glpi-webhook-secret"  # noqa: S105
# The demo Jira site's request form: requisition variable -> custom field.
JIRA_FIELDS = {
    name: f"customfield_{10050 + number}"
    for number, name in enumerate(
        (
            "cost_center",
            "vendor",
            "contract",
            "catalog_sku",
            "service_type",
            "quantity",
            "unit_price",
            "currency",
            "service_start",
            "service_end",
            "business_case_ref",
            "change_ticket",
        )
    )
}
ERP_STALL_SECONDS = 15.0  # longer than the ERP adapter waits for an answer


@dataclass
class OutsideWorld:
    """What the simulated systems hold, and where poflow listens."""

    poflow_url: str
    erp: ErpBook = field(default_factory=lambda: ErpBook(token=ERP_TOKEN))
    servicenow: ServiceNowInstance = field(
        default_factory=lambda: ServiceNowInstance(SERVICENOW_USER, SERVICENOW_PASSWORD)
    )
    jira: JiraSite = field(default_factory=lambda: JiraSite(JIRA_EMAIL, JIRA_API_TOKEN))
    glpi: GlpiInstance = field(
        default_factory=lambda: GlpiInstance(GLPI_APP_TOKEN, GLPI_USER_TOKEN)
    )
    chat: ChatChannel = field(default_factory=ChatChannel)
    mail: MailInbox = field(default_factory=MailInbox)
    deliveries: list[str] = field(default_factory=list)
    next_item: int = 10_001
    file: WorldFile | None = None  # where it is kept between runs; None: in memory only
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self) -> None:
        """Save what the simulators hold, when they are kept in a file."""
        if self.file is not None:
            self.file.save(self)

    def raise_requested_item(self, today: date, times: int) -> str:
        """A requested item as alex would order it from the catalog, approved, and the outbound
        REST message sent ``times`` times (a Business Rule that fires twice); its sys_id."""
        with self._lock:
            number = f"RITM{self.next_item:07d}"
            self.next_item += 1
        start = today + timedelta(days=10)
        sys_id = self.servicenow.add_requested_item(
            number,
            "Developer suite for the support team",
            "alex",
            "alex@example.org",
            demo_variables(start),
        )
        for _ in range(times):
            try:
                answer = self.servicenow.deliver_approved_item(
                    sys_id, self.poflow_url, SERVICENOW_INBOUND_SECRET
                )
            except httpx.HTTPError as error:
                # As an instance's outbound REST message would, it logs the failure and moves on.
                self.deliveries.append(f"{number}: poflow did not answer ({error!r})")
                continue
            self.deliveries.append(f"{number}: poflow answered {answer.status_code} {answer.text}")
        return sys_id

    def state(self) -> dict[str, Any]:
        """Everything the simulators received, for the page and for checks."""
        items = self.servicenow.tables["sc_req_item"]
        return {
            "erp_orders": list(self.erp.orders.values()),
            "erp_creates_received": self.erp.creates_received,
            "erp_journals": list(self.erp.journals.values()),
            "requested_items": [
                {**item, "work_notes": self.servicenow.work_notes(sys_id)}
                for sys_id, item in items.items()
            ],
            "mails": [mail_entry(message) for message in self.mail.messages],
            "chat": [{"service": p.service, "payload": p.payload} for p in self.chat.received],
            "deliveries": list(self.deliveries),
        }


def demo_variables(start: date) -> dict[str, str]:
    return {
        "vendor": "Contoso Software",
        "contract": "MSA-CS-01",
        "catalog_sku": "CS-DEVSUITE",
        "service_type": "saas_subscription",
        "quantity": "60",
        "unit_price": "540.00",
        "currency": "USD",
        "cost_center": "IT-APPS",
        "service_start": start.isoformat(),
        "service_end": (start + timedelta(days=364)).isoformat(),
        "business_case_ref": "BC-2026-512",
    }


def outside_world_app(world: OutsideWorld) -> FastAPI:
    """The simulators under one roof (``/erp``, ``/servicenow``, ``/jira``, ``/glpi``,
    ``/chat``) and a page that
    shows what they received, with the demo's buttons."""
    app = FastAPI(title="poflow demo: the outside world")
    app.mount("/erp", erp_simulator_app(world.erp))
    app.mount("/servicenow", servicenow_simulator_app(world.servicenow))
    app.mount("/jira", jira_simulator_app(world.jira))
    app.mount("/glpi", glpi_simulator_app(world.glpi))
    app.mount("/chat", chat_simulator_app(world.chat))
    pages = Jinja2Templates(directory=TEMPLATES_DIR / "outside")

    @app.middleware("http")
    async def remembered(request: Request, call_next: Any) -> Any:
        # Whatever a request changed (an order, a ticket, a chat post) survives a restart.
        response = await call_next(request)
        if request.method not in ("GET", "HEAD"):
            world.remember()
        return response

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> HTMLResponse:
        context = {"state": world.state(), "poflow_url": world.poflow_url}
        return pages.TemplateResponse(request, "world.html", context)

    @app.get("/state.json")
    def state() -> dict[str, Any]:
        return world.state()

    @app.post("/demo/requested-items")
    def requested_item(times: int = Form(2, ge=1, le=5)) -> RedirectResponse:
        world.raise_requested_item(date.today(), times)
        return RedirectResponse("/", status_code=303)

    @app.post("/demo/erp/stall")
    def stall() -> RedirectResponse:
        world.erp.stall_after_commit = ERP_STALL_SECONDS
        return RedirectResponse("/", status_code=303)

    @app.post("/demo/erp/orders/{order_id}/advance")
    def advance(order_id: str, status: str = Form()) -> RedirectResponse:
        world.erp.advance(order_id, status)
        return RedirectResponse("/", status_code=303)

    return app


def poflow_environment(world_url: str, smtp_port: int) -> dict[str, str]:
    """The settings that point poflow's worker and web app at the outside world."""
    return {
        "POFLOW_ERP_URL": f"{world_url}/erp/api/v1",
        "POFLOW_ERP_TOKEN": ERP_TOKEN,
        "POFLOW_ERP_WEBHOOK_SECRET": ERP_WEBHOOK_SECRET,
        "POFLOW_SERVICENOW_URL": f"{world_url}/servicenow",
        "POFLOW_SERVICENOW_USER": SERVICENOW_USER,
        "POFLOW_SERVICENOW_PASSWORD": SERVICENOW_PASSWORD,
        "POFLOW_SERVICENOW_INBOUND_SECRET": SERVICENOW_INBOUND_SECRET,
        "POFLOW_JIRA_URL": f"{world_url}/jira",
        "POFLOW_JIRA_EMAIL": JIRA_EMAIL,
        "POFLOW_JIRA_API_TOKEN": JIRA_API_TOKEN,
        "POFLOW_JIRA_WEBHOOK_SECRET": JIRA_WEBHOOK_SECRET,
        "POFLOW_JIRA_FIELDS": json.dumps(JIRA_FIELDS),
        "POFLOW_GLPI_URL": f"{world_url}/glpi/apirest.php",
        "POFLOW_GLPI_APP_TOKEN": GLPI_APP_TOKEN,
        "POFLOW_GLPI_USER_TOKEN": GLPI_USER_TOKEN,
        "POFLOW_GLPI_WEBHOOK_SECRET": GLPI_WEBHOOK_SECRET,
        "POFLOW_SMTP_HOST": "127.0.0.1",
        "POFLOW_SMTP_PORT": str(smtp_port),
        "POFLOW_SLACK_WEBHOOK_URL": f"{world_url}/chat/slack/services/T0/B0/demo",
        "POFLOW_TEAMS_WEBHOOK_URL": f"{world_url}/chat/teams/workflows/demo",
    }


class RememberingInbox:
    """The world's inbox as an SMTP handler that saves the world after each mail."""

    def __init__(self, world: OutsideWorld) -> None:
        self.world = world

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        answer = await self.world.mail.handle_DATA(server, session, envelope)
        self.world.remember()
        return answer


def start_mail_server(inbox: MailInbox | RememberingInbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def connect_erp_events(world: OutsideWorld) -> None:
    """The ERP reports status changes to poflow's webhook, signed."""
    world.erp.callback_url = f"{world.poflow_url.rstrip('/')}/api/erp/events"
    world.erp.callback_secret = ERP_WEBHOOK_SECRET


def serve(settings: Settings) -> None:
    """Run the outside world until stopped: the simulators' HTTP side on ``simulators_port``,
    the mail server on ``smtp_port``."""
    for port, what in ((settings.simulators_port, "simulators"), (settings.smtp_port, "mail")):
        if port_in_use("127.0.0.1", port):
            raise SetupError(f"port {port} ({what}) on 127.0.0.1 is already in use")
    world = OutsideWorld(settings.app_url, file=WorldFile(world_file_path(settings)))
    if world.file is not None and world.file.load_into(world):
        log.info("the simulators carry on from %s", world.file.path)
    connect_erp_events(world)
    mail_server = start_mail_server(RememberingInbox(world), settings.smtp_port)
    try:
        uvicorn.run(outside_world_app(world), host="127.0.0.1", port=settings.simulators_port)
    finally:
        mail_server.stop()


def world_file_path(settings: Settings) -> Path:
    """Where ``poflow simulators`` keeps what the simulators hold, in the data folder."""
    return settings.data_dir / "simulators.json"


def world_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.simulators_port}"
