"""Where a cost exploration reads from and how it filters: the daily roll-ups when every
dimension it names is rolled up, else the cost lines; the same filters and visibility on both.
Every value reaches Postgres as a bound parameter; dimension names come only from the catalogue
of ``explore_query``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.costs.explore_query import TAG_PREFIX, CostQuery

_COMMON = {
    "source": "src.name",
    "provider": "d.provider_name",
    "billing_account": "d.billing_account_id",
    "sub_account": "d.sub_account_id",
    "service": "d.service_name",
    "region": "d.region_id",
    "charge_category": "d.charge_category",
    "cost_center": "cc.code",
}
LINE_DAY = "(COALESCE(d.charge_period_start, d.billing_period_start) AT TIME ZONE 'UTC')::date"
# A cost center filter or scope covers the center and every center below it.
_TREE = (
    "WITH RECURSIVE tree(id) AS (SELECT id FROM cost_centers WHERE {roots} "
    "UNION SELECT c.id FROM cost_centers c JOIN tree t ON c.parent_id = t.id) "
    "SELECT id FROM tree"
)
_SUBTREE = f"d.cost_center_id IN ({_TREE})"


@dataclass(frozen=True)
class Relation:
    """One table to read: its FROM clause and each dimension's expression over it."""

    name: str
    from_sql: str
    columns: dict[str, str]
    tags: str
    day: str
    line_count: str


DAILY = Relation(
    "cost_daily",
    "cost_daily d JOIN cost_sources src ON src.id = d.source_id "
    "LEFT JOIN cost_centers cc ON cc.id = d.cost_center_id",
    {**_COMMON, "day": "d.usage_date"},
    "d.tags",
    "d.usage_date",
    "sum(d.line_count)",
)
LINES = Relation(
    "cost_lines",
    "cost_lines d JOIN cost_slices sl ON sl.id = d.slice_id "
    "JOIN cost_sources src ON src.id = sl.source_id "
    "LEFT JOIN cost_centers cc ON cc.id = d.cost_center_id",
    {**_COMMON, "day": LINE_DAY, "resource": "d.resource_id"},
    "d.tags_normalised",
    LINE_DAY,
    "count(*)",
)


@dataclass(frozen=True)
class CostScope:
    """What a reader may see: every line (``center_ids`` None) or only the lines allocated to
    one of ``center_ids`` (a cost-center owner's subtree, resolved when the scope was made)."""

    center_ids: frozenset[int] | None = None


class Sql:
    """The expressions and WHERE clause of one query over one relation, with its parameters."""

    def __init__(self, relation: Relation) -> None:
        self.relation = relation
        self.params: dict[str, Any] = {}
        self.conditions: list[str] = []

    def column(self, dimension: str) -> str:
        if dimension.startswith(TAG_PREFIX):
            name = f"tag_{len(self.params)}"
            self.params[name] = dimension.removeprefix(TAG_PREFIX)
            return f"({self.relation.tags} ->> :{name})"
        return self.relation.columns[dimension]

    def bind(self, value: object) -> str:
        name = f"p_{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def where(self) -> str:
        return " AND ".join(self.conditions) or "TRUE"


def filtered(relation: Relation, query: CostQuery, scope: CostScope) -> Sql:
    """The relation's conditions for the query's filters and the reader's scope."""
    sql = Sql(relation)
    for dimension, accepted in query.values.items():
        if dimension == "cost_center":
            roots = f"code = ANY({sql.bind(list(accepted))})"
            sql.conditions.append(_SUBTREE.format(roots=roots))
        else:
            sql.conditions.append(f"{sql.column(dimension)} = ANY({sql.bind(list(accepted))})")
    for dimension in query.missing:
        column = "d.cost_center_id" if dimension == "cost_center" else sql.column(dimension)
        sql.conditions.append(f"{column} IS NULL")
    if scope.center_ids is not None:
        sql.conditions.append(f"d.cost_center_id = ANY({sql.bind(sorted(scope.center_ids))})")
    if query.period is not None:
        period = sql.bind(query.period)
        sql.conditions.append(
            f"d.slice_id IN (SELECT id FROM cost_slices WHERE billing_period_start = {period})"
            if relation is DAILY
            else f"d.billing_period_start = {period}"
        )
    if query.day_from is not None:
        sql.conditions.append(f"{relation.day} >= {sql.bind(query.day_from)}")
    if query.day_to is not None:
        sql.conditions.append(f"{relation.day} <= {sql.bind(query.day_to)}")
    return sql


def owned_subtree(session: Session, owner_id: int) -> frozenset[int]:
    """The ids of the cost centers ``owner_id`` owns and every center below them."""
    rows = session.execute(text(_TREE.format(roots="owner_id = :owner")), {"owner": owner_id})
    return frozenset(int(row) for row in rows.scalars())


def relation_for(session: Session, query: CostQuery) -> Relation:
    """The daily roll-ups when they hold every dimension the query names (a tag key only when
    the tag policy of every source it may read names it), else the cost lines."""
    dimensions = query.dimensions()
    if any(d not in DAILY.columns and not d.startswith(TAG_PREFIX) for d in dimensions):
        return LINES
    tags = [d.removeprefix(TAG_PREFIX) for d in dimensions if d.startswith(TAG_PREFIX)]
    if not tags:
        return DAILY
    sources = list(query.values.get("source", ()))
    rolled_up = session.scalar(
        text(
            "SELECT COALESCE(bool_and(CAST(:keys AS text[]) <@ tag_policy_keys), TRUE) "
            "FROM cost_sources WHERE cardinality(CAST(:sources AS text[])) = 0 "
            "OR name = ANY(CAST(:sources AS text[]))"
        ),
        {"keys": tags, "sources": sources},
    )
    return DAILY if rolled_up else LINES
