"""Out-of-office delegations: validated, scoped, seen in the delegate's inbox, revocable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api import e2e
from tests.api.e2e import Stack, storage_body

stack = e2e.stack


def _window(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(),
    }
    return body | changes


async def _inbox(stack: Stack, user: str) -> dict[str, str | None]:
    """PO number → on_behalf_of, for every item in ``user``'s inbox."""
    items = (await stack.get(user, "/api/inbox")).json()["items"]
    return {item["po_number"]: item["on_behalf_of"] for item in items}


async def test_a_delegation_is_refused_unless_it_is_well_formed(stack: Stack) -> None:
    now = datetime.now(UTC)
    backwards = _window(delegate="nora", ends_at=(now - timedelta(days=1)).isoformat())
    refusals = {
        "ends before it starts": backwards,
        "to oneself": _window(delegate="priya"),
        "to nobody known": _window(delegate="ghost"),
        "unknown cost center": _window(delegate="nora", cost_centers=["NOPE"]),
        "float money": _window(delegate="nora", max_amount_base=500.0),
        "no time zone": _window(delegate="nora", starts_at="2030-01-01T08:00:00"),
    }
    for why, body in refusals.items():
        response = await stack.post("priya", "/api/delegations", body)
        assert response.status_code == 422, why
    assert (
        await stack.post("alex", "/api/delegations", _window(delegate="nora"))
    ).status_code == 403
    assert [d for d in (await stack.get("priya", "/api/delegations")).json() if d["active"]] == []


async def test_a_delegate_sees_and_decides_for_the_delegator_until_revoked(stack: Stack) -> None:
    first = await stack.submit("alex", storage_body())
    second = await stack.submit("alex", storage_body(terabytes=3))
    await stack.pending(first)
    await stack.pending(second)
    assert first not in await _inbox(stack, "nora")
    assert (await stack.get("nora", f"/api/purchase-orders/{first}")).status_code == 404

    created = await stack.post(
        "priya",
        "/api/delegations",
        _window(delegate="nora", cost_centers=["IT-INFRA"], max_amount_base="100.00"),
    )
    assert created.status_code == 201, created.text
    delegation = created.json()
    assert (delegation["delegator"], delegation["delegate"], delegation["active"]) == (
        "priya",
        "nora",
        True,
    )
    assert delegation["max_amount_base_minor"] == 10_000
    path = f"/api/delegations/{delegation['id']}"
    try:
        assert delegation["id"] in [
            d["id"] for d in (await stack.get("nora", "/api/delegations")).json()
        ]
        inbox = await _inbox(stack, "nora")
        assert (inbox[first], inbox[second]) == ("priya", "priya")
        assert (await stack.get("nora", f"/api/purchase-orders/{first}")).status_code == 200

        decisions = f"/api/purchase-orders/{first}/decisions"
        alone = await stack.post("nora", decisions, {"action": "approve"})
        assert (alone.status_code, alone.json()["rule"]) == (403, "not_entitled")
        for_priya = await stack.post(
            "nora", decisions, {"action": "approve", "on_behalf_of": "priya"}
        )
        assert for_priya.status_code == 200, for_priya.text
        await stack.po_when(first, lambda po: po["status"] == "issued")
        decided = (await stack.get("nora", "/api/inbox")).json()["recently_decided"][0]
        assert (decided["po_number"], decided["on_behalf_of"]) == (first, "priya")

        assert (await stack.delete("sam", path)).status_code == 403
        revoked = await stack.delete("priya", path)
        assert revoked.status_code == 200
        assert revoked.json()["active"] is False and revoked.json()["revoked_at"] is not None
        assert second not in await _inbox(stack, "nora")
        assert (await stack.get("nora", f"/api/purchase-orders/{second}")).status_code == 404
    finally:
        await stack.delete("maria", path)


async def test_a_delegation_covers_only_its_scope(stack: Stack) -> None:
    number = await stack.submit("alex", storage_body())
    await stack.pending(number)
    elsewhere = await stack.post(
        "priya", "/api/delegations", _window(delegate="lee", cost_centers=["IT-APPS"])
    )
    small = await stack.post(
        "priya", "/api/delegations", _window(delegate="lee", max_amount_base="20.99")
    )
    assert (elsewhere.status_code, small.status_code) == (201, 201)
    try:
        assert number not in await _inbox(stack, "lee")
        decided = await stack.post(
            "lee",
            f"/api/purchase-orders/{number}/decisions",
            {"action": "approve", "on_behalf_of": "priya"},
        )
        assert decided.status_code == 404  # out of scope, so not visible either
    finally:
        for created in (elsewhere, small):
            revoked = await stack.delete("maria", f"/api/delegations/{created.json()['id']}")
            assert revoked.status_code == 200
    assert (await stack.delete("maria", "/api/delegations/999999")).status_code == 404


async def test_anyone_signed_in_reads_their_own_inbox(stack: Stack) -> None:
    for user in ("alex", "ines", "maria"):  # a requester, an auditor, an admin
        inbox = await stack.get(user, "/api/inbox")
        assert inbox.status_code == 200, (user, inbox.text)
        assert set(inbox.json()) == {"items", "recently_decided", "tasks"}


async def test_deciders_manage_their_delegations_and_admins_see_every_one(stack: Stack) -> None:
    later = datetime.now(UTC) + timedelta(days=30)
    window = _window(starts_at=later.isoformat(), ends_at=(later + timedelta(days=1)).isoformat())
    created = await stack.post("priya", "/api/delegations", window | {"delegate": "nora"})
    assert created.status_code == 201, created.text
    path = f"/api/delegations/{created.json()['id']}"
    try:
        for user in ("alex", "ines"):  # neither decides anything: nothing to delegate
            for refused in (
                await stack.get(user, "/api/delegations"),
                await stack.delete(user, path),
            ):
                assert refused.status_code == 403, (user, refused.text)
                assert refused.json()["rule"] == "role_required"
        seen = {
            user: [d["id"] for d in (await stack.get(user, "/api/delegations")).json()]
            for user in ("priya", "nora", "maria", "tom")
        }
        mine = created.json()["id"]
        assert mine in seen["priya"] and mine in seen["nora"] and mine in seen["maria"]
        assert mine not in seen["tom"]
        assert (await stack.delete("tom", path)).json()["rule"] == "not_delegator"
    finally:
        assert (await stack.delete("maria", path)).status_code == 200
