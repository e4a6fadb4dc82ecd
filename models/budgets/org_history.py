"""The org through time: importing a version (effective from a date) of the cost-center
hierarchy and the org chart, and reading either as of a day.

A version states parents for the centers it names; a center it does not name keeps the parent
``cost_centers`` gives it. An import that brings only the hierarchy (or only the people) keeps
the other half of the version in force before it. A version effective today or earlier that is
the newest also becomes today's structure (``cost_centers.parent_id``), so the cost explorer's
"a center and every center below it" follows the re-organisation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, func, insert, literal, select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.org_chart import OrgFileError, Placement, business_units
from models import CostCenter, OrgVersion, OrgVersionCenter, OrgVersionPerson
from models.audit.trail import append_audit_entry
from models.people.records import User

BASELINE_DAY = date(1900, 1, 1)


class OrgRefused(ValueError):
    """An import that cannot be stored; ``rule`` names the check. Nothing is written."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class OrgImport:
    """What an import brings: the hierarchy (center code -> parent code), the people, or both."""

    effective_from: date
    source: str  # csv or scim
    hierarchy: Mapping[str, str | None] | None = None
    people: Sequence[Placement] | None = None
    note: str = ""


@dataclass(frozen=True)
class ImportedOrg:
    """The version stored, and each cost center it moved on its effective date: [from, to]."""

    version: OrgVersion
    moved: dict[str, list[str | None]]


def import_org(session: Session, org: OrgImport, *, by: User, at: datetime) -> ImportedOrg:
    """Store ``org`` as the version in force from its effective date, audited; refused (nothing
    stored) when it brings nothing, names a cost center that does not exist, makes a cycle, or
    a version already starts that day."""
    if org.hierarchy is None and org.people is None:
        raise OrgRefused("an import brings a hierarchy, people, or both", "nothing_to_import")
    ids = _center_ids(session, org)
    if session.scalar(select(OrgVersion.id).where(OrgVersion.effective_from == org.effective_from)):
        raise OrgRefused(f"a version already starts on {org.effective_from}", "version_exists")
    _keep_baseline(session, by)
    previous = version_in_force(session, org.effective_from)
    before = parents_as_of(session, org.effective_from)
    version = OrgVersion(
        effective_from=org.effective_from, source=org.source, note=org.note, imported_by_id=by.id
    )
    session.add(version)
    session.flush()
    _store_centers(session, version.id, org.hierarchy, ids, previous)
    _store_people(session, version.id, org.people, ids, previous)
    after = parents_as_of(session, org.effective_from)
    if _newest(session, version) and org.effective_from <= at.date():
        _apply_today(session, after)
    moved: dict[str, list[str | None]] = {
        code: [before.get(code), parent]
        for code, parent in after.items()
        if before.get(code) != parent
    }
    _audit(session, version, by, at, moved)
    return ImportedOrg(version, moved)


def _keep_baseline(session: Session, by: User) -> None:
    """Before the first import, the structure as it stands is kept as the version in force
    since the beginning (``baseline``), so the months before a re-organisation keep it."""
    if session.scalar(select(OrgVersion.id).limit(1)) is not None:
        return
    baseline = OrgVersion(effective_from=BASELINE_DAY, source="baseline", imported_by_id=by.id)
    session.add(baseline)
    session.flush()
    session.execute(
        insert(OrgVersionCenter).from_select(
            ["version_id", "cost_center_id", "parent_id"],
            select(literal(baseline.id, BigInteger), CostCenter.id, CostCenter.parent_id),
        )
    )


def version_in_force(session: Session, day: date) -> OrgVersion | None:
    """The version whose effective date is the latest on or before ``day``."""
    return session.scalar(
        select(OrgVersion)
        .where(OrgVersion.effective_from <= day)
        .order_by(OrgVersion.effective_from.desc())
        .limit(1)
    )


def parents_as_of(session: Session, day: date) -> dict[str, str | None]:
    """Every cost center's parent (codes) as of ``day``."""
    codes = dict(session.execute(select(CostCenter.id, CostCenter.code)).tuples().all())
    parents = {
        codes[center]: codes.get(parent) if parent else None
        for center, parent in session.execute(select(CostCenter.id, CostCenter.parent_id))
    }
    version = version_in_force(session, day)
    if version is not None:
        stated = select(OrgVersionCenter.cost_center_id, OrgVersionCenter.parent_id).where(
            OrgVersionCenter.version_id == version.id
        )
        for center, parent in session.execute(stated):
            parents[codes[center]] = codes[parent] if parent else None
    return parents


def business_units_as_of(session: Session, day: date) -> dict[str, str]:
    """Each cost center's business unit (the root of the hierarchy) as of ``day``."""
    return business_units(parents_as_of(session, day))


