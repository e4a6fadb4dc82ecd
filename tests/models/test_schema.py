"""The migrations build the schema the models describe, and Postgres enforces its rules."""

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from models import Base, Contract, Vendor
from models.audit.trail import append_audit_entry


def test_migrations_match_the_models(connection: Connection) -> None:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_the_audit_trail_refuses_updates_and_deletes(owner_session: Session) -> None:
    session = owner_session  # even its owner, while the trigger is on
    append_audit_entry(session, _event("k-1"))
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


def test_a_vendor_status_outside_approved_and_blocked_is_refused(session: Session) -> None:
    with pytest.raises(IntegrityError):
        session.execute(
            text("INSERT INTO vendors (name, status, country) VALUES ('X', 'pending', 'DE')")
        )


def test_an_msa_cannot_end_before_it_starts(session: Session) -> None:
    vendor = Vendor(name="Acme", status="approved", country="DE")
    session.add(vendor)
    session.flush()
    session.add(
        Contract(
            vendor_id=vendor.id,
            reference="MSA-X",
            title="x",
            start_date=date(2026, 1, 1),
            end_date=date(2025, 12, 31),
            notice_days=30,
            auto_renew=False,
        )
    )
    with pytest.raises(IntegrityError, match="ends_after_start"):
        session.flush()


def _event(key: str) -> AuditEvent:
    return AuditEvent(
        occurred_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        actor="alex",
        action="requisition.submitted",
        entity_type="purchase_order",
        entity_id="PO-1",
        idempotency_key=key,
    )
