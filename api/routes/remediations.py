"""Tag remediation and virtual tags: finance, FinOps and admins start a period's remediations
(one workflow per resource owner); virtual tags map resources by hand (finance, FinOps, admins,
or an owner on a resource their open remediation lists), each audited, re-running the
allocation of the periods it touches and telling their remediations to look again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from api.deps import CurrentUser, RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute
from api.params import PositiveInt32
from api.schemas.remediations import (
    RemediationsStarted,
    VirtualTagIn,
    VirtualTagOut,
    VirtualTagRemapped,
)
from domain.catalog import Role
from models.costs.virtual_tag_store import active_virtual_tags
from models.people.records import User
from services.costs.remediations import (
    VirtualTagRequest,
    map_by_virtual_tag,
    retire,
    start_remediations,
)

router = APIRouter(prefix="/api/costs", tags=["costs"], route_class=RefusalRoute)
Governor = Annotated[User, Depends(require_role(Role.FINANCE, Role.FINOPS, Role.ADMIN))]


@router.post(
    "/remediations/{period}",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "no tag policy is in force (`no_tag_policy`)"}},
)
async def start(period: str, _: Governor, runtime: RuntimeDep) -> RemediationsStarted:
    """Start the remediation of each owner of a resource breaking the tag policy in ``period``
    (``YYYY-MM``); an owner's running one goes on. 409 ``no_tag_policy`` without a policy."""
    app = runtime.services
    owners = await start_remediations(app.temporal, app.settings, app.sessions, period)
    return RemediationsStarted(period=period, owners=owners)


@router.get("/virtual-tags")
def virtual_tags(_: CurrentUser, session: SessionDep) -> list[VirtualTagOut]:
    """The virtual tags that apply now, oldest first."""
    return [VirtualTagOut.model_validate(tag) for tag in active_virtual_tags(session)]


@router.post(
    "/virtual-tags",
    status_code=status.HTTP_201_CREATED,
    responses={403: {"description": "the caller may not map this (`not_entitled`)"}},
)
async def add(body: VirtualTagIn, user: CurrentUser, runtime: RuntimeDep) -> VirtualTagRemapped:
    """Set a tag on every line a resource, sub-account, billing account or service names, past
    periods included; answers with the periods it touched and those allocated again. 403
    ``not_entitled`` for someone who may not map that resource."""
    app = runtime.services
    request = VirtualTagRequest(body.match, body.match_value, body.key, body.value, body.reason)
    start_month = runtime.settings.fiscal_year_start_month
    remapped = await map_by_virtual_tag(
        app.temporal, app.sessions, user, request, start_month=start_month
    )
    return VirtualTagRemapped.model_validate(remapped, from_attributes=True)


@router.post("/virtual-tags/{tag_id}/retire")
async def retire_tag(
    tag_id: PositiveInt32, user: Governor, runtime: RuntimeDep
) -> VirtualTagRemapped:
    """The tag stops applying, to every period; the same consequences as setting it."""
    app = runtime.services
    start_month = runtime.settings.fiscal_year_start_month
    remapped = await retire(app.temporal, app.sessions, user, tag_id, start_month=start_month)
    return VirtualTagRemapped.model_validate(remapped, from_attributes=True)
