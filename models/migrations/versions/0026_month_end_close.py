"""Month-end close: a run per period, its journal lines (accrual and reversal), its export
attempts to the ERP and its GL reconciliation differences.

Revision ID: 0026_month_end_close
Revises: 0025_forecast_adjustments
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_month_end_close"
down_revision: str | None = "0025_forecast_adjustments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = (
    "'waiting_for_period_end', 'drafted', 'awaiting_approval', 'approved', 'export_pending', "
    "'exported', 'reversed', 'rejected'"
)


def upgrade() -> None:
    op.create_table(
        "close_runs",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("started_by", sa.String(length=80), nullable=False),
        sa.Column("liabilities_gl", sa.String(length=20), nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("accrual_erp_reference", sa.String(length=120), nullable=True),
        sa.Column("reversal_erp_reference", sa.String(length=120), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_close_runs_status_is_known")),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_close_runs")),
    )
    op.create_table(
        "close_journal_lines",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("gl_account", sa.String(length=20), nullable=False),
        sa.Column("cost_center", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("debit_minor", sa.BigInteger(), nullable=False),
        sa.Column("credit_minor", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=300), nullable=False, server_default=""),
        sa.CheckConstraint(
            "kind IN ('accrual', 'reversal')", name=op.f("ck_close_journal_lines_kind_is_known")
        ),
        sa.CheckConstraint(
            "debit_minor >= 0 AND credit_minor >= 0 AND (debit_minor = 0 OR credit_minor = 0)",
            name=op.f("ck_close_journal_lines_one_side"),
        ),
        sa.ForeignKeyConstraint(
            ["period"], ["close_runs.period"], name=op.f("fk_close_journal_lines_period_close_runs")
        ),
        # A journal is stored once: a second run of the close finds its lines and adds none.
        sa.PrimaryKeyConstraint("period", "kind", "line_no", name=op.f("pk_close_journal_lines")),
    )
    op.create_table(
        "close_export_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("erp_reference", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sa.Column("attempted_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.ForeignKeyConstraint(
            ["period"],
            ["close_runs.period"],
            name=op.f("fk_close_export_attempts_period_close_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_close_export_attempts")),
    )
    op.create_table(
        "close_gl_differences",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("cost_center", sa.String(length=40), nullable=False),
        sa.Column("gl_account", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("ledger_minor", sa.BigInteger(), nullable=False),
        sa.Column("erp_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period"],
            ["close_runs.period"],
            name=op.f("fk_close_gl_differences_period_close_runs"),
        ),
        sa.PrimaryKeyConstraint(
            "period", "cost_center", "gl_account", "currency", name=op.f("pk_close_gl_differences")
        ),
    )


def downgrade() -> None:
    for table in (
        "close_gl_differences",
        "close_export_attempts",
        "close_journal_lines",
        "close_runs",
    ):
        op.drop_table(table)
