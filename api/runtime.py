"""What the app holds for its lifetime: settings, the database engine, the Temporal client."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from activities.notification_router import NotificationRouter
from api.notification_channels import build_notifications
from services.runtime import ServiceRuntime
from settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class AppRuntime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    temporal: Client
    templates: Jinja2Templates

    @property
    def services(self) -> ServiceRuntime:
        """What the services need from the app, for those that work in their own transactions."""
        return ServiceRuntime(self.sessions, self.settings, self.temporal)

    @cached_property
    def notifications(self) -> NotificationRouter:
        """Each person's chosen channels, for what the app tells people outside any workflow."""
        return build_notifications(self.sessions, self.settings)
