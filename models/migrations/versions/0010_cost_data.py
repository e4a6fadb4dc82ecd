"""Cost data: sources and their owners, slices ((source, billing account, billing period)),
loads, the FOCUS cost lines partitioned by month and by slice, quarantined rows, daily roll-ups,
and the owner's functions that stage a load and swap it in as its slice's partition.

Revision ID: 0010_cost_data
Revises: 0009
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_cost_data"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The FOCUS 1.2 columns as this revision stores them (frozen here: the catalogue may grow).
FOCUS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("availability_zone", "TEXT"),
    ("billed_cost", "NUMERIC"),
    ("billing_account_id", "TEXT"),
    ("billing_account_name", "TEXT"),
    ("billing_account_type", "TEXT"),
    ("billing_currency", "TEXT"),
    ("billing_period_end", "TIMESTAMPTZ"),
    ("billing_period_start", "TIMESTAMPTZ"),
    ("capacity_reservation_id", "TEXT"),
    ("capacity_reservation_status", "TEXT"),
    ("charge_category", "TEXT"),
    ("charge_class", "TEXT"),
    ("charge_description", "TEXT"),
    ("charge_frequency", "TEXT"),
    ("charge_period_end", "TIMESTAMPTZ"),
    ("charge_period_start", "TIMESTAMPTZ"),
    ("commitment_discount_category", "TEXT"),
    ("commitment_discount_id", "TEXT"),
    ("commitment_discount_name", "TEXT"),
    ("commitment_discount_quantity", "NUMERIC"),
    ("commitment_discount_status", "TEXT"),
    ("commitment_discount_type", "TEXT"),
    ("commitment_discount_unit", "TEXT"),
    ("consumed_quantity", "NUMERIC"),
    ("consumed_unit", "TEXT"),
    ("contracted_cost", "NUMERIC"),
    ("contracted_unit_price", "NUMERIC"),
    ("effective_cost", "NUMERIC"),
    ("invoice_id", "TEXT"),
    ("invoice_issuer_name", "TEXT"),
    ("list_cost", "NUMERIC"),
    ("list_unit_price", "NUMERIC"),
    ("pricing_category", "TEXT"),
    ("pricing_currency", "TEXT"),
    ("pricing_currency_contracted_unit_price", "NUMERIC"),
    ("pricing_currency_effective_cost", "NUMERIC"),
    ("pricing_currency_list_unit_price", "NUMERIC"),
    ("pricing_quantity", "NUMERIC"),
    ("pricing_unit", "TEXT"),
    ("provider_name", "TEXT"),
    ("publisher_name", "TEXT"),
    ("region_id", "TEXT"),
    ("region_name", "TEXT"),
    ("resource_id", "TEXT"),
    ("resource_name", "TEXT"),
    ("resource_type", "TEXT"),
    ("service_category", "TEXT"),
    ("service_name", "TEXT"),
    ("service_subcategory", "TEXT"),
    ("sku_id", "TEXT"),
    ("sku_meter", "TEXT"),
    ("sku_price_details", "JSONB"),
    ("sku_price_id", "TEXT"),
    ("sub_account_id", "TEXT"),
    ("sub_account_name", "TEXT"),
    ("sub_account_type", "TEXT"),
    ("tags", "JSONB"),
)

# The app's role owns no table, and only a table's owner may attach or detach its partitions:
# these functions run as the owner (SECURITY DEFINER) and do nothing else.
FUNCTIONS = """
CREATE FUNCTION cost_lines_month(period timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'cost_lines_' || to_char(period AT TIME ZONE 'UTC', 'YYYY_MM')
$$;

CREATE FUNCTION cost_lines_stage(p_slice bigint, p_load bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  period timestamptz;
  month_start timestamptz;
  month_table text;
  staging text := 'cost_lines_load_' || p_load;
BEGIN
  SELECT billing_period_start INTO STRICT period FROM public.cost_slices WHERE id = p_slice;
  month_start := date_trunc('month', period AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  month_table := public.cost_lines_month(period);
  PERFORM pg_advisory_xact_lock(hashtext('cost_lines_month'), hashtext(month_table));
  IF to_regclass('cost_partitions.' || month_table) IS NULL THEN
    EXECUTE format(
      'CREATE TABLE cost_partitions.%I PARTITION OF public.cost_lines '
      'FOR VALUES FROM (%L) TO (%L) PARTITION BY LIST (slice_id)',
      month_table, month_start, month_start + interval '1 month');
  END IF;
  EXECUTE format(
    'CREATE TABLE cost_partitions.%I (LIKE public.cost_lines INCLUDING DEFAULTS, '
    'CONSTRAINT %I CHECK (slice_id = %s AND billing_period_start = %L))',
    staging, staging || '_slice', p_slice, period);
  EXECUTE format('GRANT SELECT, INSERT ON cost_partitions.%I TO %I', staging, session_user);
  RETURN 'cost_partitions.' || staging;
END
$$;

CREATE FUNCTION cost_lines_swap(p_slice bigint, p_load bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  period timestamptz;
  previous bigint;
  month_table text;
  staging text := 'cost_lines_load_' || p_load;
BEGIN
  SELECT billing_period_start, current_load_id INTO STRICT period, previous
    FROM public.cost_slices WHERE id = p_slice FOR UPDATE;
  month_table := public.cost_lines_month(period);
  IF previous IS NOT NULL THEN
    EXECUTE format('ALTER TABLE cost_partitions.%I DETACH PARTITION cost_partitions.%I',
                   month_table, 'cost_lines_load_' || previous);
    EXECUTE format('DROP TABLE cost_partitions.%I', 'cost_lines_load_' || previous);
  END IF;
  EXECUTE format('REVOKE INSERT ON cost_partitions.%I FROM %I', staging, session_user);
  EXECUTE format('ALTER TABLE cost_partitions.%I ATTACH PARTITION cost_partitions.%I '
                 'FOR VALUES IN (%s)', month_table, staging, p_slice);
  UPDATE public.cost_slices SET current_load_id = p_load WHERE id = p_slice;
END
$$;

CREATE FUNCTION cost_lines_discard(p_load bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  staging text := 'cost_lines_load_' || p_load;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'cost_partitions' AND c.relname = staging
               AND NOT c.relispartition) THEN
    EXECUTE format('DROP TABLE cost_partitions.%I', staging);
  END IF;
END
$$;
"""


def _pk() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), autoincrement=True, primary_key=True)


def upgrade() -> None:
    op.create_table(
        "cost_sources",
        _pk(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("provider", sa.String(120), nullable=False),
        sa.Column(
            "billing_accounts", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("base_currency", sa.String(3), nullable=False),
        sa.Column("refresh_cycle_hours", sa.Integer(), server_default="24", nullable=False),
        sa.Column("latency_threshold_hours", sa.Integer(), server_default="72", nullable=False),
        sa.Column("column_mapping", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column(
            "tag_policy_keys", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("name", name=op.f("uq_cost_sources_name")),
    )
    op.create_table(
        "cost_source_owners",
        sa.Column(
            "source_id",
            sa.BigInteger(),
            sa.ForeignKey("cost_sources.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id"), primary_key=True),
    )
    _slices_and_loads()
    _lines()
    _rollups()
    op.execute("CREATE SCHEMA cost_partitions")
    op.execute(FUNCTIONS)


def _slices_and_loads() -> None:
    op.create_table(
        "cost_slices",
        _pk(),
        sa.Column("source_id", sa.BigInteger(), sa.ForeignKey("cost_sources.id"), nullable=False),
        sa.Column("billing_account_id", sa.Text(), nullable=False),
        sa.Column("billing_period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_load_id", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint(
            "source_id",
            "billing_account_id",
            "billing_period_start",
            name=op.f("uq_cost_slices_source_id_billing_account_id_billing_period_start"),
        ),
    )
    statuses = ", ".join(f"'{s}'" for s in ("loading", "current", "replaced", "failed"))
    op.create_table(
        "cost_loads",
        _pk(),
        sa.Column("source_id", sa.BigInteger(), sa.ForeignKey("cost_sources.id"), nullable=False),
        sa.Column("slice_id", sa.BigInteger(), sa.ForeignKey("cost_slices.id"), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.String(128), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("rows_loaded", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("rows_quarantined", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.CheckConstraint(f"status IN ({statuses})", name=op.f("ck_cost_loads_load_status")),
    )
    op.create_index(op.f("ix_cost_loads_source_id"), "cost_loads", ["source_id"])
    op.create_index(op.f("ix_cost_loads_slice_id"), "cost_loads", ["slice_id"])
    op.create_foreign_key(
        op.f("fk_cost_slices_current_load_id_cost_loads"),
        "cost_slices",
        "cost_loads",
        ["current_load_id"],
        ["id"],
    )


def _lines() -> None:
    op.create_table(
        "cost_lines",
        sa.Column("slice_id", sa.BigInteger(), nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("file_row", sa.Integer(), nullable=False),
        *(
            sa.Column(name, _type(kind), nullable=name != "billing_period_start")
            for name, kind in FOCUS_COLUMNS
        ),
        sa.Column("tags_normalised", postgresql.JSONB(), nullable=True),
        sa.Column("extras", postgresql.JSONB(), nullable=True),
        postgresql_partition_by="RANGE (billing_period_start)",
    )
    op.create_table(
        "cost_quarantined_lines",
        _pk(),
        sa.Column("load_id", sa.BigInteger(), sa.ForeignKey("cost_loads.id"), nullable=False),
        sa.Column("file_row", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("line", postgresql.JSONB(), nullable=False),
    )
    op.create_index(
        op.f("ix_cost_quarantined_lines_load_id"), "cost_quarantined_lines", ["load_id"]
    )


def _type(kind: str) -> sa.types.TypeEngine[Any]:
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "TEXT": sa.Text(),
        "NUMERIC": sa.Numeric(),
        "TIMESTAMPTZ": sa.DateTime(timezone=True),
        "JSONB": postgresql.JSONB(),
    }
    return types[kind]


def _rollups() -> None:
    op.create_table(
        "cost_daily",
        _pk(),
        sa.Column("slice_id", sa.BigInteger(), sa.ForeignKey("cost_slices.id"), nullable=False),
        sa.Column("usage_date", sa.Date(), nullable=False),
        sa.Column("source_id", sa.BigInteger(), sa.ForeignKey("cost_sources.id"), nullable=False),
        *(
            sa.Column(name, sa.Text(), nullable=name != "billing_account_id")
            for name in (
                "provider_name",
                "billing_account_id",
                "sub_account_id",
                "service_name",
                "region_id",
                "charge_category",
                "billing_currency",
            )
        ),
        sa.Column("tags", postgresql.JSONB(), nullable=False),
        *(
            sa.Column(name, sa.Numeric(), nullable=False)
            for name in ("billed_cost", "effective_cost", "list_cost", "contracted_cost")
        ),
        sa.Column("line_count", sa.BigInteger(), nullable=False),
    )
    op.create_index(op.f("ix_cost_daily_slice_id"), "cost_daily", ["slice_id"])
    op.create_index(op.f("ix_cost_daily_usage_date"), "cost_daily", ["usage_date"])


def downgrade() -> None:
    op.execute("DROP FUNCTION cost_lines_discard(bigint)")
    op.execute("DROP FUNCTION cost_lines_swap(bigint, bigint)")
    op.execute("DROP FUNCTION cost_lines_stage(bigint, bigint)")
    op.execute("DROP FUNCTION cost_lines_month(timestamptz)")
    op.drop_table("cost_daily")
    op.drop_table("cost_quarantined_lines")
    op.drop_table("cost_lines")  # its partitions with it
    op.execute("DROP SCHEMA cost_partitions CASCADE")
    op.drop_constraint(
        op.f("fk_cost_slices_current_load_id_cost_loads"), "cost_slices", type_="foreignkey"
    )
    op.drop_table("cost_loads")
    op.drop_table("cost_slices")
    op.drop_table("cost_source_owners")
    op.drop_table("cost_sources")
