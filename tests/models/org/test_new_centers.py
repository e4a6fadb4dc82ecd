"""A re-organisation that creates a department: the hierarchy row naming a new code with its
owner creates the cost center (name, parent, owner, legal entity) from the version's day,
audited and listed; the structure before that day leaves it out, the restatement and the
budget report carry it (with zero budget), and an unknown parent, an unknown owner, a cycle or
a center not open yet are still refused with nothing stored."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.budget import LineBalance
from domain.fiscal import FiscalPeriod
from models import AuditEntry, CostCenter, OrgVersion
from models.budgets.org_history import (
    ImportedOrg,
    OrgImport,
    OrgRefused,
    business_units_as_of,
    headcount,
    hierarchy_as_of,
    import_org,
)
from models.budgets.postings import Account, Posting, append
from models.budgets.reports import budget_report
from models.budgets.restatement import restate
from models.people.accounts import find_user
from tests.builders.uploads import center_details_of, hierarchy_of, people_of
from tests.models.org.builders import Org, an_org

NOW = datetime(2026, 1, 10, tzinfo=UTC)
JULY = date(2025, 7, 1)


@pytest.fixture(scope="module")
def org(engine: Engine) -> Org:
    return an_org(engine)


def _import(session: Session, org: Org, effective: date, csv: str, **what: object) -> ImportedOrg:
    user = find_user(session, org.finance)
    assert user is not None
    hierarchy, details = hierarchy_of(csv), center_details_of(csv)
    bring = OrgImport(effective, "csv", hierarchy, details=details, **what)  # type: ignore[arg-type]
    return import_org(session, bring, by=user, at=NOW)


def test_a_new_department_opens_under_its_business_unit(session: Session, org: Org) -> None:
    dept = f"D-{org.team}"
    csv = (
        "cost_center,parent,name,owner,legal_entity\n"
        f"{dept},{org.unit_b},Data platform,{org.finance},DE01\n"
        f"{org.team},{dept},,,\n"
    )
    people = people_of(f"person,cost_center,manager\nann,{dept},\nbob,{org.team},ann\n")
    imported = _import(session, org, JULY, csv, people=people, note="data platform")

    assert imported.created == [dept]
    assert imported.moved == {org.team: [org.unit_a, dept]}  # the new one is created, not moved
    center = session.scalar(select(CostCenter).where(CostCenter.code == dept))
    assert center is not None and center.active
    assert (center.name, center.legal_entity, center.opened_on) == ("Data platform", "DE01", JULY)
    assert session.get(CostCenter, center.parent_id).code == org.unit_b  # type: ignore[union-attr]
    before = business_units_as_of(session, date(2025, 6, 30))
    after = business_units_as_of(session, JULY)
    assert dept not in before and before[org.team] == org.unit_a
    assert after[dept] == org.unit_b and after[org.team] == org.unit_b
    version_from, places = hierarchy_as_of(session, JULY)
    assert version_from == JULY and (dept, org.unit_b) in {(p.code, p.parent) for p in places}
    assert {k: v for k, v in headcount(session, JULY).items() if k in {dept, org.team}} == {
        dept: 1,
        org.team: 1,
    }

    created = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "cost_center.created", AuditEntry.entity_id == dept
        )
    )
    assert created is not None and created.actor == org.finance
    assert created.after == {
        "name": "Data platform",
        "parent": org.unit_b,
        "owner": org.finance,
        "legal_entity": "DE01",
        "opened_on": "2025-07-01",
    }
    version = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "org.version_imported", AuditEntry.entity_id == "2025-07-01"
        )
    )
    assert version is not None and version.after is not None
    assert version.after["created"] == [dept]


def test_the_restatement_and_the_budget_report_carry_the_new_department(
    session: Session, org: Org
) -> None:
    dept = f"N-{org.team}"
    csv = f"cost_center,parent,owner\n{dept},{org.unit_b},{org.finance}\n{org.team},{dept},\n"
    _import(session, org, JULY, csv)
    new_id = session.scalar(select(CostCenter.id).where(CostCenter.code == dept))
    assert new_id is not None
    june, july = FiscalPeriod(2025, 6), FiscalPeriod(2025, 7)
    team = Account(org.team_id, org.gl_id, org.team, org.gl)
    append(session, [Posting("actual", team, june, "EUR", f"test:{org.team}:6", actual=300)])
    own = Account(new_id, org.gl_id, dept, org.gl)
    append(session, [Posting("actual", own, july, "EUR", f"test:{dept}:7", actual=500)])

    rows = restate(session, date(2025, 6, 1), JULY, as_of=JULY, start_month=1)

    mine = {
        (r.month, r.business_unit): (r.original_minor, r.restated_minor)
        for r in rows
        if r.measure == "actual" and r.business_unit in {org.unit_a, org.unit_b}
    }
    assert mine == {
        (date(2025, 6, 1), org.unit_a): (300, 0),  # the team, before it moved under dept
        (date(2025, 6, 1), org.unit_b): (0, 300),
        (JULY, org.unit_b): (500, 500),  # the new department's own month
    }
    report = budget_report(session, 2025, "EUR", dept)
    assert [c.center.code for c in report.centers] == [dept, org.team]
    # no budget, its actual and the team's below it rolled up
    assert report.centers[0].total == LineBalance(0, 0, 0, 800)


def test_a_future_department_is_out_of_todays_structure(session: Session, org: Org) -> None:
    dept = f"F-{org.team}"
    _import(session, org, date(2027, 1, 1), f"cost_center,parent,owner\n{dept},,{org.finance}\n")
    assert dept not in business_units_as_of(session, NOW.date())
    assert business_units_as_of(session, date(2027, 1, 1))[dept] == dept
    # a version before its day may not name it
    with pytest.raises(OrgRefused) as refused:
        _import(session, org, date(2026, 6, 1), f"cost_center,parent\n{org.team},{dept}\n")
    assert refused.value.rule == "center_not_open"


@pytest.mark.parametrize(
    ("rows", "rule"),
    [
        ("{new},NOPE-{tag},{owner}", "unknown_cost_center"),  # an unknown parent
        ("{new},{unit},", "unknown_cost_center"),  # an unknown code and no owner to create it
        ("{new},{unit},nobody-{tag}", "unknown_owner"),
        ("{new},{team},{owner}\n{unit},{new},", "hierarchy_cycle"),  # through today's team
    ],
)
def test_a_refused_new_department_stores_nothing(
    session: Session, org: Org, rows: str, rule: str
) -> None:
    new, tag = f"X-{org.team}", org.team
    names = {"new": new, "tag": tag, "owner": org.finance, "unit": org.unit_a, "team": org.team}
    versions = session.scalar(select(func.count()).select_from(OrgVersion))
    with pytest.raises(OrgRefused) as refused:
        _import(session, org, JULY, "cost_center,parent,owner\n" + rows.format(**names) + "\n")
    assert refused.value.rule == rule
    assert session.scalar(select(CostCenter.id).where(CostCenter.code == new)) is None
    assert session.scalar(select(func.count()).select_from(OrgVersion)) == versions
