"""The close's tables: one run per period, its journal lines (accrual and reversal, stored
once each), every attempt to export a journal to the ERP, and the GL differences found."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    String,
    Table,
    Text,
    func,
)

from models.base import Base

_STATUSES = (
    "'waiting_for_period_end', 'drafted', 'awaiting_approval', 'approved', 'export_pending', "
    "'exported', 'reversed', 'rejected'"
)

close_runs = Table(
    "close_runs",
    Base.metadata,
    Column("period", String(7), primary_key=True),
    Column("status", String(30), nullable=False),
    Column("started_by", String(80), nullable=False),
    Column("liabilities_gl", String(20), nullable=False),
    Column("approved_by", String(80)),
    Column("decided_at", DateTime(timezone=True)),
    Column("comment", Text, nullable=False, server_default=""),
    Column("accrual_erp_reference", String(120)),
    Column("reversal_erp_reference", String(120)),
    Column("reconciled_at", DateTime(timezone=True)),
    Column("started_at", DateTime(timezone=True), server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), server_default=func.now()),
    CheckConstraint(f"status IN ({_STATUSES})", name="status_is_known"),
)

close_journal_lines = Table(
    "close_journal_lines",
    Base.metadata,
    Column("period", String(7), ForeignKey("close_runs.period"), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("posted_on", Date, nullable=False),
    Column("gl_account", String(20), nullable=False),
    Column("cost_center", String(40), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("debit_minor", BigInteger, nullable=False),
    Column("credit_minor", BigInteger, nullable=False),
    Column("memo", String(300), nullable=False, server_default=""),
    CheckConstraint("kind IN ('accrual', 'reversal')", name="kind_is_known"),
    CheckConstraint(
        "debit_minor >= 0 AND credit_minor >= 0 AND (debit_minor = 0 OR credit_minor = 0)",
        name="one_side",
    ),
)

close_export_attempts = Table(
    "close_export_attempts",
    Base.metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("period", String(7), ForeignKey("close_runs.period"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("erp_reference", String(120)),
    Column("detail", Text, nullable=False, server_default=""),
    Column("attempted_at", DateTime(timezone=True), server_default=func.now()),
)

close_gl_differences = Table(
    "close_gl_differences",
    Base.metadata,
    Column("period", String(7), ForeignKey("close_runs.period"), primary_key=True),
    Column("cost_center", String(40), primary_key=True),
    Column("gl_account", String(20), primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("ledger_minor", BigInteger, nullable=False),
    Column("erp_minor", BigInteger, nullable=False),
)