@dataclass(frozen=True)
class CenterPlace:
    code: str
    parent: str | None
    business_unit: str


def hierarchy_as_of(session: Session, day: date) -> tuple[date | None, list[CenterPlace]]:
    """The effective date of the version in force on ``day`` (None: no import yet) and every
    cost center's parent and business unit then, by code."""
    version = version_in_force(session, day)
    parents = parents_as_of(session, day)
    units = business_units(parents)
    places = [CenterPlace(code, parents[code], units[code]) for code in sorted(parents)]
    return (version.effective_from if version else None), places


def headcount(session: Session, period: date) -> dict[str, int]:
    """People per cost center (code) in the org chart in force on the last day of the month of
    ``period``; centers with nobody are left out, and so is everything when no imported org
    chart is in force then (the key of a headcount allocation)."""
    month_end = _month_end(period)
    version = version_in_force(session, month_end)
    if version is None:
        return {}
    rows = session.execute(
        select(CostCenter.code, func.count())
        .join(OrgVersionPerson, OrgVersionPerson.cost_center_id == CostCenter.id)
        .where(OrgVersionPerson.version_id == version.id)
        .group_by(CostCenter.code)
    )
    return {code: int(count) for code, count in rows}


def _center_ids(session: Session, org: OrgImport) -> dict[str, int]:
    """The ids of every code the import names; refused on the first unknown one or a cycle."""
    named = set(org.hierarchy or {}) | {p for p in (org.hierarchy or {}).values() if p}
    named |= {person.cost_center for person in org.people or ()}
    ids = dict(
        session.execute(select(CostCenter.code, CostCenter.id).where(CostCenter.code.in_(named)))
        .tuples()
        .all()
    )
    unknown = sorted(named - set(ids))
    if unknown:
        raise OrgRefused(f"no cost center {', '.join(unknown)}", "unknown_cost_center")
    if org.hierarchy is not None:
        merged = {**parents_as_of(session, org.effective_from), **org.hierarchy}
        try:
            business_units(merged)
        except OrgFileError as error:
            raise OrgRefused(str(error), error.rule) from error
    return ids


def _store_centers(
    session: Session,
    version_id: int,
    hierarchy: Mapping[str, str | None] | None,
    ids: Mapping[str, int],
    previous: OrgVersion | None,
) -> None:
    if hierarchy is None:
        if previous is not None:
            _copy(session, OrgVersionCenter, previous.id, version_id)
        return
    session.add_all(
        OrgVersionCenter(
            version_id=version_id,
            cost_center_id=ids[code],
            parent_id=ids[parent] if parent else None,
        )
        for code, parent in hierarchy.items()
    )
    session.flush()


def _store_people(
    session: Session,
    version_id: int,
    people: Sequence[Placement] | None,
    ids: Mapping[str, int],
    previous: OrgVersion | None,
) -> None:
    if people is None:
        if previous is not None:
            _copy(session, OrgVersionPerson, previous.id, version_id)
        return
    session.add_all(
        OrgVersionPerson(
            version_id=version_id,
            person=p.person,
            cost_center_id=ids[p.cost_center],
            manager=p.manager,
        )
        for p in people
    )
    session.flush()


def _copy(
    session: Session, table: type[OrgVersionCenter] | type[OrgVersionPerson], source: int, to: int
) -> None:
    """The other half of the version in force before, carried into the new one."""
    columns = [c for c in table.__table__.columns if c.name != "version_id"]
    rows = select(literal(to, BigInteger), *columns).where(table.version_id == source)
    session.execute(insert(table).from_select(["version_id", *(c.name for c in columns)], rows))


def _newest(session: Session, version: OrgVersion) -> bool:
    newest = session.scalar(select(func.max(OrgVersion.effective_from)))
    return newest == version.effective_from


def _apply_today(session: Session, parents: Mapping[str, str | None]) -> None:
    centers = {c.code: c for c in session.scalars(select(CostCenter))}
    for code, parent in parents.items():
        parent_id = centers[parent].id if parent else None
        if centers[code].parent_id != parent_id:
            centers[code].parent_id = parent_id
    session.flush()


def _audit(
    session: Session, version: OrgVersion, by: User, at: datetime, moved: Mapping[str, object]
) -> None:
    people = session.scalar(select(func.count()).where(OrgVersionPerson.version_id == version.id))
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by.username,
            action="org.version_imported",
            entity_type="org_version",
            entity_id=f"{version.effective_from}",
            idempotency_key=f"org-version:{version.id}:imported",
            after={
                "source": version.source,
                "note": version.note,
                "people": people,
                "moved": dict(moved),
            },
        ),
    )


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
