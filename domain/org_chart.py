"""The org as an HR system or an identity provider exports it: the cost-center hierarchy
(center -> parent, and optionally a new center's name, owner and legal entity) and the org
chart (person -> cost center, manager), read from a CSV's header and rows (as
``adapters.csv_table`` reads them) or from a SCIM 2.0 list of users (RFC 7643, enterprise
extension: ``costCenter``, ``department``, ``manager``). Reading checks each row and names the
first wrong one; it knows nothing of which cost centers exist (the store checks that)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CENTER_COLUMNS = ("cost_center", "parent")
# What a hierarchy row may also say of its center, used when the import creates it, and how
# long each may be (as the cost-center table keeps them; a code is at most 40 characters).
DETAIL_LENGTHS = {"cost_center": 40, "name": 200, "owner": 200, "legal_entity": 40}
PEOPLE_COLUMNS = ("person", "cost_center", "manager")


class OrgFileError(ValueError):
    """A file that cannot be read as the org: ``rule`` names the check, ``row`` the place
    (1 is the first data row of a CSV, or the first user of a SCIM list)."""

    def __init__(self, message: str, rule: str, row: int | None = None) -> None:
        super().__init__(f"row {row}: {message}" if row else message)
        self.rule = rule
        self.row = row


@dataclass(frozen=True)
class Placement:
    """A person's place in the org chart: their cost center and their manager (a person)."""

    person: str
    cost_center: str
    manager: str | None


@dataclass(frozen=True)
class CenterDetails:
    """What a hierarchy row says of its center besides its parent: its name, its owner (a
    username) and its legal entity, each empty when the file has no such column or value."""

    name: str = ""
    owner: str = ""
    legal_entity: str = ""


Rows = Sequence[Mapping[str, str]]


def read_hierarchy(header: Sequence[str], rows: Rows) -> dict[str, str | None]:
    """``cost_center,parent`` rows (an empty parent: a business unit) as center -> parent."""
    parents: dict[str, str | None] = {}
    for row, values in _checked(header, rows, CENTER_COLUMNS):
        center = _required(values, "cost_center", row)
        if center in parents:
            raise OrgFileError(f"cost center {center} is listed twice", "duplicate_center", row)
        parents[center] = (values.get("parent") or "").strip() or None
    business_units(parents)
    return parents


def read_center_details(header: Sequence[str], rows: Rows) -> dict[str, CenterDetails]:
    """The optional ``name``, ``owner`` and ``legal_entity`` columns of hierarchy rows, by
    center (read after ``read_hierarchy`` accepted the rows); a value too long is refused."""
    details: dict[str, CenterDetails] = {}
    for row, values in _checked(header, rows, CENTER_COLUMNS):
        for column, longest in DETAIL_LENGTHS.items():
            if len((values.get(column) or "").strip()) > longest:
                raise OrgFileError(f"{column} has more than {longest} characters", "too_long", row)
        details[_required(values, "cost_center", row)] = CenterDetails(
            *((values.get(column) or "").strip() for column in ("name", "owner", "legal_entity"))
        )
    return details


def read_people(header: Sequence[str], rows: Rows) -> list[Placement]:
    """``person,cost_center,manager`` rows; a person listed once."""
    placements = [
        Placement(
            _required(values, "person", row),
            _required(values, "cost_center", row),
            (values.get("manager") or "").strip() or None,
        )
        for row, values in _checked(header, rows, PEOPLE_COLUMNS)
    ]
    return _distinct(placements)


def read_scim_users(document: Mapping[str, Any]) -> list[Placement]:
    """Active users of a SCIM ListResponse: ``userName``, the enterprise extension's
    ``costCenter`` (else its ``department``) and ``manager.value`` (a user's ``id`` in the same
    list, read as that user's ``userName``). Values that are not text are refused as missing."""
    users = document.get("Resources")
    if not isinstance(users, list) or not all(isinstance(u, dict) for u in users):
        raise OrgFileError("a SCIM list of users has a Resources array of users", "not_scim")
    names = {_text(u, "id"): _text(u, "userName") for u in users if _text(u, "id")}
    placements = []
    for row, user in enumerate(users, start=1):
        name = _text(user, "userName")
        if not name:
            raise OrgFileError("a user without a userName", "missing_value", row)
        if user.get("active") is False:
            continue
        extension = user.get(ENTERPRISE_USER)
        extension = extension if isinstance(extension, dict) else {}
        center = _text(extension, "costCenter") or _text(extension, "department")
        if not center:
            raise OrgFileError(f"{name} has no costCenter", "missing_value", row)
        manager = extension.get("manager")
        manager_id = _text(manager, "value") if isinstance(manager, dict) else ""
        if manager_id and manager_id not in names:
            raise OrgFileError(f"manager {manager_id} is not in the list", "unknown_manager", row)
        placements.append(Placement(name, center, names.get(manager_id) or None))
    return _distinct(placements)


def _text(values: Mapping[str, Any], key: str) -> str:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""


def business_units(parents: Mapping[str, str | None]) -> dict[str, str]:
    """Each center's business unit: the root reached by following parents (a parent the
    mapping does not name is a root). A cycle is refused."""
    units: dict[str, str] = {}
    for center in parents:
        path, current = [center], parents[center]
        while current is not None and current in parents and current not in units:
            if current in path:
                raise OrgFileError(f"{center} is its own ancestor", "hierarchy_cycle")
            path.append(current)
            current = parents[current]
        root = units.get(current, current) if current is not None else path[-1]
        for member in path:
            units[member] = root
    return units


def _checked(
    header: Sequence[str], rows: Rows, columns: tuple[str, ...]
) -> list[tuple[int, Mapping[str, str]]]:
    missing = [name for name in columns[:2] if name not in header]
    if missing:
        raise OrgFileError(f"the header has no {', '.join(missing)} column", "missing_column")
    if not rows:
        raise OrgFileError("the file holds no row", "empty_file")
    return list(enumerate(rows, start=1))


def _required(values: Mapping[str, str | None], column: str, row: int) -> str:
    value = (values.get(column) or "").strip()
    if not value:
        raise OrgFileError(f"no {column}", "missing_value", row)
    return value


def _distinct(placements: list[Placement]) -> list[Placement]:
    seen: set[str] = set()
    for row, placement in enumerate(placements, start=1):
        if placement.person in seen:
            raise OrgFileError(f"{placement.person} is listed twice", "duplicate_person", row)
        seen.add(placement.person)
    return placements
