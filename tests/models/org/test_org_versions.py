"""The org through time: a re-organisation imported with an effective date changes the
hierarchy from that day on (and today's structure), keeps what held before, is audited, and
the import that names an unknown cost center or makes a cycle stores nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.org_chart import Placement, read_scim_users
from models import AuditEntry, CostCenter, OrgVersion
from models.budgets.org_history import (
    ImportedOrg,
    OrgImport,
    OrgRefused,
    business_units_as_of,
    headcount,
    import_org,
)
from models.people.accounts import find_user
from tests.builders.uploads import hierarchy_of
from tests.models.org.builders import Org, an_org

NOW = datetime(2026, 1, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def org(engine: Engine) -> Org:
    return an_org(engine)


def _import(session: Session, org: Org, effective: date, **what: object) -> ImportedOrg:
    user = find_user(session, org.finance)
    assert user is not None
    return import_org(session, OrgImport(effective, "csv", **what), by=user, at=NOW)  # type: ignore[arg-type]


def test_a_reorganisation_applies_from_its_effective_date(session: Session, org: Org) -> None:
    hierarchy = hierarchy_of(f"cost_center,parent\n{org.team},{org.unit_b}\n")
    _import(session, org, date(2025, 7, 1), hierarchy=hierarchy, note="merger")

    assert business_units_as_of(session, date(2025, 6, 30))[org.team] == org.unit_a
    assert business_units_as_of(session, date(2025, 7, 1))[org.team] == org.unit_b
    team = session.scalar(select(CostCenter).where(CostCenter.code == org.team))
    assert team is not None and team.parent_id is not None  # today's structure follows
    assert session.get(CostCenter, team.parent_id).code == org.unit_b  # type: ignore[union-attr]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "org.version_imported"))
    assert entry is not None and entry.entity_id == "2025-07-01" and entry.after is not None
    assert entry.after["moved"] == {org.team: [org.unit_a, org.unit_b]}


def test_a_future_version_leaves_todays_structure_alone(session: Session, org: Org) -> None:
    hierarchy = {org.team: org.unit_b}
    _import(session, org, date(2027, 1, 1), hierarchy=hierarchy)
    assert business_units_as_of(session, NOW.date())[org.team] == org.unit_a
    assert business_units_as_of(session, date(2027, 2, 1))[org.team] == org.unit_b


def test_headcount_reads_the_org_chart_in_force(session: Session, org: Org) -> None:
    scim = {
        "Resources": [
            _scim_user("1", "ann", org.team, None),
            _scim_user("2", "bob", org.team, "1"),
            _scim_user("3", "cy", org.unit_b, "1"),
            {**_scim_user("4", "dee", org.team, "1"), "active": False},
        ]
    }
    people = read_scim_users(scim)
    assert Placement("bob", org.team, "ann") in people
    _import(session, org, date(2025, 3, 1), people=people)
    moved = [Placement("ann", org.unit_b, None), Placement("bob", org.team, "ann")]
    _import(session, org, date(2025, 5, 15), people=moved)
    # A later import of the hierarchy alone keeps the people of the version before it.
    _import(session, org, date(2025, 8, 1), hierarchy={org.team: org.unit_b})

    assert _mine(headcount(session, date(2025, 2, 1)), org) == {}
    assert _mine(headcount(session, date(2025, 4, 1)), org) == {org.team: 2, org.unit_b: 1}
    assert _mine(headcount(session, date(2025, 5, 1)), org) == {org.team: 1, org.unit_b: 1}
    assert _mine(headcount(session, date(2025, 9, 1)), org) == {org.team: 1, org.unit_b: 1}


@pytest.mark.parametrize(
    ("hierarchy", "rule"),
    [({"NOPE": None}, "unknown_cost_center"), ({"A": "T"}, "hierarchy_cycle")],
)
def test_a_refused_import_stores_nothing(
    session: Session, org: Org, hierarchy: dict[str, str], rule: str
) -> None:
    codes = {"A": org.unit_a, "T": org.team}
    named = {codes.get(k, k): codes.get(v, v) for k, v in hierarchy.items() if v} or hierarchy
    with pytest.raises(OrgRefused) as refused:
        _import(session, org, date(2025, 1, 1), hierarchy=named)
    assert refused.value.rule == rule
    assert session.scalar(select(func.count()).select_from(OrgVersion)) == 0


def _scim_user(id_: str, name: str, center: str, manager: str | None) -> dict[str, object]:
    extension: dict[str, object] = {"costCenter": center}
    if manager:
        extension["manager"] = {"value": manager}
    return {
        "id": id_,
        "userName": name,
        "active": True,
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": extension,
    }


def _mine(counts: dict[str, int], org: Org) -> dict[str, int]:
    return {code: n for code, n in counts.items() if code in {org.team, org.unit_a, org.unit_b}}
