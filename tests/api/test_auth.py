"""API tokens identify the caller; roles gate what they may call."""

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.deps import get_session, require_role
from domain.catalog import Role
from models.people.accounts import issue_api_token, upsert_user


def test_me_needs_a_valid_token(client: TestClient, session: Session) -> None:
    user = upsert_user(session, "alex", roles=[Role.REQUESTER], display_name="Alex Kim")
    token = issue_api_token(session, user)
    assert client.get("/api/me").status_code == 401
    bad = client.get("/api/me", headers={"Authorization": "Bearer pf_wrong"})
    assert bad.status_code == 401 and "API token" in bad.json()["detail"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {
        "username": "alex",
        "display_name": "Alex Kim",
        "email": "alex@example.org",
        "roles": ["requester"],
    }


def test_a_role_gate_refuses_other_roles_with_403(session: Session) -> None:
    requester = issue_api_token(session, upsert_user(session, "alex", roles=[Role.REQUESTER]))
    finance = issue_api_token(session, upsert_user(session, "fiona", roles=[Role.FINANCE]))
    app = FastAPI()
    app.dependency_overrides[get_session] = lambda: session

    @app.get("/budgets", dependencies=[Depends(require_role(Role.FINANCE, Role.AUDITOR))])
    def budgets() -> dict[str, str]:
        return {"ok": "yes"}

    with TestClient(app) as client:
        refused = client.get("/budgets", headers={"Authorization": f"Bearer {requester}"})
        allowed = client.get("/budgets", headers={"Authorization": f"Bearer {finance}"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "requires a role of: auditor, finance"
    assert allowed.status_code == 200
