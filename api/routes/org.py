"""The org through time: versions of the cost-center hierarchy and org chart (imported by
admins and finance, audited), the hierarchy and headcount as of a day, and past months'
costs and actuals restated per business unit under another day's structure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from adapters.csv_table import read_csv_table
from api.deps import CurrentUser, RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, Refused
from api.month_params import FromMonth, Month, ToMonth, first_day, month_range
from api.report_params import REPORT_READERS
from api.schemas.org import (
    CenterPlace,
    HeadcountOut,
    HierarchyOut,
    OrgVersionIn,
    OrgVersionOut,
    RestatedOut,
)
from domain.catalog import Role
from domain.org_chart import (
    CenterDetails,
    OrgFileError,
    Placement,
    read_center_details,
    read_hierarchy,
    read_people,
    read_scim_users,
)
from models.budgets.org_history import (
    OrgImport,
    OrgRefused,
    headcount,
    hierarchy_as_of,
    import_org,
)
from models.budgets.restatement import restate
from models.people.records import User

router = APIRouter(prefix="/api/org", tags=["budgets"], route_class=RefusalRoute)
OrgAuthor = Annotated[User, Depends(require_role(Role.ADMIN, Role.FINANCE))]
Reader = Annotated[User, Depends(require_role(*REPORT_READERS))]


@router.post(
    "/versions",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "A version already starts that day (`version_exists`)"}},
)
def import_version(body: OrgVersionIn, user: OrgAuthor, session: SessionDep) -> OrgVersionOut:
    """Store the org in force from ``effective_from``, creating the cost centers the hierarchy
    names that do not exist yet (a row with an owner: ``created``); 422 naming the rule (and
    row) of a file that cannot be read, an unknown cost center or owner, or a cycle; nothing is
    stored then."""
    try:
        org = _org_import(body)
        imported = import_org(session, org, by=user, at=datetime.now(UTC))
    except OrgFileError as error:
        raise Refused(422, str(error), rule=error.rule, row=error.row) from error
    except OrgRefused as refused:
        code = 409 if refused.rule == "version_exists" else 422
        raise Refused(code, str(refused), rule=refused.rule) from refused
    version = imported.version
    return OrgVersionOut(
        effective_from=version.effective_from,
        source=version.source,
        moved=imported.moved,
        created=imported.created,
    )


@router.get("/hierarchy")
def hierarchy(
    _: CurrentUser, session: SessionDep, as_of: Annotated[date | None, Query()] = None
) -> HierarchyOut:
    """Every cost center's parent and business unit as of ``as_of`` (today unless given)."""
    day = as_of or datetime.now(UTC).date()
    version_from, places = hierarchy_as_of(session, day)
    return HierarchyOut(
        as_of=day,
        version_from=version_from,
        cost_centers=[CenterPlace(**vars(place)) for place in places],
    )


@router.get("/headcount")
def people_per_center(_: Reader, session: SessionDep, period: Month) -> HeadcountOut:
    """People per cost center in the org chart in force at the end of ``period``."""
    return HeadcountOut(period=period, headcount=headcount(session, first_day(period)))


@router.get("/restatement")
def restatement(
    _: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    first: FromMonth,
    last: ToMonth = None,
    as_of: Annotated[date | None, Query()] = None,
) -> list[RestatedOut]:
    """Each month's cost and actuals per business unit, under the structure of that month
    (``original_minor``) and of ``as_of`` (``restated_minor``; today unless given)."""
    start, end = month_range(first, last)
    day = as_of or datetime.now(UTC).date()
    rows = restate(
        session, start, end, as_of=day, start_month=runtime.settings.fiscal_year_start_month
    )
    return [RestatedOut(**{**vars(row), "month": f"{row.month:%Y-%m}"}) for row in rows]


def _org_import(body: OrgVersionIn) -> OrgImport:
    hierarchy, details = _hierarchy(body.hierarchy_csv)
    if body.format == "scim":
        if body.scim is None:
            raise OrgFileError("a SCIM import carries its list of users in scim", "not_scim")
        people = read_scim_users(body.scim)
        return OrgImport(body.effective_from, "scim", hierarchy, people, body.note, details)
    people_csv = _people(body.people_csv)
    return OrgImport(body.effective_from, "csv", hierarchy, people_csv, body.note, details)


def _hierarchy(
    text: str | None,
) -> tuple[dict[str, str | None] | None, dict[str, CenterDetails]]:
    """The hierarchy's parents and what its rows say of their centers (none without a file)."""
    if not text:
        return None, {}
    table = read_csv_table(text)
    parents = read_hierarchy(table.header, table.rows)
    return parents, read_center_details(table.header, table.rows)


def _people(text: str | None) -> list[Placement] | None:
    if not text:
        return None
    table = read_csv_table(text)
    return read_people(table.header, table.rows)
