"""A load's files: a slice of a month delivered in several files (a CUR report's parts) is
one load holding every file's lines, each line and quarantined row knowing its file.

Revision ID: 0012_load_files
Revises: 0011_cost_loading
Create Date: 2026-12-07 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_load_files"
down_revision: str | None = "0011_cost_loading"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Staging tables not yet attached are tables of their own: they get the column too, so a load
# staged before the upgrade still attaches.
_STAGING_TABLES = """
DO $$
DECLARE staging text;
BEGIN
  FOR staging IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'cost_partitions' AND c.relkind = 'r'
                   AND c.relname LIKE 'cost_lines_load_%' AND NOT c.relispartition LOOP
    EXECUTE format('ALTER TABLE cost_partitions.%I {change}', staging);
  END LOOP;
END
$$;
"""

# A retried file's rows leave its load's staging table before it is read again: the app's role
# may only insert there, so the owner deletes them, and only from a table not yet attached.
UNSTAGE = """
CREATE FUNCTION cost_lines_unstage(p_load bigint, p_file_index integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  staging text := 'cost_lines_load_' || p_load;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'cost_partitions' AND c.relname = staging
               AND NOT c.relispartition) THEN
    EXECUTE format('DELETE FROM cost_partitions.%I WHERE file_index >= %s', staging,
                   p_file_index);
  END IF;
END
$$;
"""


def upgrade() -> None:
    op.create_table(
        "cost_load_files",
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("file_index", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.String(128), nullable=False),
        sa.Column("bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("report", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["load_id"], ["cost_loads.id"], name=op.f("fk_cost_load_files_load_id_cost_loads")
        ),
        sa.PrimaryKeyConstraint("load_id", "file_index", name=op.f("pk_cost_load_files")),
    )
    op.create_index(op.f("ix_cost_load_files_file_hash"), "cost_load_files", ["file_hash"])
    op.execute(
        "INSERT INTO cost_load_files (load_id, file_index, file_name, file_hash, bytes, report) "
        "SELECT id, 0, file_name, file_hash, bytes_total, report FROM cost_loads"
    )
    op.add_column(
        "cost_lines", sa.Column("file_index", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute(
        _STAGING_TABLES.replace(
            "{change}", "ADD COLUMN IF NOT EXISTS file_index integer NOT NULL DEFAULT 0"
        )
    )
    op.add_column(
        "cost_quarantined_lines",
        sa.Column("file_index", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(UNSTAGE)


def downgrade() -> None:
    op.execute("DROP FUNCTION cost_lines_unstage(bigint, integer)")
    op.drop_column("cost_quarantined_lines", "file_index")
    op.drop_column("cost_lines", "file_index")
    op.execute(_STAGING_TABLES.replace("{change}", "DROP COLUMN IF EXISTS file_index"))
    op.drop_index(op.f("ix_cost_load_files_file_hash"), table_name="cost_load_files")
    op.drop_table("cost_load_files")
