"""Who am I: the caller's identity and roles, for API clients checking their token."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentUser
from domain.catalog import Role

router = APIRouter(prefix="/api", tags=["people"])


class Me(BaseModel):
    username: str
    display_name: str
    email: str
    roles: list[Role]


@router.get("/me")
def me(user: CurrentUser) -> Me:
    return Me(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        roles=sorted(user.role_names),
    )
