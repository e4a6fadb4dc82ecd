"""Approval policies: data, versioned, never code. Anyone signed in reads them; admins and
procurement upload new versions.

A PO keeps the version it was routed with: its workflow pins the parsed policy when it routes,
so uploading a version changes the routing of new POs only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import CurrentUser, RuntimeDep, SessionDep, require_role
from api.errors import RefusalRoute, invalid_document
from api.params import PositiveInt32
from api.schemas.policies import PolicyCreated, PolicyIn, PolicySummary, PolicyVersion
from domain.catalog import Role
from models.people.records import User
from models.purchase_orders.policy_schema import POLICY_SCHEMA
from models.purchase_orders.policy_store import (
    PolicyRefused,
    policy_version,
    policy_versions,
    store_policy,
)

router = APIRouter(prefix="/api/policies", tags=["policies"], route_class=RefusalRoute)
PolicyAuthor = Annotated[User, Depends(require_role(Role.ADMIN, Role.PROCUREMENT))]


@router.get("")
def list_policies(_: CurrentUser, session: SessionDep) -> list[PolicySummary]:
    """Every stored version, newest first; the newest routes new POs."""
    return [PolicySummary.model_validate(policy) for policy in policy_versions(session)]


@router.get("/schema")
def policy_schema(_: CurrentUser) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) a policy document must satisfy."""
    return POLICY_SCHEMA


@router.get("/{name}/versions/{version}")
def get_policy_version(
    name: str, version: PositiveInt32, _: CurrentUser, session: SessionDep
) -> PolicyVersion:
    policy = policy_version(session, name, version)
    if policy is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no policy {name} v{version}")
    return PolicyVersion.model_validate(policy)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "`errors` lists each place (`field`) wrong in the document"}},
)
def upload_policy(
    body: PolicyIn, user: PolicyAuthor, session: SessionDep, runtime: RuntimeDep
) -> PolicyCreated:
    """Check the document against the schema (every error is listed) and the parser, then store
    it as the next version of ``name``; POs already routed keep their version."""
    try:
        policy = store_policy(
            session,
            body.name,
            body.document,
            note=body.note,
            author=user,
            base_currency=runtime.settings.base_currency,
            at=datetime.now(UTC),
        )
    except PolicyRefused as refused:
        raise invalid_document(refused, "policy", "policy_document") from refused
    created = PolicyCreated(name=policy.name, version=policy.version)
    return created
