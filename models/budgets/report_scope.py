"""What a budget report covers: the cost-center hierarchy in tree order, the closure that rolls a
child's figures into every ancestor, and the budget in force per line of a fiscal year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import CTE, Subquery, select
from sqlalchemy.orm import Session, aliased

from models import BudgetLine, CostCenter, GlAccount


class UnknownCostCenter(LookupError):
    """A report was asked for a cost center that does not exist."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no cost center {code}")
        self.code = code


@dataclass(frozen=True)
class CenterNode:
    """A cost center as reports show it: where it sits in the hierarchy (depth 0 at a root)."""

    id: int
    code: str
    name: str
    parent_code: str | None
    depth: int


def centers_in_scope(session: Session, root: str | None = None) -> list[CenterNode]:
    """Cost centers in tree order (a parent before its children, siblings by code); only
    ``root`` and its descendants when given. Raises UnknownCostCenter for an unknown root."""
    centers = session.scalars(select(CostCenter).order_by(CostCenter.code)).all()
    by_id = {center.id: center for center in centers}
    children: dict[int | None, list[CostCenter]] = defaultdict(list)
    for center in centers:
        parent = center.parent_id if center.parent_id in by_id else None
        children[parent].append(center)
    if root is None:
        starts = children[None]
    else:
        starts = [center for center in centers if center.code == root]
        if not starts:
            raise UnknownCostCenter(root)
    nodes: list[CenterNode] = []
    seen: set[int] = set()
    stack = [(center, 0) for center in reversed(starts)]
    while stack:
        center, depth = stack.pop()
        if center.id in seen:  # a cycle in the hierarchy would otherwise never end
            continue
        seen.add(center.id)
        above = by_id.get(center.parent_id) if center.parent_id else None
        nodes.append(
            CenterNode(center.id, center.code, center.name, above.code if above else None, depth)
        )
        stack.extend((child, depth + 1) for child in reversed(children[center.id]))
    return nodes


def hierarchy() -> CTE:
    """Every (ancestor_id, descendant_id) pair of cost centers, a center being its own
    ancestor: joining figures on descendant_id and grouping by ancestor_id rolls them up."""
    tree = select(CostCenter.id.label("ancestor_id"), CostCenter.id.label("descendant_id")).cte(
        "cost_center_tree", recursive=True
    )
    child = aliased(CostCenter)
    return tree.union(
        select(tree.c.ancestor_id, child.id).join(child, child.parent_id == tree.c.descendant_id)
    )


def budgets_in_force(fiscal_year: int) -> Subquery:
    """The latest version of every budget line of the fiscal year (cost_center_id,
    gl_account_id, period, amount_minor)."""
    return (
        select(
            BudgetLine.cost_center_id,
            BudgetLine.gl_account_id,
            BudgetLine.period,
            BudgetLine.amount_minor,
        )
        .where(BudgetLine.fiscal_year == fiscal_year)
        .distinct(BudgetLine.cost_center_id, BudgetLine.gl_account_id, BudgetLine.period)
        .order_by(
            BudgetLine.cost_center_id,
            BudgetLine.gl_account_id,
            BudgetLine.period,
            BudgetLine.version.desc(),
        )
        .subquery("budget_in_force")
    )


def gl_accounts(session: Session) -> dict[int, GlAccount]:
    """Every GL account by id (a small table, read once per report)."""
    return {gl.id: gl for gl in session.scalars(select(GlAccount))}


def gl_account_id(session: Session, code: str) -> int:
    """The id of a GL account by code; LookupError naming it when unknown."""
    found = session.scalar(select(GlAccount.id).where(GlAccount.code == code))
    if found is None:
        raise LookupError(f"no GL account {code}")
    return found
