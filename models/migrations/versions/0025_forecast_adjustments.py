"""Dated forecast adjustments: project ramps and other planned spend per budget line and
fiscal period, added to the line's year-end forecast.

Revision ID: 0025_forecast_adjustments
Revises: 0024_ledger_pools
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_forecast_adjustments"
down_revision: str | None = "0024_ledger_pools"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_adjustments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=False),
        sa.Column("gl_account_id", sa.BigInteger(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "project_ramp",
                "other",
                name="forecast_adjustment_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "period BETWEEN 1 AND 12", name=op.f("ck_forecast_adjustments_period_is_a_month")
        ),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_forecast_adjustments_cost_center_id_cost_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["gl_account_id"],
            ["gl_accounts.id"],
            name=op.f("fk_forecast_adjustments_gl_account_id_gl_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_adjustments")),
    )
    op.create_index(
        "ix_forecast_adjustments_line",
        "forecast_adjustments",
        ["cost_center_id", "gl_account_id", "fiscal_year"],
    )


def downgrade() -> None:
    op.drop_index("ix_forecast_adjustments_line", table_name="forecast_adjustments")
    op.drop_table("forecast_adjustments")
