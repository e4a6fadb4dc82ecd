"""The full budget ledger: entry kinds with actuals, rates and who/why; budget-line versions by
kind (original, revision, transfer); fiscal policy per cost center; budget alerts. Ledger
entries and budget-line versions become append-only in Postgres.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:23:33.489178
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY = """
CREATE FUNCTION refuse_change_to_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
APPEND_ONLY_TABLES = ("ledger_entries", "budget_lines")


def upgrade() -> None:
    op.create_table(
        "budget_alerts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("threshold_percent", sa.Integer(), nullable=False),
        sa.Column("budget_minor", sa.BigInteger(), nullable=False),
        sa.Column("consumed_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "raised_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_budget_alerts_cost_center_id_cost_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["gl_account_id"],
            ["gl_accounts.id"],
            name=op.f("fk_budget_alerts_gl_account_id_gl_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_alerts")),
        sa.UniqueConstraint(
            "cost_center_id",
            "gl_account_id",
            "fiscal_year",
            "period",
            "threshold_percent",
            name=op.f(
                "uq_budget_alerts_cost_center_id_gl_account_id_fiscal_year_period_threshold_percent"
            ),
        ),
    )
    op.add_column(
        "budget_lines",
        sa.Column("kind", sa.String(length=20), server_default="original", nullable=False),
    )
    op.add_column("budget_lines", sa.Column("transfer_id", sa.String(length=40), nullable=True))
    op.add_column(
        "cost_centers",
        sa.Column("reserve_at", sa.String(length=20), server_default="creation", nullable=False),
    )
    op.add_column(
        "ledger_entries",
        sa.Column("actual_delta_minor", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.add_column(
        "ledger_entries", sa.Column("source_amount_minor", sa.BigInteger(), nullable=True)
    )
    op.add_column(
        "ledger_entries", sa.Column("source_currency", sa.String(length=3), nullable=True)
    )
    op.add_column(
        "ledger_entries",
        sa.Column("rate", sa.String(length=40), server_default="1", nullable=False),
    )
    op.add_column("ledger_entries", sa.Column("rate_date", sa.Date(), nullable=True))
    op.add_column("ledger_entries", sa.Column("reference", sa.String(length=120), nullable=True))
    op.add_column(
        "ledger_entries",
        sa.Column("note", sa.String(length=300), server_default="", nullable=False),
    )
    op.add_column(
        "ledger_entries",
        sa.Column("posted_by", sa.String(length=80), server_default="poflow", nullable=False),
    )
    op.alter_column(
        "ledger_entries", "po_number", existing_type=sa.VARCHAR(length=40), nullable=True
    )
    op.alter_column("ledger_entries", "revision", existing_type=sa.INTEGER(), nullable=True)
    op.create_index(
        "ix_ledger_entries_line",
        "ledger_entries",
        ["cost_center_id", "gl_account_id", "fiscal_year", "period"],
        unique=False,
    )
    op.create_check_constraint(
        "kind_is_known",
        "ledger_entries",
        "kind IN ('reserve', 'commit', 'relieve', 'release', 'adjust', 'actual')",
    )
    op.create_check_constraint("period_is_a_month", "ledger_entries", "period BETWEEN 1 AND 12")
    op.create_check_constraint(
        "kind_is_known", "budget_lines", "kind IN ('original', 'revision', 'transfer')"
    )
    op.create_check_constraint("amount_not_negative", "budget_lines", "amount_minor >= 0")
    op.create_check_constraint(
        "reserve_at_is_known", "cost_centers", "reserve_at IN ('creation', 'invoice')"
    )
    op.execute(APPEND_ONLY)
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_change_to_append_only()")
    for table, name in (
        ("ledger_entries", "kind_is_known"),
        ("ledger_entries", "period_is_a_month"),
        ("budget_lines", "kind_is_known"),
        ("budget_lines", "amount_not_negative"),
        ("cost_centers", "reserve_at_is_known"),
    ):
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
    op.drop_index("ix_ledger_entries_line", table_name="ledger_entries")
    op.alter_column("ledger_entries", "revision", existing_type=sa.INTEGER(), nullable=False)
    op.alter_column(
        "ledger_entries", "po_number", existing_type=sa.VARCHAR(length=40), nullable=False
    )
    op.drop_column("ledger_entries", "posted_by")
    op.drop_column("ledger_entries", "note")
    op.drop_column("ledger_entries", "reference")
    op.drop_column("ledger_entries", "rate_date")
    op.drop_column("ledger_entries", "rate")
    op.drop_column("ledger_entries", "source_currency")
    op.drop_column("ledger_entries", "source_amount_minor")
    op.drop_column("ledger_entries", "actual_delta_minor")
    op.drop_column("cost_centers", "reserve_at")
    op.drop_column("budget_lines", "transfer_id")
    op.drop_column("budget_lines", "kind")
    op.drop_table("budget_alerts")
