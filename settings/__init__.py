"""Typed settings for every poflow entry point.

Built at the entry point (CLI command, worker, app factory), never at import time. Each field is
read from the environment as ``POFLOW_<FIELD>`` (a ``.env`` file in the working directory is read
too); the database URL is also read from plain ``DATABASE_URL``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from settings.cost_files import CostFileSettings, CostFileStores
from settings.outside_systems import OutsideSystemSettings, SmtpSettings

DEFAULT_SECRET_KEY = "poflow-development-secret-change-me"  # noqa: S105 - refused in production


class Settings(OutsideSystemSettings, CostFileSettings):
    """Everything poflow reads from its environment, with the defaults a laptop needs."""

    model_config = SettingsConfigDict(
        env_prefix="POFLOW_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `POFLOW_ERP_URL=` (as compose passes an unset one) is unset
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(
        default=Path(".poflow"),
        description="Where the embedded Postgres and the Temporal dev server keep their data.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("POFLOW_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL of Postgres; unset starts the embedded server.",
    )
    migration_database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("POFLOW_MIGRATION_DATABASE_URL"),
        description="SQLAlchemy URL of the role that owns the tables and runs migrations; unset "
        "is DATABASE_URL (one role for all). With the embedded server, the server's superuser "
        "migrates and the app and worker connect as the role app_database_role.",
    )
    app_database_role: str = Field(
        default="poflow_app",
        description="The embedded server's role for the app and worker (no superuser, no owner): "
        "`poflow migrate` creates it and grants it what poflow needs.",
    )
    database_pool_size: int = Field(
        default=20,
        ge=1,
        description="Connections the web app keeps open to Postgres, and as many more at a peak; "
        "a request may hold two at once, so keep it at least the expected concurrent requests.",
    )
    connect_timeout_seconds: int = Field(
        default=3,
        ge=1,
        le=60,
        description="How long the web app tries to reach Postgres or Temporal for a request "
        "before it answers 503 with Retry-After.",
    )
    max_request_bytes: int = Field(
        default=1_048_576,
        ge=65_536,
        description="The largest request body the web app reads; a larger one answers 413.",
    )
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "poflow"
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535)
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    demo_simulators: bool = Field(
        default=True,
        description="`poflow up` starts simulators of the ERP, ServiceNow, Slack/Teams and a "
        "mail server, and points poflow at them unless their settings are given.",
    )
    simulators_port: int = Field(default=8400, ge=1, le=65535)
    public_url: str | None = Field(
        default=None, description="Base URL used in links sent to people; defaults to the API."
    )
    base_currency: str = "EUR"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    budget_alert_percents: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [80, 100],
        description="Percents of a budget line that raise an alert, comma-separated.",
    )
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    old_secret_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Earlier secret keys, comma-separated: links signed with them still open "
        "while they are rotated out; new links are signed with secret_key only.",
    )
    audit_checkpoint_dir: Path | None = Field(
        default=None,
        description="Where signed checkpoints of the audit trail's head are written (keep it "
        "out of the database's reach); unset is <data_dir>/audit-checkpoints.",
    )
    audit_checkpoint_minutes: int = Field(
        default=15,
        ge=0,
        description="How often the worker writes an audit checkpoint; 0 writes none.",
    )
    link_max_age_hours: int = Field(
        default=72, ge=1, description="How long a signed decision link in an e-mail stays valid."
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="OpenID Connect issuer, e.g. https://login.example.org/realms/it (its "
        "discovery document is <issuer>/.well-known/openid-configuration); with oidc_client_id "
        "set, people sign in with their company account.",
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_username_claim: str = Field(
        default="preferred_username",
        description="The ID-token claim that holds the poflow username.",
    )

    @field_validator("base_currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha() or not value.isupper():
            raise ValueError("must be an ISO 4217 code of three capital letters, e.g. EUR")
        return value

    @field_validator("old_secret_keys", "budget_alert_percents", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("budget_alert_percents")
    @classmethod
    def _percents(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= percent <= 1000 for percent in value):
            raise ValueError("must be whole percents between 1 and 1000, e.g. 80,100")
        return sorted(set(value))

    @model_validator(mode="after")
    def _production_needs_own_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise ValueError(
                "POFLOW_SECRET_KEY must be set to a random value of 32+ characters in production"
            )
        return self

    @property
    def app_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def checkpoint_dir(self) -> Path:
        return self.audit_checkpoint_dir or self.data_dir / "audit-checkpoints"

    def signing_keys(self) -> list[str]:
        """The secret key, then the rotated-out ones (still accepted when checking)."""
        return [key.get_secret_value() for key in (self.secret_key, *self.old_secret_keys)]

    @property
    def smtp(self) -> SmtpSettings:
        return SmtpSettings(
            self.smtp_host, self.smtp_port, self.smtp_sender, self.app_url, self.link_max_age_hours
        )

    @property
    def cost_files(self) -> CostFileStores:
        return self.cost_file_stores(self.data_dir)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def temporal_ui_url(self) -> str:
        host = self.temporal_address.rsplit(":", 1)[0]
        return f"http://{host}:{self.temporal_ui_port}"


def environment_names() -> set[str]:
    """Every environment variable name the settings read (for deployment files and checks)."""
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
        else:
            names.add(f"POFLOW_{field_name.upper()}")
    return names


def configure_logging() -> None:
    """How poflow's processes log: INFO with time, level and logger name (`poflow up` shows
    the warnings and errors). httpx logs every request at INFO (each chat post and ERP call);
    it logs warnings only."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
