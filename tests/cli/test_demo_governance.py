"""The demo's governed documents (tag policy, allocation model, unit-cost model, rate card) pass
their kinds' rules against the demo organisation, so `make run` can put each in force."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cli.demo_governance import (
    ALLOCATION_MODEL,
    DEMO_TAG_POLICY,
    RECEIVERS,
    rate_card,
    unit_cost_model,
)
from cli.seed import load_demo_data
from domain.costs.governance import DocumentKind
from models.costs.document_store import document_errors
from models.people.accounts import find_user
from services.costs.allocation import record_drivers
from settings import Settings

PERIOD = "2026-10"


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (DocumentKind.TAG_POLICY, DEMO_TAG_POLICY),
        (DocumentKind.ALLOCATION_MODEL, ALLOCATION_MODEL),
        (DocumentKind.UNIT_COST_MODEL, unit_cost_model(PERIOD)),
        (DocumentKind.RATE_CARD, rate_card(PERIOD)),
    ],
)
def test_each_demo_document_passes_its_rules_in_the_demo_org(
    sessions: sessionmaker[Session],
    session: Session,
    kind: DocumentKind,
    document: dict[str, object],
) -> None:
    settings = Settings(_env_file=None, fiscal_year_start_month=4, base_currency="EUR")
    load_demo_data(sessions, settings, date(2026, 11, 23))
    fiona = find_user(session, "fiona")
    assert fiona is not None
    record_drivers(session, PERIOD, "headcount", RECEIVERS, fiona)
    assert document_errors(session, kind, document) == []
