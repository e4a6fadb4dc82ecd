"""Spend-anomaly detection over the roll-ups of a real FOCUS export with one day of its EC2
account multiplied tenfold: the account and the service are found on that day only, with the
cost center's owner; spend paid without a PO is found for the month; a second run finds
nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.costs.anomalies import AnomalyActivities
from api.web.charts import band_chart
from domain.costs.spend_anomalies import AnomalyStart, DetectionRequest, anomaly_workflow_id
from models.costs.anomaly_records import SpendAnomaly
from models.db import build_engine, session_factory
from services.costs.anomalies import series_picture
from tests.builders.spend_anomalies import ACCOUNT, EC2, SPIKE, SpikedSample, load_spiked_sample
from tests.conftest import app_role_url, fresh_database

SEPTEMBER = DetectionRequest(date(2024, 9, 1), date(2024, 9, 30))


@pytest.fixture(scope="module")
def spiked(
    postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SpikedSample, sessionmaker[Session]]]:
    url = app_role_url(fresh_database(postgres_admin_url, "poflow_anomaly_detection_test"))
    engine = build_engine(url, pool_size=2)
    sample = load_spiked_sample(engine, Path(tmp_path_factory.mktemp("spiked")))
    yield sample, session_factory(engine)
    engine.dispose()


def _findings(sessions: sessionmaker[Session]) -> list[SpendAnomaly]:
    with sessions() as session:
        return list(session.scalars(select(SpendAnomaly).order_by(SpendAnomaly.id)))


def test_the_multiplied_day_is_found_on_its_account_and_service_with_its_owner(
    spiked: tuple[SpikedSample, sessionmaker[Session]],
) -> None:
    sample, sessions = spiked
    detection = AnomalyActivities(sessions)
    found = ActivityEnvironment().run(detection.detect_spend_anomalies, SEPTEMBER)
    rows = _findings(sessions)
    runaway = {(r.kind, r.series_key, r.day) for r in rows if r.kind in ("account", "service")}
    assert runaway == {("account", ACCOUNT, SPIKE), ("service", EC2, SPIKE)}
    for row in rows:
        if row.kind in ("account", "service"):
            assert row.owner == sample.owner and row.source == sample.source
            assert row.actual_minor > row.upper_minor >= row.expected_minor
            assert row.impact_minor == row.actual_minor - row.expected_minor
            assert row.score is not None and row.score >= 3.5
    no_po = [r for r in rows if r.kind == "no_po"]
    assert no_po and all(r.day == date(2024, 9, 1) and r.owner is None for r in no_po)
    assert {f.workflow_id for f in found.waiting} == {
        anomaly_workflow_id(r.kind, r.series_key, r.day) for r in rows
    }
    assert found.series > 2 and f"account {ACCOUNT}" not in found.too_little_history
    assert all(k.split(" ")[0] in ("account", "service") for k in found.too_little_history)

    again = ActivityEnvironment().run(detection.detect_spend_anomalies, SEPTEMBER)
    assert again == found and len(_findings(sessions)) == len(rows)

    account = next(r for r in rows if r.kind == "account")
    parties = ActivityEnvironment().run(detection.anomaly_parties, AnomalyStart(account.id))
    assert (parties.owner, parties.manager, parties.finops) == (
        sample.owner,
        sample.manager,
        (sample.finops,),
    )
    assert ACCOUNT in parties.title and parties.period == "2024-09"


def test_the_finding_page_draws_the_series_with_the_band_it_left(
    spiked: tuple[SpikedSample, sessionmaker[Session]],
) -> None:
    _, sessions = spiked
    ActivityEnvironment().run(AnomalyActivities(sessions).detect_spend_anomalies, SEPTEMBER)
    with sessions() as session:
        account = session.scalars(select(SpendAnomaly).where(SpendAnomaly.kind == "account")).one()
        picture = series_picture(session, account)
    assert picture is not None and SPIKE in picture.days
    spike = picture.days.index(SPIKE)
    assert picture.band[spike] == (account.lower_minor, account.upper_minor)
    assert picture.actual[spike] == account.actual_minor > account.upper_minor
    assert all(low <= high < account.actual_minor for low, high in picture.band)
    # three weeks before the day, and the days after it the month holds
    assert (picture.days[0], picture.days[-1]) == (SPIKE - timedelta(21), date(2024, 9, 30))
    svg = band_chart(
        [str(d) for d in picture.days], picture.actual, picture.band, title="t", currency="USD"
    )
    assert svg.startswith("<svg") and f"{SPIKE} " in svg
