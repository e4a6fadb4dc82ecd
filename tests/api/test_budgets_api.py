"""Budgets and the ledger over the JSON API (real app, real Postgres, rolled back): finance and
admins write, procurement and auditors read, a requester gets 403; a refusal is 4xx naming its
rule and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from domain.catalog import Role
from models.budgets.commitments import commit, reserve
from models.people.accounts import issue_api_token, upsert_user
from tests.models.budget_org import MONTHLY, YEAR, BudgetOrg, budget_org


@dataclass
class Api:
    client: TestClient
    org: BudgetOrg
    tokens: dict[str, str]

    def call(self, who: str, method: str, path: str, body: Any = None, **params: Any) -> Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        response: Response = self.client.request(
            method, path, headers=headers, json=body, params=params
        )
        return response

    def line_path(self, center: str, period: int) -> str:
        return f"/api/budgets/{center}/{self.org.gl}/{YEAR}/{period}"

    def history(self, center: str, period: int) -> list[dict[str, Any]]:
        path = f"/api/budgets/{center}/{self.org.gl}/{YEAR}/history"
        response = self.call("auditor", "GET", path)
        assert response.status_code == 200, response.text
        return [entry for entry in response.json() if entry["period"] == period]

    def line(self, center: str, period: int, year: int = YEAR) -> dict[str, Any]:
        found = self.call(
            "procurement", "GET", "/api/budgets", fiscal_year=year, cost_center=center
        )
        assert found.status_code == 200, found.text
        return next(line for line in found.json() if line["period"] == period)


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    org = budget_org(session)
    tokens = {"finance": issue_api_token(session, org.finance)}
    for role in (Role.REQUESTER, Role.PROCUREMENT, Role.AUDITOR, Role.ADMIN):
        user = upsert_user(session, f"{role.value}-{org.gl}", roles=[role])
        tokens[role.value] = issue_api_token(session, user)
    return Api(client, org, tokens)


def test_finance_revises_a_line_and_history_says_who_and_why(api: Api) -> None:
    body = {"amount": "12500.00", "reason": "cloud migration"}
    revised = api.call("finance", "PUT", api.line_path(api.org.source, 3), body)
    assert revised.status_code == 200, revised.text
    assert revised.json() | {"created_at": None} == revised.json() | {
        "period": 3,
        "version": 2,
        "amount_minor": 1_250_000,
        "kind": "revision",
        "created_at": None,
    }
    assert api.line(api.org.source, 3)["budget_minor"] == 1_250_000
    newest = api.history(api.org.source, 3)[0]
    assert (newest["author"], newest["reason"]) == (api.org.finance.username, "cloud migration")
    admin = api.call("admin", "PUT", api.line_path(api.org.source, 3), body | {"reason": "admin"})
    assert admin.status_code == 200


def test_refused_revisions_name_the_rule_and_write_nothing(api: Api, session: Session) -> None:
    reserve(session, api.org.movement("PO-API-1", 600_000, date(YEAR, 5, 2)), 1)
    path = api.line_path(api.org.source, 5)
    refusals = {
        409: ({"amount": "5999.99", "reason": "cut"}, "below_consumption"),
        422: ({"amount": "7000.00", "reason": " "}, "reason_required"),
    }
    for code, (body, rule) in refusals.items():
        response = api.call("finance", "PUT", path, body)
        assert (response.status_code, response.json()["rule"]) == (code, rule), response.text
    fine = {"amount": "7000.00", "reason": "right"}
    unknown = api.call("finance", "PUT", f"/api/budgets/NOPE/{api.org.gl}/{YEAR}/5", fine)
    assert (unknown.status_code, unknown.json()["rule"]) == (404, "unknown_line")
    number = api.call("finance", "PUT", path, {"amount": 7000.0, "reason": "float"})
    assert number.status_code == 422
    assert len(api.history(api.org.source, 5)) == 1


def test_only_finance_and_admins_write_and_requesters_do_not_read(api: Api) -> None:
    body = {"amount": "1.00", "reason": "mine"}
    for who in ("requester", "procurement", "auditor"):
        response = api.call(who, "PUT", api.line_path(api.org.source, 1), body)
        assert response.status_code == 403, who
    listing = api.call("requester", "GET", "/api/budgets", fiscal_year=YEAR)
    assert listing.status_code == 403
    carry = api.call("requester", "POST", "/api/budgets/carry-forward", {"fiscal_year": YEAR})
    assert carry.status_code == 403


def test_a_transfer_moves_available_budget_or_is_refused_whole(api: Api) -> None:
    org = api.org
    source = {"cost_center": org.source, "gl_account": org.gl, "fiscal_year": YEAR, "period": 6}
    target = source | {"cost_center": org.target}
    body = {"source": source, "target": target, "amount": "2500.00", "reason": "new team"}
    moved = api.call("finance", "POST", "/api/budgets/transfers", body)
    assert moved.status_code == 201, moved.text
    transfer_id = moved.json()["transfer_id"]
    assert (
        moved.json()["source"]["transfer_id"]
        == moved.json()["target"]["transfer_id"]
        == transfer_id
    )
    assert api.line(org.source, 6)["available_minor"] == MONTHLY - 250_000
    assert api.line(org.target, 6)["available_minor"] == 250_000

    too_much = api.call("finance", "POST", "/api/budgets/transfers", body | {"amount": "7500.01"})
    assert (too_much.status_code, too_much.json()["rule"]) == (409, "insufficient_available")
    assert len(api.history(org.source, 6)) == 2 and len(api.history(org.target, 6)) == 1
    same = api.call("finance", "POST", "/api/budgets/transfers", body | {"target": source})
    assert (same.status_code, same.json()["rule"]) == (422, "same_line")


def test_carry_forward_moves_open_commitment_once(api: Api, session: Session) -> None:
    movement = api.org.movement("PO-API-CF", 300_000, date(YEAR, 12, 1), days=31)
    reserve(session, movement, 1)
    commit(session, api.org.movement("PO-API-CF", 300_000, date(YEAR, 12, 1), days=31), 1)
    first = api.call("finance", "POST", "/api/budgets/carry-forward", {"fiscal_year": YEAR})
    assert first.status_code == 200, first.text
    assert "PO-API-CF" in first.json()["purchase_orders"]
    assert api.line(api.org.source, 12)["committed_minor"] == 0
    assert api.line(api.org.source, 1, YEAR + 1)["committed_minor"] == 300_000
    again = api.call("finance", "POST", "/api/budgets/carry-forward", {"fiscal_year": YEAR})
    assert again.json()["moved_minor"] == 0


def test_actuals_book_once_and_corrections_stay_above_zero(api: Api) -> None:
    org = api.org
    line = {"cost_center": org.source, "gl_account": org.gl, "fiscal_year": YEAR, "period": 2}
    bill = line | {"amount": "812.40", "reference": f"AWS-{org.gl}-17"}
    first = api.call("finance", "POST", "/api/ledger/actuals", bill)
    assert (first.status_code, first.json()["new"]) == (201, True), first.text
    again = api.call("finance", "POST", "/api/ledger/actuals", bill)
    assert (again.status_code, again.json()["new"]) == (200, False)
    other = api.call("finance", "POST", "/api/ledger/actuals", bill | {"amount": "812.41"})
    assert (other.status_code, other.json()["rule"]) == (409, "reference_reused")
    assert api.line(org.source, 2)["actual_minor"] == 81_240

    fix = line | {"actual": "-12.40", "reason": "credit note CN-3"}
    fixed = api.call("finance", "POST", "/api/ledger/adjustments", fix)
    assert fixed.status_code == 201, fixed.text
    below = api.call("finance", "POST", "/api/ledger/adjustments", fix | {"actual": "-800.01"})
    assert (below.status_code, below.json()["rule"]) == (409, "below_zero")
    assert api.line(org.source, 2)["actual_minor"] == 80_000
    assert api.call("requester", "POST", "/api/ledger/actuals", bill).status_code == 403
