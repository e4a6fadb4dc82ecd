"""What the app holds for its lifetime: settings, the database engine, the Temporal client."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client

from settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class AppRuntime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    temporal: Client
    templates: Jinja2Templates
