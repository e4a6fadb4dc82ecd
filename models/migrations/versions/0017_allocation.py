"""Allocation: runs of a period (versions), their amounts, their lineage to the cost lines, and
the driver tables shared keys read.

Revision ID: 0017_allocation
Revises: 0015_cost_governance
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_allocation"
down_revision: str | None = "0016_tag_compliance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation_runs",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("run_by_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "run_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("line_count", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "status IN ('current', 'superseded')", name=op.f("ck_allocation_runs_status")
        ),
        sa.ForeignKeyConstraint(
            ["run_by_id"], ["users.id"], name=op.f("fk_allocation_runs_run_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_runs")),
        sa.UniqueConstraint("period", "version", name=op.f("uq_allocation_runs_period_version")),
    )
    op.create_table(
        "allocation_amounts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_index", sa.SmallInteger(), nullable=True),
        sa.Column("rule_name", sa.String(length=200), nullable=True),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("service_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["allocation_runs.id"],
            name=op.f("fk_allocation_amounts_run_id_allocation_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_allocation_amounts_cost_center_id_cost_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["it_services.id"],
            name=op.f("fk_allocation_amounts_service_id_it_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_amounts")),
    )
    op.create_index(
        op.f("ix_allocation_amounts_run_id"), "allocation_amounts", ["run_id"], unique=False
    )
    op.create_table(
        "allocation_lineage",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("file_index", sa.Integer(), nullable=False),
        sa.Column("file_row", sa.Integer(), nullable=False),
        sa.Column("rule_index", sa.SmallInteger(), nullable=True),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("service_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
    )
    op.create_index(
        op.f("ix_allocation_lineage_run_id"), "allocation_lineage", ["run_id"], unique=False
    )
    op.create_table(
        "allocation_drivers",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("driver", sa.String(length=80), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("uploaded_by_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "uploaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "quantity >= 0", name=op.f("ck_allocation_drivers_quantity_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_allocation_drivers_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_drivers")),
        sa.UniqueConstraint(
            "period", "driver", "target", name=op.f("uq_allocation_drivers_period_driver_target")
        ),
    )


def downgrade() -> None:
    op.drop_table("allocation_drivers")
    op.drop_index(op.f("ix_allocation_lineage_run_id"), table_name="allocation_lineage")
    op.drop_table("allocation_lineage")
    op.drop_index(op.f("ix_allocation_amounts_run_id"), table_name="allocation_amounts")
    op.drop_table("allocation_amounts")
    op.drop_table("allocation_runs")
