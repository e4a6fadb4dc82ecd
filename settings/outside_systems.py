"""The settings of the outside systems poflow speaks to (mail relay, ERP, ITSM tools, chat),
and the small settings each of their clients is built with: a client receives its own, never
the whole ``Settings``. The environment variable names are ``POFLOW_<FIELD>`` as for every
setting (docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings


@dataclass(frozen=True)
class SmtpSettings:
    """The mail relay (none: notifications are recorded only), the sender, and where the links
    in an e-mail point and for how long."""

    host: str | None
    port: int
    sender: str
    app_url: str
    link_max_age_hours: int


@dataclass(frozen=True)
class ErpSettings:
    """An ERP at ``url``, spoken to in JSON REST or cXML."""

    url: str
    token: str
    protocol: Literal["rest", "cxml"]
    timeout_seconds: float
    buyer_identity: str
    supplier_identity: str
    poll_minutes: int


@dataclass(frozen=True)
class ServiceNowSettings:
    url: str
    user: str
    password: str


@dataclass(frozen=True)
class JiraSettings:
    url: str
    email: str
    api_token: str


@dataclass(frozen=True)
class GlpiSettings:
    url: str
    app_token: str
    user_token: str


@dataclass(frozen=True)
class ChatSettings:
    """The incoming-webhook URLs of the chat channels; unset ones are not posted to."""

    slack_webhook_url: str | None = None
    teams_webhook_url: str | None = None


class OutsideSystemSettings(BaseSettings):
    """The outside systems' fields of ``Settings``; each unset system is left out (the ERP is
    then the built-in one, mail is recorded only)."""

    smtp_host: str | None = Field(
        default=None, description="Mail relay for notifications; unset records them only."
    )
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_sender: str = "poflow@example.org"
    erp_url: str | None = Field(
        default=None,
        description="Root of the ERP's purchase-order REST API (e.g. https://erp/api/v1); "
        "unset keeps the built-in ERP that records in Postgres.",
    )
    erp_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for erp_url (REST), or the cXML SharedSecret (cxml).",
    )
    erp_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long one call to the ERP may take; a timed-out issue is retried and "
        "finds the order the ERP committed, so it is never created twice.",
    )
    erp_poll_minutes: int = Field(
        default=0,
        ge=0,
        description="0: the ERP reports status changes to poflow's webhook; N: poflow reads the "
        "REST ERP's event feed every N minutes instead.",
    )
    erp_protocol: Literal["rest", "cxml"] = Field(
        default="rest",
        description="How poflow speaks to erp_url: the JSON REST API, or cXML OrderRequest "
        "documents POSTed to erp_url.",
    )
    erp_buyer_identity: str = Field(
        default="poflow", description="cXML: the From and Sender credential identity."
    )
    erp_supplier_identity: str = Field(
        default="erp", description="cXML: the To credential identity (the supplier or ERP)."
    )
    erp_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Key of the HMAC-SHA256 signature (X-Erp-Signature) on the ERP's status "
        "deliveries to /api/erp/events; unset refuses them.",
    )
    servicenow_url: str | None = Field(
        default=None,
        description="ServiceNow instance (e.g. https://acme.service-now.com): requested items "
        "are read and written back through its Table API.",
    )
    servicenow_user: str | None = None
    servicenow_password: SecretStr | None = None
    servicenow_inbound_secret: SecretStr | None = Field(
        default=None,
        description="What ServiceNow's outbound REST message sends as X-Poflow-Secret (or, with "
        "servicenow_inbound_user set, as the basic-auth password); unset refuses deliveries.",
    )
    servicenow_inbound_user: str | None = None
    jira_url: str | None = Field(
        default=None, description="Jira Service Management site, e.g. https://acme.atlassian.net."
    )
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_webhook_secret: SecretStr | None = Field(
        default=None,
        description="The secret of the Jira webhook (X-Hub-Signature); unset refuses deliveries.",
    )
    jira_fields: dict[str, str] = Field(
        default_factory=dict,
        description='Requisition variable -> Jira field id, as JSON: {"cost_center": '
        '"customfield_10050", ...}; unmapped variables are read from fields of the same name.',
    )
    glpi_url: str | None = Field(
        default=None, description="GLPI REST API root, e.g. https://glpi.example.org/apirest.php."
    )
    glpi_app_token: SecretStr | None = None
    glpi_user_token: SecretStr | None = None
    glpi_webhook_secret: SecretStr | None = Field(
        default=None,
        description="The secret GLPI signs webhooks with (HMAC-SHA256); unset refuses deliveries.",
    )
    slack_webhook_url: str | None = None
    teams_webhook_url: str | None = None

    @property
    def erp(self) -> ErpSettings | None:
        if not self.erp_url:
            return None
        return ErpSettings(
            url=self.erp_url,
            token=_secret(self.erp_token),
            protocol=self.erp_protocol,
            timeout_seconds=self.erp_timeout_seconds,
            buyer_identity=self.erp_buyer_identity,
            supplier_identity=self.erp_supplier_identity,
            poll_minutes=self.erp_poll_minutes,
        )

    @property
    def servicenow(self) -> ServiceNowSettings | None:
        if not (self.servicenow_url and self.servicenow_user):
            return None
        password = _secret(self.servicenow_password)
        return ServiceNowSettings(self.servicenow_url, self.servicenow_user, password)

    @property
    def jira(self) -> JiraSettings | None:
        if not (self.jira_url and self.jira_email):
            return None
        return JiraSettings(self.jira_url, self.jira_email, _secret(self.jira_api_token))

    @property
    def glpi(self) -> GlpiSettings | None:
        if not self.glpi_url:
            return None
        tokens = _secret(self.glpi_app_token), _secret(self.glpi_user_token)
        return GlpiSettings(self.glpi_url, *tokens)

    @property
    def chats(self) -> ChatSettings:
        return ChatSettings(self.slack_webhook_url, self.teams_webhook_url)


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value else ""
