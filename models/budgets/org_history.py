"""The org through time: importing a version (effective from a date) of the cost-center
hierarchy and the org chart, and reading either as of a day.

A version states parents for the centers it names; a center it does not name keeps the parent
``cost_centers`` gives it. An import that brings only the hierarchy (or only the people) keeps
the other half of the version in force before it. A version effective today or earlier that is
the newest also becomes today's structure (``cost_centers.parent_id``), so the cost explorer's
"a center and every center below it" follows the re-organisation. A hierarchy row naming a code
that does not exist creates that cost center (``org_new_centers``), from the version's day on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import BigInteger, func, insert, literal, select
from sqlalchemy.orm import Session

from domain.audit_chain import AuditEvent
from domain.org_chart import CenterDetails, OrgFileError, Placement, business_units
from models import CostCenter, OrgVersion, OrgVersionCenter, OrgVersionPerson
from models.audit.trail import append_audit_entry
from models.budgets.org_new_centers import NewCenter, open_centers
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
    # What the hierarchy's rows say of their centers (name, owner, legal entity), by code: the
    # import creates a center it names that does not exist with them.
    details: Mapping[str, CenterDetails] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportedOrg:
    """The version stored, each cost center it moved on its effective date ([from, to]), and
    the codes of the cost centers it created."""

    version: OrgVersion
    moved: dict[str, list[str | None]]
    created: list[str] = field(default_factory=list)


def import_org(session: Session, org: OrgImport, *, by: User, at: datetime) -> ImportedOrg:
    """Store ``org`` as the version in force from its effective date, audited, creating the
    cost centers its hierarchy rows name that do not exist yet; refused (nothing stored) when
    it brings nothing, names a cost center that neither exists nor is created (a hierarchy row
    with an owner creates one), names one not open yet on that day, gives a new one an owner
    who is not an active user, makes a cycle, or a version already starts that day."""
    if org.hierarchy is None and org.people is None:
        raise OrgRefused("an import brings a hierarchy, people, or both", "nothing_to_import")
    ids, new = _center_ids(session, org)
    if session.scalar(select(OrgVersion.id).where(OrgVersion.effective_from == org.effective_from)):
        raise OrgRefused(f"a version already starts on {org.effective_from}", "version_exists")
    _keep_baseline(session, by)
    ids |= open_centers(session, org.effective_from, new, by=by, at=at)
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
    _audit(session, version, by, at, moved, sorted(new))
    return ImportedOrg(version, moved, sorted(new))


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
    """Every cost center's parent (codes) as of ``day``; a center an import opened later is
    left out."""
    centers = session.execute(
        select(CostCenter.id, CostCenter.code, CostCenter.parent_id, CostCenter.opened_on)
    ).all()
    codes = {center.id: center.code for center in centers}
    parents = {
        center.code: codes.get(center.parent_id) if center.parent_id else None
        for center in centers
        if center.opened_on is None or center.opened_on <= day
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


def _center_ids(session: Session, org: OrgImport) -> tuple[dict[str, int], dict[str, NewCenter]]:
    """The ids of every existing code the import names, and the centers it creates (the
    hierarchy's rows that name no existing code and give an owner); refused on a code that is
    neither, a center not open yet on the version's day, an owner who is not an active user,
    or a cycle."""
    hierarchy = org.hierarchy or {}
    named = set(hierarchy) | {p for p in hierarchy.values() if p}
    named |= {person.cost_center for person in org.people or ()}
    found = session.execute(
        select(CostCenter.code, CostCenter.id, CostCenter.opened_on).where(
            CostCenter.code.in_(named)
        )
    ).all()
    ids = {row.code: row.id for row in found}
    created = {code for code in set(hierarchy) - set(ids) if _details(org, code).owner}
    unknown = sorted(named - set(ids) - created)
    if unknown:
        message = f"no cost center {', '.join(unknown)} (a row with an owner creates one)"
        raise OrgRefused(message, "unknown_cost_center")
    later = sorted(f"{r.code} ({r.opened_on})" for r in found if _opens_after(r.opened_on, org))
    if later:
        message = f"not open on {org.effective_from}: {', '.join(later)}"
        raise OrgRefused(message, "center_not_open")
    _refuse_cycles(session, org)
    owners = _owners(session, {code: _details(org, code).owner for code in created})
    new = {code: NewCenter(hierarchy[code], _details(org, code), owners[code]) for code in created}
    return ids, new


def _refuse_cycles(session: Session, org: OrgImport) -> None:
    if org.hierarchy is None:
        return
    merged = {**parents_as_of(session, org.effective_from), **org.hierarchy}
    try:
        business_units(merged)
    except OrgFileError as error:
        raise OrgRefused(str(error), error.rule) from error


def _opens_after(opened_on: date | None, org: OrgImport) -> bool:
    return opened_on is not None and opened_on > org.effective_from


def _details(org: OrgImport, code: str) -> CenterDetails:
    return org.details.get(code, CenterDetails())


def _owners(session: Session, wanted: Mapping[str, str]) -> dict[str, User]:
    """Each new center's owner (code -> username), an active user."""
    if not wanted:
        return {}
    users = {
        user.username: user
        for user in session.scalars(
            select(User).where(User.username.in_(set(wanted.values())), User.active)
        )
    }
    unknown = sorted({owner for owner in wanted.values() if owner not in users})
    if unknown:
        message = f"no active user {', '.join(unknown)} to own a cost center"
        raise OrgRefused(message, "unknown_owner")
    return {code: users[owner] for code, owner in wanted.items()}


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
    session: Session,
    version: OrgVersion,
    by: User,
    at: datetime,
    moved: Mapping[str, object],
    created: list[str],
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
                "created": created,
            },
        ),
    )


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
