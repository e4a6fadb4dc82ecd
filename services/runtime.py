"""What a service that works in transactions of its own needs: the session factory, the
settings and the Temporal client."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from settings import Settings


@dataclass(frozen=True)
class ServiceRuntime:
    sessions: sessionmaker[Session]
    settings: Settings
    temporal: Client
