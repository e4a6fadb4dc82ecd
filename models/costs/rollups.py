"""The daily roll-ups the cost pages read, rebuilt in the database for one slice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

# Grouped by day, source, provider, billing account, sub-account, service, region, charge
# category and currency, by the tags (normalised keys) the source's tag policy names, and by
# the direct allocation (cost center, GL account, PO) and base currency a load worked out.
_REBUILD = text(
    """
    INSERT INTO cost_daily (
        slice_id, usage_date, source_id, provider_name, billing_account_id, sub_account_id,
        service_name, region_id, charge_category, billing_currency, tags,
        cost_center_id, gl_account_id, po_number, base_currency,
        billed_cost, effective_cost, list_cost, contracted_cost, line_count,
        billed_cost_base, effective_cost_base)
    SELECT l.slice_id,
           (COALESCE(l.charge_period_start, l.billing_period_start) AT TIME ZONE 'UTC')::date,
           s.source_id, l.provider_name, s.billing_account_id, l.sub_account_id,
           l.service_name, l.region_id, l.charge_category, l.billing_currency, policy.tags,
           l.cost_center_id, l.gl_account_id, l.po_number, l.base_currency,
           COALESCE(sum(l.billed_cost), 0), COALESCE(sum(l.effective_cost), 0),
           COALESCE(sum(l.list_cost), 0), COALESCE(sum(l.contracted_cost), 0), count(*),
           COALESCE(sum(l.billed_cost_base), 0), COALESCE(sum(l.effective_cost_base), 0)
    FROM cost_lines l
    JOIN cost_slices s ON s.id = l.slice_id
    JOIN cost_sources src ON src.id = s.source_id
    CROSS JOIN LATERAL (
        SELECT COALESCE(jsonb_object_agg(t.key, t.value), '{}'::jsonb) AS tags
        FROM jsonb_each(COALESCE(l.tags_normalised, '{}'::jsonb)) t
        WHERE t.key = ANY (src.tag_policy_keys)
    ) policy
    WHERE l.billing_period_start = :period AND l.slice_id = :slice
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    """
)


def rebuild_daily(connection: Connection, slice_id: int, period: datetime) -> None:
    """Replace the slice's roll-up rows by sums over its lines, in the caller's transaction
    (the one that swaps the slice in, so the roll-ups never disagree with the lines)."""
    connection.execute(text("DELETE FROM cost_daily WHERE slice_id = :slice"), {"slice": slice_id})
    connection.execute(_REBUILD, {"slice": slice_id, "period": period})
