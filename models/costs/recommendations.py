"""What optimisation detection reads and writes: each resource's month in the cost lines (its
usage, its cost, an unused commitment's cost, whether anyone owns it) with the owner it is
routed to, and the recommendations, one per kind, resource and month, so running detection
again over a month finds nothing new and keeps every status moved since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from domain.costs.recommendations import RecommendationKind, RecommendationStatus
from domain.costs.settlement import to_minor
from models.costs.recommendation_records import CostRecommendation

# Per resource (a commitment discount's id for its unused rows) and base currency: its month's
# figures, the cost center carrying most of its cost and that center's owner, else the first
# owner of its source by name; ``owned`` is false when no line maps to a cost center and its
# source has no owner (the spend shadow IT calls unowned).
_RESOURCES = text(
    """
    WITH lines AS (
      SELECT CASE WHEN l.commitment_discount_status = 'Unused'
                  THEN COALESCE(l.commitment_discount_id, l.resource_id) ELSE l.resource_id
             END AS resource_id,
             l.commitment_discount_status = 'Unused' AS unused, l.charge_category,
             l.billing_account_id, l.service_name, l.cost_center_id, s.source_id,
             l.base_currency, l.effective_cost_base, l.consumed_quantity, l.pricing_quantity
      FROM cost_lines l JOIN cost_slices s ON s.id = l.slice_id
      WHERE l.billing_period_start >= :first AND l.billing_period_start < :until
        AND l.base_currency IS NOT NULL AND l.effective_cost_base IS NOT NULL
        AND (l.resource_id IS NOT NULL OR l.commitment_discount_status = 'Unused')
    ), resources AS (
      SELECT resource_id, unused, base_currency AS currency,
             min(billing_account_id) AS billing_account_id, min(service_name) AS service_name,
             (array_agg(cost_center_id ORDER BY effective_cost_base DESC)
                FILTER (WHERE cost_center_id IS NOT NULL))[1] AS cost_center_id,
             min(source_id) AS source_id, sum(effective_cost_base) AS cost,
             sum(consumed_quantity) FILTER (WHERE charge_category = 'Usage') AS consumed,
             sum(pricing_quantity) FILTER (WHERE charge_category = 'Usage') AS priced
      FROM lines WHERE resource_id IS NOT NULL
      GROUP BY resource_id, unused, base_currency
    )
    SELECT r.*, COALESCE(cu.username, (
             SELECT u.username FROM cost_source_owners o JOIN users u ON u.id = o.user_id
             WHERE o.source_id = r.source_id ORDER BY u.username LIMIT 1)) AS owner,
           r.cost_center_id IS NOT NULL OR EXISTS (
             SELECT 1 FROM cost_source_owners o WHERE o.source_id = r.source_id) AS owned
    FROM resources r
    LEFT JOIN cost_centers cc ON cc.id = r.cost_center_id
    LEFT JOIN users cu ON cu.id = cc.owner_id
    ORDER BY r.resource_id, r.currency
    """
)


@dataclass(frozen=True)
class ResourceMonth:
    """A resource's month as detection judges it (cost in minor units of ``currency``)."""

    resource_id: str
    unused_commitment: bool
    currency: str
    billing_account_id: str | None
    service_name: str | None
    cost_center_id: int | None
    cost_minor: int
    consumed: Decimal | None
    priced: Decimal | None
    owner: str | None
    owned: bool


def resource_months(session: Session, first: date, until: date) -> list[ResourceMonth]:
    """Every resource with cost lines of the billing periods from ``first`` up to ``until``
    (excluded), its effective cost (base currency) rounded once to minor units."""
    rows = session.execute(_RESOURCES, {"first": first, "until": until})
    return [
        ResourceMonth(
            row.resource_id,
            row.unused,
            row.currency,
            row.billing_account_id,
            row.service_name,
            row.cost_center_id,
            to_minor(Decimal(row.cost), row.currency),
            row.consumed,
            row.priced,
            row.owner,
            row.owned,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Found:
    """A recommendation as detection hands it over."""

    kind: RecommendationKind
    resource: ResourceMonth
    estimated_saving_minor: int | None
    owner: str | None  # None: FinOps


def record_found(session: Session, found: Found, period: date, at: datetime) -> bool:
    """Store the recommendation unless its kind, resource and month have one already; True
    when it is new."""
    resource = found.resource
    values = {
        "kind": found.kind.value,
        "resource_id": resource.resource_id,
        "period": period,
        "billing_account_id": resource.billing_account_id,
        "service_name": resource.service_name,
        "cost_center_id": resource.cost_center_id,
        "currency": resource.currency,
        "cost_minor": resource.cost_minor,
        "estimated_saving_minor": found.estimated_saving_minor,
        "owner": found.owner,
        "status": RecommendationStatus.OPEN.value,
        "detected_at": at,
    }
    statement = insert(CostRecommendation).values(**values).on_conflict_do_nothing()
    return bool(session.execute(statement.returning(CostRecommendation.id)).first())


# The latest month after ``after`` loaded for the resource's billing account, and the
# resource's cost in it (0 when it had no lines then: it was deleted).
_LATER_COST = text(
    """
    WITH latest AS (
      SELECT max(l.billing_period_start) AS start FROM cost_lines l
      WHERE l.billing_period_start >= :after AND l.billing_period_start < :until
        AND l.billing_account_id IS NOT DISTINCT FROM :account
    )
    SELECT latest.start, COALESCE(sum(l.effective_cost_base), 0) AS cost
    FROM latest LEFT JOIN cost_lines l ON l.billing_period_start = latest.start
      AND l.billing_account_id IS NOT DISTINCT FROM :account AND l.base_currency = :currency
      AND COALESCE(CASE WHEN l.commitment_discount_status = 'Unused'
                        THEN l.commitment_discount_id END, l.resource_id) = :resource
    GROUP BY latest.start
    """
)


def latest_cost_after(
    session: Session, row: CostRecommendation, after: date, until: date
) -> int | None:
    """The resource's cost (minor units) in the latest month from ``after`` up to ``until``
    (excluded) loaded for its billing account, 0 if it had no lines then; None when no such
    month is loaded."""
    params = {
        "after": after,
        "until": until,
        "account": row.billing_account_id,
        "currency": row.currency,
        "resource": row.resource_id,
    }
    found = session.execute(_LATER_COST, params).one()
    return None if found.start is None else to_minor(Decimal(found.cost), row.currency)
